"""The values that flow through the proxy: what a write intends, what a check found, the verdict.

All are frozen: a decision, once made, is what the audit log, the metrics, the logs and the agent's
error all describe, so nothing downstream may change it behind their backs.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from guardrail.context.facts import Facts
    from guardrail.errors import DependencyFailure, RequestRejected


_V = TypeVar("_V")
_set = object.__setattr__


def replaced(value: _V, **changes: Any) -> _V:
    """``dataclasses.replace`` of one of this module's values (frozen, slotted, every field
    set by ``__init__``, no ``__post_init__``): made slot by slot, in half the time replace
    takes to walk the fields and call ``__init__``; intents and decisions are replaced several
    times a write. Raises TypeError for a name that is no field, as replace does."""
    kind = type(value)
    made = object.__new__(kind)
    for name in kind.__slots__:  # type: ignore[attr-defined]
        _set(made, name, changes.pop(name) if name in changes else getattr(value, name))
    if changes:
        raise TypeError(f"{kind.__name__} has no field {', '.join(sorted(changes))}")
    return made


class Operation(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UPSERT = "upsert"
    DELETE = "delete"


class Verdict(StrEnum):
    """What happened to a write; sent back as ``X-Guardrail-Decision``."""

    ALLOW = "allow"
    BLOCK = "block"
    SHADOW_BLOCK = "shadow-block"
    POST_FAIL = "post-fail"
    #: Not forwarded: kept until a person approves it (guardrail.holds), rejects it, or it expires.
    HOLD = "hold"


#: The verdicts whose write reached the CRM: what a conversation's history counts as written
#: (a post-fail write was saved before its read-back found it wrong, and may stand).
SAVED: frozenset[str] = frozenset({Verdict.ALLOW, Verdict.SHADOW_BLOCK, Verdict.POST_FAIL})


class Action(StrEnum):
    """What a violation does when its policy is enforced."""

    BLOCK = "block"
    WARN = "warn"
    AUDIT = "audit-only"
    #: Stop the write until a person approves it (guardrail.holds).
    HOLD = "hold"


class Mode(StrEnum):
    ENFORCE = "enforce"
    SHADOW = "shadow"


@dataclass(frozen=True, slots=True)
class Referrer:
    """A field of another object that may name a record of a write's object, and what the CRM
    does to each record naming one it deletes: deletes it too (``cascade``), or clears the
    field."""

    object: str
    field: str
    cascade: bool


@dataclass(frozen=True, slots=True)
class WriteIntent:
    """One record write, as the CRM dialect read it from a request.

    ``ref`` says where in the request the write sits ("" for a single-record call,
    "records[2]" in a collection, the referenceId in a composite), so an error can point at it.
    A write naming its record by a lookup field (``external_id_field``, ``external_id``) is
    judged as the write the CRM will make once the proxy looked the record up: an update or a
    delete of ``record_id``, or a create when an upsert matches nothing (guardrail.lookups).
    """

    crm: str
    object: str
    operation: Operation
    fields: Mapping[str, Any]
    record_id: str | None = None
    external_id_field: str | None = None
    external_id: str | None = None
    ref: str = ""
    #: Fields set from a composite reference (``@{ref.id}``): field -> the object the
    #: referenced record is, or None when the dialect cannot tell.
    references: Mapping[str, str | None] = field(default_factory=dict)
    #: The account the record being changed belongs to, when the proxy looked the record up
    #: in the CRM (a write by lookup field, resolved to its record id); None otherwise.
    account: str | None = None
    #: Whose the records this write names are, where the proxy asked the CRM: field (``Id``
    #: for the record an update or delete changes) -> the ids of the customer accounts and
    #: contacts the record belongs to (its account, its contact), as the CRM holds it now
    #: (guardrail.lookups.belongings). Only records the conversation grounds that are not the
    #: customer's own ids nor created in the conversation.
    belongs_to: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Fields the CRM fills from another the write sets, which the dialect put in ``fields``
    #: as the CRM will save them (Salesforce's ``Case.AccountId`` from ``ContactId``): field
    #: -> the field its value derives from, as the write spells it. The agent did not send
    #: them: such a value is grounded when the field it derives from is (the proxy read it
    #: from that record), and a message names the field the agent sent.
    filled: Mapping[str, str] = field(default_factory=dict)
    #: The request headers that change what the CRM does with this write (Salesforce's
    #: ``Sforce-Auto-Assign``, ``Sforce-Duplicate-Rule-Header``...), in the CRM's documented
    #: spelling; rules read them as ``intent.headers``.
    headers: Mapping[str, str] = field(default_factory=dict)
    #: The record's values as the CRM holds them when the write is judged, where the dialect
    #: read them first (a Case's OwnerId, Reason and Status when an update changes its Reason
    #: and not its queue): field -> value. Beside the write, not in ``fields``: rules see them
    #: through ``known_field`` (before what the conversation remembers) and ``intent.current``.
    current: Mapping[str, Any] = field(default_factory=dict)
    #: The tables ``object`` extends, nearest first, where the dialect asked the CRM (a
    #: ServiceNow table's ``super_class``): a reference to any of them may name this record
    #: (a field referencing ``task`` may name an incident), so what a delete clears is asked
    #: of each.
    extends: tuple[str, ...] = ()
    #: The fields of other objects that may name the record a delete removes, where the
    #: dialect asked the CRM's model (Salesforce's describe ``childRelationships``): whether a
    #: record names it through each is asked before the delete is judged.
    referrers: tuple[Referrer, ...] = ()
    #: The fields that hold record ids by their type (a reference, the record's own id), as
    #: the policy set in force types them, each set to an id of the CRM if this write sets it
    #: (PolicySet.canonical): only their values are never read for card data nor masked;
    #: every other text is, whatever its shape (guardrail.sinks.redact.text_fields). Empty
    #: until then: all read as text.
    id_fields: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Saved:
    """What the CRM answered it did with one intent's record: the record's id (None where it
    saved none, or its answer names none), and whether it made the record (True) or changed
    one that existed (False); None when its answer does not say (a plain create or update,
    whose answer is only ever what was asked)."""

    id: str | None = None
    created: bool | None = None
    #: The CRM took the write but its answer names no record (a job that saves it later): what
    #: it saved cannot be read back, so a read-back of it fails rather than being skipped.
    unnamed: bool = False

    @classmethod
    def taken(cls, intent: WriteIntent, named: str | None, created: bool | None = None) -> Saved:
        """What a write the CRM took (answered as a success) saved: the record its answer
        ``named``, else the one the write named. A create whose answer names none saved a
        record no one can read back, so its read-back fails rather than being skipped."""
        record = named or intent.record_id
        return cls(record, created, unnamed=record is None and intent.operation is Operation.CREATE)

    def updated(self, intent: WriteIntent) -> bool:
        """Whether the CRM changed an existing record with a write judged a create: an upsert
        whose lookup found no record, the record appearing before the CRM made the write."""
        return intent.operation is Operation.CREATE and self.created is False

    def made(self, intent: WriteIntent) -> bool:
        """Whether the CRM made a new record with a write judged an update of the record its
        lookup found: that record was gone (deleted, or its value changed) before the CRM
        made the write."""
        return intent.operation is Operation.UPDATE and self.created is True


@dataclass(frozen=True, slots=True)
class Violation:
    """A check's finding about one intent (``intent`` indexes the decision's intents)."""

    policy: str
    rule: str
    message: str
    fields: tuple[str, ...] = ()
    action: Action = Action.BLOCK
    mode: Mode = Mode.ENFORCE
    code: str = "GUARDRAIL_PARAMETER_INVALID"
    intent: int | None = None
    #: The rule failed on a reading of the conversation that is not sure (the rule's
    #: ``uncertain`` expression held): "cannot tell", not "the conversation contradicts the
    #: write"; its action is then the policy's ``onUncertain``.
    uncertain: bool = False

    @classmethod
    def refusal(cls, error: RequestRejected | DependencyFailure) -> Violation:
        """A request the proxy refused before judging it, as a violation of its own rule
        ``guardrail/<error class>``: how the audit log, replay and the scenarios name it."""
        return cls(policy="guardrail", rule=type(error).__name__, message=error.message,
                   code=error.code)  # fmt: skip

    @property
    def name(self) -> str:
        """``policy/rule``, as labels and reports name it."""
        return f"{self.policy}/{self.rule}"

    @property
    def blocks(self) -> bool:
        """Whether this violation alone stops the write."""
        return self.action is Action.BLOCK and self.mode is Mode.ENFORCE

    @property
    def holds(self) -> bool:
        """Whether this violation alone keeps the write waiting for a person's approval."""
        return self.action is Action.HOLD and self.mode is Mode.ENFORCE

    @property
    def would_block(self) -> bool:
        """Whether this violation would stop the write (refuse or hold it) if its policy were
        enforced."""
        return self.action in (Action.BLOCK, Action.HOLD)


