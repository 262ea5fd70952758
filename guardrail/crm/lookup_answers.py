"""The look-ups the proxy makes to judge a write (``Dialect.lookups``, ``Dialect.resolved``,
``Dialect.owners``): which to ask next, and what the CRM's answer means, alike for every
dialect.

Look-ups are asked one at a time where each needs the one before (the record a lookup field
names, then what the write it makes does there): the next is the first one wanted that is not
answered yet.

A look-up is the proxy's own question, asked with the agent's session (or the proxy's
credential in its place). Its answer stops the write in one of three ways: the session was
refused (401: InvalidSession, the CRM's own "unauthenticated", so the agent's client does what
it does when its session ends), the record asked about is not there (404, where the dialect
says what that means), or the answer is not one to judge by (another status, or a body that
does not hold what was asked: LookupFailed, failing closed). What an answer holds, and the
words of each refusal, stay the dialect's.

A 404 about the record the write changes (a ticket's incidents, a record's class, a case's
queue) means that record does not exist: the agent's error, which retrying cannot help, so
never a 503. Every dialect refuses the write alike (``gone``: RecordNotFound) with the CRM's
own not-found, as the CRM would answer the write itself, and audits it as blocked; nothing of
it is forwarded, since the CRM's own answer would come only from a write nobody judged. A
record the write only names (a case's contact) not being there is the dialect's to word
(LookupUnresolved), since the CRM refuses that write otherwise, if at all.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import replace
from typing import Any

from guardrail.crm.canonical import json_or_none
from guardrail.errors import (
    InvalidSession,
    LookupFailed,
    LookupUnresolved,
    RecordNotFound,
    RequestRejected,
)
from guardrail.model import Operation, WriteIntent


def first_unanswered(wanted: Iterable[str | None], answered: Collection[str]) -> tuple[str, ...]:
    """The first target of ``wanted`` (None: not wanted) not ``answered`` yet, alone; empty
    when every one is answered."""
    return next(((t,) for t in wanted if t is not None and t not in answered), ())


def answer(status: int, body: bytes, missing: RequestRejected | None = None) -> Any:
    """The CRM's answer as JSON when it answered 200, else None (refused by the caller:
    ``failed``). Raises InvalidSession for a 401, and ``missing`` for a 404 where the caller
    says what one means (``gone``: the record the write changes; ``not_there``: one it
    names)."""
    if status == 401:
        raise InvalidSession("expired")
    if status == 404 and missing is not None:
        raise missing
    return json_or_none(body) if status == 200 else None


def not_there(named: str) -> LookupUnresolved:
    """The refusal of a write naming a record (``named``, in words) a look-up found missing."""
    return LookupUnresolved(
        f"The write names the {named}, which the CRM does not have (deleted, or never made). "
        "Name a record of the customer you are talking to that exists."
    )


def gone(intent: WriteIntent) -> RecordNotFound:
    """The refusal of a write whose own record (by id, or by the field naming it) a look-up
    found missing."""
    named = intent.record_id or f"with {intent.external_id_field} = {intent.external_id!r}"
    return RecordNotFound(
        f"The {intent.object} {named} does not exist (deleted, or never made), so "
        "there is nothing for this write to change; crm-guardrail sent none of it. Name a "
        "record that exists."
    )


def missing(named: str, changed: WriteIntent | None) -> RequestRejected:
    """The refusal of a write a look-up found a record of missing: ``gone`` where it is the
    record ``changed`` changes, ``not_there`` where the write only names it (``named``)."""
    return gone(changed) if changed is not None else not_there(named)


def failed(
    could_not: str,
    answered: str,
    status: int | str,
    so: str = "so it cannot judge the write",
    then: str = "Retry later.",
) -> LookupFailed:
    """The refusal of a write whose look-up was not answered as asked: what crm-guardrail
    ``could_not`` do, who ``answered`` (the CRM, in the dialect's words) with what ``status``,
    ``so`` what it cannot judge, and what the agent may do ``then``."""
    return LookupFailed(
        f"crm-guardrail could not {could_not} ({answered} answered {status}), {so}; nothing "
        f"was sent. {then}"
    )


def not_looked_up(named: str, answered: str, status: int) -> LookupFailed:
    """The refusal of a write by lookup field whose record (``named``) the CRM did not answer
    the look-up of."""
    return failed(
        f"look up {named}", answered, status, so="so it cannot judge the write against that record"
    )


def found(intent: WriteIntent, record_id: str, account: str | None) -> WriteIntent:
    """A write by lookup field as the write it makes on the one record its look-up found
    (``account``: the customer account that record belongs to): a delete of it, or (an
    upsert's) an update."""
    operation = Operation.DELETE if intent.operation is Operation.DELETE else Operation.UPDATE
    return replace(intent, operation=operation, record_id=record_id, account=account)
