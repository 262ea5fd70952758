"""A pass-through write is held only on a session the CRM accepts for what it writes.

In pass-through mode the CRM, not the proxy, authenticates the agent. A held write never
reaches the CRM with the agent's session (the session is not kept), and once approved it goes
out with the proxy's own credential. Kept as sent, a write from a caller with no session the
CRM takes (none, a made-up one, an expired one), or one that cannot see the record it changes,
would be made with the proxy's rights as soon as a reviewer approved it. So before a write is
held the CRM is asked, with the agent's own session, for what the write touches: each record
it changes, and for a create the records that look like it (a read of its object). Only an
answer the CRM gives that session lets the write be held.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from multidict import CIMultiDict

from guardrail.crm.base import Dialect, Outbound, RawRequest
from guardrail.errors import (
    InvalidSession,
    LookupFailed,
    SessionCannotReach,
    UnsupportedEndpoint,
)
from guardrail.lookups import Get
from guardrail.model import WriteIntent


async def vouch(dialect: Dialect, target: str, intents: Sequence[WriteIntent], ask: Get) -> None:
    """Raises unless the CRM answers ``ask`` (the agent's own session) for every intent:
    InvalidSession (the CRM's own 401) for a session it refuses, SessionCannotReach for what
    that session may not read, UnsupportedEndpoint where the dialect has no read to ask with,
    LookupFailed when the CRM does not answer. Asked once per record, and once per object
    created (a collection of creates asks once)."""
    asked: set[tuple[str, str | None]] = set()
    for intent in intents:
        if (intent.object, intent.record_id) in asked:
            continue
        asked.add((intent.object, intent.record_id))
        read = (
            saved_read(dialect, target, intent.object, [intent.record_id], None)
            if intent.record_id is not None and intent.object
            else dialect.lookalikes(target, intent)
        )
        if read is None:
            raise UnsupportedEndpoint(
                f"crm-guardrail would hold this {intent.object} write for a person's approval, "
                "but cannot ask the CRM whether your session may make it, and an approved "
                "write is made with the proxy's own credential; nothing was sent. Use an "
                "agent token (auth_mode: token) for writes that may be held."
            )
        answer = await ask(read.target)
        if answer.status == 401:
            raise InvalidSession("refused by the CRM")
        if answer.status >= 500:
            raise LookupFailed(
                f"The CRM did not answer whether your session may write this {intent.object} "
                f"(HTTP {answer.status}), so it was not held for approval; nothing was sent. "
                "Send it again later."
            )
        if answer.status != 200:
            raise SessionCannotReach(
                f"Your session may not read the {intent.object} this write changes (the CRM "
                f"answered HTTP {answer.status}), so it was not held for approval: once "
                "approved it would be made with the proxy's own credential. Nothing was sent."
            )


def saved_read(
    dialect: Dialect,
    target: str,
    sobject: str,
    ids: Sequence[str],
    fields: Iterable[str] | None,
) -> Outbound:
    """The read of saved records, as the dialect reads them, in the API of ``target``."""
    request = dialect.canonical(RawRequest("GET", target, CIMultiDict(), b""))
    return dialect.read_saved(request, sobject, ids, fields)