@dataclass(frozen=True, slots=True)
class FieldDiff:
    """A field the CRM saved differently from how the write set it (``intent`` indexes it)."""

    field: str
    intended: Any
    saved: Any
    note: str  # why they differ, in words: "truncated to 40 characters", "rounded", "changed"
    intent: int = 0

    def describe(self) -> str:
        return f"{self.field}: wrote {self.intended!r}, saved {self.saved!r} ({self.note})"


@dataclass(frozen=True, slots=True)
class Caller:
    """Who made the call: from the agent token it bore (its conversation, agent and id), else
    from the optional ``X-Guardrail-*`` headers; ``tool`` and ``traceparent`` from headers.

    ``token_id`` names the agent token, never holds it: a decision must not carry a secret.
    """

    conversation: str | None = None
    agent: str | None = None
    tool: str | None = None
    traceparent: str | None = None
    token_id: str | None = None


@dataclass(frozen=True, slots=True)
class HoldLink:
    """What a decision has to do with a held write (guardrail.holds).

    On the held decision itself: ``state`` "held" and ``until`` (when it expires). On a write
    sent again while an identical hold stands (guardrail.holds.repeat): ``state`` "repeat",
    ``of`` the standing hold's id and ``until`` its expiry; nothing was kept. On the
    decision that settles it: ``of`` (the held decision's id), its ``state`` ("approved",
    "rejected", "expired", "refused": approved but no longer holding when judged again), who
    settled it and why; ``readback`` is the saved record as read after an approved write.
    """

    state: str
    of: str | None = None
    until: str | None = None
    reviewer: str | None = None
    comment: str = ""
    reason: str = ""
    readback: tuple[Mapping[str, Any], ...] = ()
    #: On the held decision: what the conversation's reading found (asks, issues), each with
    #: its confidence and evidence, so a reviewer sees what the guardrail was unsure of.
    reading: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class Within:
    """Where a decision on some records of a request saved in part (guardrail.partial) stands
    in it: the request's writes as judged, and the positions of the decision's own among them.
    Each record was judged with those before it in the request (a duplicate of an earlier
    record), whichever side they ended on: replay judges them so again."""

    intents: tuple[WriteIntent, ...]
    positions: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Decision:
    """The verdict on one request and the reasons for it."""

    id: str
    verdict: Verdict
    crm: str
    intents: tuple[WriteIntent, ...]
    violations: tuple[Violation, ...]
    policy_version: str
    caller: Caller = field(default_factory=Caller)
    status: int | None = None  # the status the agent got, once known
    upstream_status: int | None = None
    guardrail_seconds: float = 0.0
    upstream_seconds: float | None = None
    error: str | None = None  # a dependency failure (upstream down, check error), if any
    saved: tuple[Saved, ...] = ()  # per intent: what the CRM answered it did with its record
    diffs: tuple[FieldDiff, ...] = ()  # read-back: what was saved differently from the write
    revert: str | None = None  # read-back failed and a revert was tried: its result
    #: A refused read's objects (it has no intents): metrics count the refusal under them.
    reads: tuple[str, ...] = ()
    #: Where the conversation's outcome came from: "platform" (set by the contact-center
    #: platform), "transcript" (read from the turns, guardrail.understanding), None (neither).
    outcome_source: str | None = None
    #: The conversation context the pipeline judged the intents in: the audit log keeps it
    #: (masked) so ``guardrail replay`` can judge the same write again without the CRM, and
    #: metrics read the conversation's intent from it.
    facts: Facts | None = field(default=None, compare=False, repr=False)
    #: A held write, or the settling of one (guardrail.holds).
    hold: HoldLink | None = None
    #: On a decision on part of a request (guardrail.partial): the request it is part of.
    within: Within | None = None

    @property
    def saved_ids(self) -> tuple[str | None, ...]:
        """Per intent: the record's id once the CRM saved it."""
        return tuple(s.id for s in self.saved)

    @property
    def forwarded(self) -> bool:
        return self.verdict in (Verdict.ALLOW, Verdict.SHADOW_BLOCK)

    def violations_for(self, intent: int) -> tuple[Violation, ...]:
        return tuple(v for v in self.violations if v.intent == intent)

    @property
    def rules(self) -> tuple[str, ...]:
        """The distinct rules that fired, in order, as ``policy/rule``."""
        return tuple(dict.fromkeys(v.name for v in self.violations))


