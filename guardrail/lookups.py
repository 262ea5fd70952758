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
a few at a time, through the proxy's forwarding client (``asking``): in token mode with the
proxy's own credential, in pass-through mode with the agent's own session (the one the write
will be made with, so the lookup sees exactly the records the write could reach).

Every door judges a write after the same lookups (guardrail.judge), so it gets the decision the
proxy gives it: ``POST /check`` asks the CRM through the proxy's client as the proxy would,
``guardrail test`` its simulated CRM, an approved hold with the proxy's own credential. A door
with no CRM to ask (``guardrail check``) is ``Unreachable``: a write it would have to ask about
is refused, saying so, never judged as written. Only a replay judges without asking, because
its writes were recorded as the lookups resolved them (``RECORDED``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from multidict import CIMultiDict

from guardrail.crm.base import Dialect
from guardrail.errors import LookupUnavailable, LookupUnresolved
from guardrail.model import Operation, WriteIntent, replaced
from guardrail.upstream import Sender, UpstreamResponse

#: Lookups in flight at once for one request.
CONCURRENCY = 8
#: Rounds of look-ups one request's writes may need, each once the one before is answered
#: (a ServiceNow delete through a base table: its record's class, its children, the tables
#: that class extends, then the fields referencing any of them).
ROUNDS = 4

Get = Callable[[str], Awaitable[UpstreamResponse]]
"""Sends ``GET target`` to the CRM and returns its answer."""


def asking(sender: Sender, authorization: str | None = None) -> Get:
    """How a door asks the CRM through ``sender``: a GET with the write's own session
    (``authorization``, in pass-through mode; a credentialed sender puts the proxy's own in its
    place), nothing else of the write's headers."""
    headers: CIMultiDict[str] = CIMultiDict({"Accept": "application/json"})
    if authorization is not None:
        headers["Authorization"] = authorization

    async def get(target: str) -> UpstreamResponse:
        return await sender.send("GET", target, headers.copy(), None)

    return get


@dataclass(frozen=True)
class Unreachable:
    """The CRM as a door with none to ask sees it (``door``: which, and where to judge such a
    write instead): every lookup refused, so a write that needs one is refused too."""

    door: str

    async def __call__(self, target: str) -> UpstreamResponse:
        raise LookupUnavailable(
            f"crm-guardrail judges this write only after asking the CRM (GET {target}: which "
            f"record, class or fields it really writes, or whose the record is), and {self.door}"
            ", so it refuses the write rather than judge it as written."
        )


@dataclass(frozen=True)
class Recorded:
    """Writes as a decision record keeps them: resolved by the lookups when first judged
    (their record, class, fields and ``belongs_to`` as the CRM answered then)."""


RECORDED = Recorded()


async def resolve(
    dialect: Dialect, path: str, intents: Sequence[WriteIntent], get: Get
) -> tuple[WriteIntent, ...]:
    """``intents`` with every write by lookup field resolved to the record it names.

    A write may need a look-up once another is answered (a Zendesk create_or_update's record,
    then the fields its tags set; a ServiceNow record written through a base table, its class,
    then what the write does there), so the dialect is asked again after each round of
    answers, told what was answered, until it asks nothing more; one still asking after
    ``ROUNDS`` is refused. The look-ups of one round need no answer of each other (a
    Salesforce delete's query of each object that may name its record), so they are asked
    together.

    Raises LookupUnresolved, LookupFailed or another DependencyFailure, InvalidSession.
    """
    current = list(intents)
    asked: list[set[str]] = [set() for _ in current]
    for done in range(ROUNDS + 1):
        targets = [
            dialect.lookups(intent, path, seen) for intent, seen in zip(current, asked, strict=True)
        ]
        if not any(targets):
            break
        if done == ROUNDS:
            raise LookupUnresolved(
                "crm-guardrail needs more look-ups than it makes for one write to tell what "
                "this one changes, so it refuses it. Send the write in simpler parts (by "
                "record id)."
            )
        answers = await _ask([t for wanted in targets for t in wanted], get)
        for n, wanted in enumerate(targets):
            for target in wanted:
                asked[n].add(target)
                answer = answers[target]
                current[n] = dialect.resolved(current[n], target, answer.status, answer.body)
    return tuple(current)


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

    Raises RecordNotFound (no record an intent changes), LookupUnresolved (none it names),
    LookupFailed, InvalidSession.
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
    changed = {record: i for i in intents if (record := _changed(i)) is not None}
    owners = await _owners(dialect, targets, get, object_for_id, changed)
    theirs = _targets(
        dialect, path, object_for_id, lambda v: v not in owners and not known(v),
        (o for found in owners.values() for o in found),
    )  # fmt: skip
    if theirs:
        further = await _owners(dialect, theirs, get, object_for_id, {})
        owners = {v: tuple(dict.fromkeys((*found, *(a for o in found for a in further.get(o, ())))))
                  for v, found in owners.items()}  # fmt: skip
    return tuple(
        replaced(intent, belongs_to=named) if (named := _named(intent, owners)) else intent
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
    dialect: Dialect,
    targets: Mapping[str, str],
    get: Get,
    object_for_id: Callable[[str], str],
    changed: Mapping[str, WriteIntent],
) -> dict[str, tuple[str, ...]]:
    """Record id -> whose it is, as the CRM answers each of ``targets``. A record missing is
    the write's own when an intent ``changed`` it (the CRM's own not-found), else one it only
    names."""
    answers = await _ask(list(targets.values()), get)
    found = {}
    for value, target in targets.items():
        named = f"{object_for_id(value)} {value}"
        answer = answers[target]
        found[value] = dialect.owners(named, answer.status, answer.body, changed.get(value))
    return found


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


async def _ask(targets: Sequence[str], get: Get) -> dict[str, UpstreamResponse]:
    """The CRM's answer to ``GET`` each distinct target, a few at a time."""
    unique = list(dict.fromkeys(targets))
    gate = asyncio.Semaphore(CONCURRENCY)

    async def ask(target: str) -> UpstreamResponse:
        async with gate:
            return await get(target)

    return dict(zip(unique, await asyncio.gather(*map(ask, unique)), strict=True))
