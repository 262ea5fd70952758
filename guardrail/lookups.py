"""Writes by lookup field, resolved to the record they name before they are judged.

An upsert or delete may name its record by a field's value instead of its id (an external id,
``Id`` itself, or any field the CRM looks records up by). Judged as written, such a write has no
record to ground: the agent could change any customer's record by a value it never read. So
before judging, the proxy asks the CRM which record the value names, the way the write itself
will be resolved (the dialect says how), and the write is judged as the write the CRM will make:
an update or delete of that record, or a create when an upsert matches nothing. A value that
names several records, or none for a delete, is refused, saying why; a lookup the CRM does not
answer fails closed.

Likewise whose a record a write names or changes is (``belongings``): reading another
customer's record grounds its id, and a query may show a record without its account, so where
the conversation does not show whose it is the proxy asks the CRM which customer accounts and
contacts the record belongs to, and rules judge that (``WriteIntent.belongs_to``).

Each distinct lookup is made once per request (a collection naming one record twice asks once),
a few at a time, through the proxy's forwarding client: in token mode with the proxy's own
credential, in pass-through mode with the agent's own session (the one the write will be made
with, so the lookup sees exactly the records the write could reach).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import replace

from guardrail.crm.base import Dialect
from guardrail.model import Operation, WriteIntent
from guardrail.upstream import UpstreamResponse

#: Lookups in flight at once for one request.
CONCURRENCY = 8

Get = Callable[[str], Awaitable[UpstreamResponse]]
"""Sends ``GET target`` to the CRM and returns its answer."""


async def resolve(
    dialect: Dialect, path: str, intents: Sequence[WriteIntent], get: Get
) -> tuple[WriteIntent, ...]:
    """``intents`` with every write by lookup field resolved to the record it names.

    Raises LookupUnresolved, LookupFailed or another DependencyFailure, InvalidSession.
    """
    targets = [dialect.lookup(intent, path) for intent in intents]
    if not any(targets):
        return tuple(intents)
    answers = await _ask(targets, get)
    return tuple(
        intent if target is None else dialect.resolved(intent, answers[target].status,
                                                       answers[target].body)
        for intent, target in zip(intents, targets, strict=True)
    )  # fmt: skip


async def belongings(
    dialect: Dialect,
    path: str,
    intents: Sequence[WriteIntent],
    get: Get,
    object_for_id: Callable[[str], str],
    wanted: Callable[[str], bool],
    known: Callable[[str], bool],
) -> Sequence[WriteIntent]:
    """``intents`` with ``belongs_to`` set: for each field naming a record ``wanted`` (by its
    id), and for the record an update or delete changes (under ``RECORD``), whose that record
    is (the customer accounts and contacts it belongs to), as the CRM holds it now. A write
    naming a record read in the conversation may still name another customer's, and a query
    may have shown it without its account. ``wanted`` says which records to ask about (the
    caller knows whose the others are), and the person a record is handed to (the dialect's
    ``assignee_fields``) is asked about whoever it is: a customer may be one. ``object_for_id``
    names the object of an id. Each record is asked about once. A record's owner that is
    itself someone's (a case's contact, whose account is the customer's) is asked about too,
    once, unless ``known`` (the customer's own, or read with whose it is): a case with no
    account, opened for a contact of the customer's account, is the customer's.

    Raises LookupUnresolved (no such record), LookupFailed, InvalidSession.
    """
    targets = _targets(
        dialect, path, object_for_id, wanted,
        (v for i in intents for v in (*i.fields.values(), _changed(i))),
    ) | _targets(
        dialect, path, object_for_id, lambda v: True,
        (i.fields.get(f) for i in intents for f in dialect.assignee_fields),
    )  # fmt: skip
    if not targets:
        return intents
    owners = await _owners(dialect, targets, get, object_for_id)
    theirs = _targets(
        dialect, path, object_for_id, lambda v: v not in owners and not known(v),
        (o for found in owners.values() for o in found),
    )  # fmt: skip
    if theirs:
        further = await _owners(dialect, theirs, get, object_for_id)
        owners = {v: tuple(dict.fromkeys((*found, *(a for o in found for a in further.get(o, ())))))
                  for v, found in owners.items()}  # fmt: skip
    return tuple(
        replace(intent, belongs_to=named) if (named := _named(intent, owners)) else intent
        for intent in intents
    )


def _targets(
    dialect: Dialect,
    path: str,
    object_for_id: Callable[[str], str],
    wanted: Callable[[str], bool],
    values: Iterable[object],
) -> dict[str, str]:
    """Record id as written -> the GET that reads whose it is, for each id ``wanted``."""
    targets: dict[str, str] = {}
    for value in values:
        if isinstance(value, str) and value not in targets and dialect.is_id(value):
            target = wanted(value) and dialect.owner_lookup(object_for_id(value), value, path)
            if target:
                targets[value] = target
    return targets


async def _owners(
    dialect: Dialect, targets: Mapping[str, str], get: Get, object_for_id: Callable[[str], str]
) -> dict[str, tuple[str, ...]]:
    answers = await _ask(list(targets.values()), get)
    return {
        value: dialect.owners(f"{object_for_id(value)} {value}", answers[target].status,
                              answers[target].body)
        for value, target in targets.items()
    }  # fmt: skip


#: The key ``belongs_to`` gives the record a write changes or deletes.
RECORD = "Id"


def _changed(intent: WriteIntent) -> str | None:
    """The record an update or delete changes, when whose it is was not learnt already (a
    write by lookup field knows its record's account)."""
    if intent.operation in (Operation.UPDATE, Operation.DELETE) and intent.account is None:
        return intent.record_id
    return None


def _named(
    intent: WriteIntent, owners: Mapping[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    named = {f: owners[v] for f, v in intent.fields.items() if isinstance(v, str) and v in owners}
    changed = _changed(intent)
    if changed is not None and changed in owners:
        named[RECORD] = owners[changed]
    return named


async def _ask(targets: Sequence[str | None], get: Get) -> dict[str, UpstreamResponse]:
    """The CRM's answer to ``GET`` each distinct target, a few at a time."""
    unique = list(dict.fromkeys(t for t in targets if t is not None))
    gate = asyncio.Semaphore(CONCURRENCY)

    async def ask(target: str) -> UpstreamResponse:
        async with gate:
            return await get(target)

    return dict(zip(unique, await asyncio.gather(*map(ask, unique)), strict=True))