def decide(violations: tuple[Violation, ...]) -> Verdict:
    """The verdict the violations call for: an enforced block blocks, else an enforced hold
    holds; a shadowed one is reported."""
    if any(v.blocks for v in violations):
        return Verdict.BLOCK
    if any(v.holds for v in violations):
        return Verdict.HOLD
    if any(v.would_block for v in violations):
        return Verdict.SHADOW_BLOCK
    return Verdict.ALLOW


class _Randomness(threading.local):
    """The OS's random bytes, drawn 4 KB at a time, per thread. ``os.urandom`` lets go of the
    GIL: on the event loop's thread, each call handed it to the audit writer's thread for as
    long as that ran Python, once per decision. Drawn in bulk, that is once per 409 ids."""

    SIZE = 4096

    def __init__(self) -> None:
        self.forget()

    def forget(self) -> None:
        """Start over (a forked child must not repeat its parent's ids)."""
        self.pool, self.used = b"", 0

    def take(self, n: int) -> bytes:
        if self.used + n > len(self.pool):
            self.pool, self.used = os.urandom(self.SIZE), 0
        start = self.used
        self.used += n
        return self.pool[start : self.used]


_randomness = _Randomness()
os.register_at_fork(after_in_child=_randomness.forget)


#: What a decision id may be wherever one is asked for (the admin API, an agent's poll): any id
#: new_decision_id makes, and ids of records made elsewhere.
DECISION_ID = re.compile(r"[A-Za-z0-9._:-]{1,200}")
DECISION_ID_SHAPE = "a decision id is 1 to 200 characters of A-Z, a-z, 0-9, '.', '_', ':', '-'"


def new_decision_id() -> str:
    """A UUIDv7-shaped id: sorts by time, so audit pages and cursors follow creation order."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(_randomness.take(10), "big")
    value = (millis & (2**48 - 1)) << 80 | 0x7 << 76 | (rand >> 68 & 0xFFF) << 64
    value |= 0b10 << 62 | (rand & (2**62 - 1))
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
