"""Writes by lookup field, resolved to the record they name before they are judged.

An upsert or delete may name its record by a field's value instead of its id (an external id,
``Id`` itself, or any field the CRM looks records up by). Judged as written, such a write has no
record to ground: the agent could change any customer's record by a value it never read. So
before judging, the proxy asks the CRM which record the value names, the way the write itself
will be resolved (the dialect says how), and the write is judged as the write the CRM will make:
an update or delete of that record, or a create when an upsert matches nothing. A value that
names several records, or none for a delete, is refused, saying why; a lookup the CRM does not
answer fails closed.

Each distinct lookup is made once per request (a collection naming one record twice asks once),
a few at a time, through the proxy's forwarding client: in token mode with the proxy's own
credential, in pass-through mode with the agent's own session (the one the write will be made
with, so the lookup sees exactly the records the write could reach).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from guardrail.crm.base import Dialect
from guardrail.model import WriteIntent
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
    unique = list(dict.fromkeys(t for t in targets if t is not None))
    if not unique:
        return tuple(intents)
    gate = asyncio.Semaphore(CONCURRENCY)

    async def ask(target: str) -> UpstreamResponse:
        async with gate:
            return await get(target)

    answers = dict(zip(unique, await asyncio.gather(*map(ask, unique)), strict=True))
    return tuple(
        intent if target is None else dialect.resolved(intent, answers[target].status,
                                                       answers[target].body)
        for intent, target in zip(intents, targets, strict=True)
    )  # fmt: skip
