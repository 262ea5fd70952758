"""What a conversation says, read once when its turns arrive: the typed result every backend
returns, every store keeps and every rule reads.

An ``Understanding`` belongs to one revision of one conversation (``rev``: the version at which
what the platform said last changed). It is computed off the write path (the admin API, when
turns arrive) and read on it; whatever computes it must be a ``Backend``::

    class Backend(Protocol):
        name: str
        def understand(self, turns: Sequence[Turn], rev: int = 0) -> Understanding: ...

A backend reads the turns (role ``customer``, ``agent`` or ``system``; text as the platform sent
it: typed chat, or lower-case unpunctuated speech-to-text) and returns:

``asks``
    what the customer asked for, one ``Ask`` per kind and status reading (closed vocabulary
    ``AskKind``), with the amount and currency they named (the last one they settled on: "forty
    back... actually twenty is fine" is 20; every plausible reading of an ambiguous one: "two
    fifty" is 2.50 or 250), the reason (``Reason``, mapped by the pack to the
    CRM's picklist) and how it stands (``AskStatus``: asked, declined, retracted, hypothetical,
    asked for by a third party, offered by the agent and accepted or declined);
``issues``
    what the customer's problem is (``Reason`` values: damaged, late, billing...), asked about or
    not: what a case's Reason must match; ``negated`` for a problem they say they do not have;
``facts``
    money, dates, order/case numbers stated, normalised from words ("thirty quid" is 30 GBP);
``sensitive``
    card numbers (Luhn-valid) and SSNs in any written form (spoken digit by digit, grouped
    oddly), with masked evidence only: an Understanding never holds the number itself;
``outcome``
    what the transcript shows happened (resolved, escalated, refund_issued...), when it does;
``under_way``
    when it shows no outcome because the call has plainly not ended (the agent's last word
    holds the line: "let me check"): an outcome not yet there, which is not one unread;
``unsure``
    why the reading as a whole may be wrong (``"asr"``, ``"several issues"``, ``"backends
    disagree"``...).

Every item carries its ``Evidence`` (turn index, character span in that turn's text, the text)
and a ``confidence`` in [0, 1]: the probability, calibrated on the labelled corpus, that the
item is right. Rules call an item *sure* when its confidence reaches the policy's threshold;
below it a violation the item causes is "cannot tell", not "contradicts" (``onUncertain``).

Backends combine (``combine``): each item kind is merged across readings; where backends agree
the item keeps the highest confidence, where they disagree the most confident reading wins with
its confidence lowered and the disagreement recorded in ``unsure``. A backend that cannot run
(an LLM endpoint down) is left out and said so in ``unsure``, never fatal.

Values are frozen and JSON round-trip (``to_json``/``from_json``) for the stores: the shape is
versioned (``SCHEMA_VERSION``); a stored reading of another version is recomputed, not read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from guardrail.context.model import Turn

SCHEMA_VERSION = 3
SURE = 0.7
"""The confidence from which a reading is sure: a rule failing on it means the conversation
contradicts the write; below it, that the guardrail cannot tell (``onUncertain``)."""


class AskKind(StrEnum):
    REFUND = "refund"
    REPLACEMENT = "replacement"
    CANCELLATION = "cancellation"
    ACCOUNT_CLOSURE = "account closure"
    CALLBACK = "callback"
    ESCALATION = "escalation"
    ADDRESS_CHANGE = "address change"
    PLAN_CHANGE = "plan change"
    OTHER = "other"


def unread(kind: AskKind) -> str:
    """The unsure note of a reading that met cues of ``kind`` it could not read: that it holds
    no ask of the kind is then no sure absence."""
    return f"cues of {kind} not read"


#: The unsure notes of a reading that could read nothing (a backend down): every kind unread.
ALL_UNREAD = tuple(unread(k) for k in AskKind)


class AskStatus(StrEnum):
    """How an ask stands at the end of the conversation."""

    ASKED = "asked"  # the customer asks for it, for themself
    DECLINED = "declined"  # "I'm not after a refund", "no, keep it open"
    RETRACTED = "retracted"  # asked, then took it back ("cancel it... no, leave it open")
    HYPOTHETICAL = "hypothetical"  # "if it's not here by Monday I'll want my money back"
    QUESTION = "question"  # "what would happen if I closed it?"
    THIRD_PARTY = "third party"  # "my husband wants his account closed"
    OFFERED_ACCEPTED = "offered accepted"  # the agent offered, the customer said yes
    OFFERED_DECLINED = "offered declined"  # the agent offered, the customer said no
    OFFERED = "offered"  # the agent offered, the customer never answered

    @property
    def granted(self) -> bool:
        """Whether this status lets the agent act on the ask."""
        return self in (AskStatus.ASKED, AskStatus.OFFERED_ACCEPTED)


class Reason(StrEnum):
    """Why the customer wants what they ask for; the pack maps these to the CRM's picklists."""

    DAMAGED = "damaged"  # arrived broken, faulty, stopped working
    LATE = "late"  # not arrived, delayed, lost in transit
    BILLING = "billing"  # charged twice, overcharged, wrong charge
    WRONG_ITEM = "wrong item"  # not what was ordered, wrong size
    TECHNICAL = "technical"  # service or device not working, outage, login
    SERVICE = "service"  # unhappy with how they were treated (a complaint)
    ACCOUNT = "account"  # about closing or leaving
    GOODWILL = "goodwill"  # no fault named; a gesture
    OTHER = "other"


class Outcome(StrEnum):
    RESOLVED = "resolved"
    ESCALATED = "escalated"
    REFUND_ISSUED = "refund_issued"
    CALLBACK_SCHEDULED = "callback_scheduled"
    NO_RESOLUTION = "no_resolution"


class FactKind(StrEnum):
    MONEY = "money"
    DATE = "date"
    ORDER = "order"  # order, invoice or reference numbers
    CASE = "case"  # case or ticket numbers
    NUMBER = "number"


class SensitiveKind(StrEnum):
    CARD = "card"
    SSN = "ssn"


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where in the transcript: ``turns[turn].text[start:end] == text``."""

    turn: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Ask:
    kind: AskKind
    status: AskStatus
    confidence: float
    amount: Decimal | None = None
    currency: str | None = None  # ISO 4217 ("USD", "GBP", "EUR"), None when not said
    reason: Reason | None = None
    evidence: tuple[Evidence, ...] = ()
    # Every plausible reading of the amount ("two fifty": 2.50 and 250), ``amount`` first; and
    # how sure the amount is what they asked for (named in the asking clause, or settled on),
    # apart from how sure the ask's status is (``confidence``).
    amounts: tuple[Decimal, ...] = ()
    amount_confidence: float = 0.0


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem the customer describes; ``negated``: one they say they do not have ("it's
    not broken, I just don't like the colour"), as telling as one they have."""

    reason: Reason
    confidence: float
    evidence: tuple[Evidence, ...] = ()
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Fact:
    kind: FactKind
    value: str  # normalised: "30" (money, currency apart), "2026-03-14" ("--03-14", "---14"
    # as far as the words pin it down), "10442"
    confidence: float
    currency: str | None = None
    speaker: str = "customer"  # the role of the turn that states it
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Sensitive:
    """A card number or SSN seen in a turn; ``evidence.text`` is masked (``[CARD]``)."""

    kind: SensitiveKind
    confidence: float
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class OutcomeReading:
    value: Outcome
    confidence: float
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class UnderWay:
    """The call has not ended: the agent is still working on it (``evidence``: what says so),
    and nothing since shows an outcome. A disposition logged now is logged too early, which
    a transcript that merely shows no outcome cannot say."""

    confidence: float
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Understanding:
    backend: str  # "lexical", "model", "llm", or "lexical+llm" once combined
    rev: int = 0  # the conversation revision read
    asks: tuple[Ask, ...] = ()
    issues: tuple[Issue, ...] = ()
    facts: tuple[Fact, ...] = ()
    sensitive: tuple[Sensitive, ...] = ()
    outcome: OutcomeReading | None = None
    unsure: tuple[str, ...] = ()
    under_way: UnderWay | None = None
    version: int = SCHEMA_VERSION

    def asks_of(self, kind: AskKind) -> tuple[Ask, ...]:
        return tuple(a for a in self.asks if a.kind is kind)

    def to_json(self) -> dict[str, Any]:
        encoded: dict[str, Any] = _encode(self)
        return encoded

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Understanding:
        """Raises ValueError when ``data`` is not an Understanding of this schema version."""
        if data.get("version") != SCHEMA_VERSION:
            raise ValueError(f"understanding schema {data.get('version')!r}, not {SCHEMA_VERSION}")
        try:
            return cls(
                backend=str(data["backend"]),
                rev=int(data["rev"]),
                asks=tuple(_ask(a) for a in data["asks"]),
                issues=tuple(
                    Issue(
                        Reason(i["reason"]),
                        float(i["confidence"]),
                        _evidence(i),
                        bool(i.get("negated", False)),
                    )
                    for i in data["issues"]
                ),
                facts=tuple(
                    Fact(
                        FactKind(f["kind"]),
                        str(f["value"]),
                        float(f["confidence"]),
                        f["currency"],
                        str(f["speaker"]),
                        _evidence(f),
                    )
                    for f in data["facts"]
                ),
                sensitive=tuple(
                    Sensitive(SensitiveKind(s["kind"]), float(s["confidence"]), _evidence(s))
                    for s in data["sensitive"]
                ),
                outcome=None
                if data["outcome"] is None
                else OutcomeReading(
                    Outcome(data["outcome"]["value"]),
                    float(data["outcome"]["confidence"]),
                    _evidence(data["outcome"]),
                ),
                unsure=tuple(str(u) for u in data["unsure"]),
                under_way=None
                if data["under_way"] is None
                else UnderWay(float(data["under_way"]["confidence"]), _evidence(data["under_way"])),
            )
        except (KeyError, TypeError, ArithmeticError) as exc:
            raise ValueError(f"not an understanding: {exc!r}") from exc


class Backend(Protocol):
    """Reads a conversation's turns. Must not raise on any text; must be deterministic for a
    given input when it says so (``lexical``). ``rev`` is stamped on the result."""

    name: str

    def understand(self, turns: Sequence[Turn], rev: int = 0) -> Understanding: ...


def combine(readings: Sequence[Understanding]) -> Understanding:
    """One reading from several backends' (in configured order): the first reads, the others
    can only make it unsure, never overturn it.

    Per ask kind, the first reading's ask stands (its most confident of that kind); where
    another reading puts it otherwise (another status), or says it could not read that kind
    (an endpoint down), its confidence is capped below SURE and ``"backends disagree on
    <kind>"`` recorded; where the first read no ask of a kind that another did, the absence
    stands, unsure (``"cues of <kind> not read"``). The outcome, and a call read as under
    way, likewise. So a rule that would block on the first reading holds on a disputed one
    (``onUncertain``), and nothing the first reading stops is let through. Issues likewise:
    the first's stand, unsure where another reads the same problem denied (or the reverse),
    and one only another read is added, never sure. Facts and sensitive data are unions
    (sensitive data: any backend's finding counts).
    """
    if not readings:
        raise ValueError("combine needs at least one reading")
    if len(readings) == 1:
        return readings[0]
    first, others = readings[0], readings[1:]
    unsure: list[str] = [u for r in readings for u in r.unsure]
    asks: list[Ask] = []
    for kind in AskKind:
        theirs = [a for r in others for a in r.asks_of(kind)]
        if not (mine := first.asks_of(kind)):
            if theirs:
                unsure += [unread(kind), f"backends disagree on {kind}"]
            continue
        best = max(mine, key=lambda a: a.confidence)
        doubted = any(unread(kind) in r.unsure for r in others)
        if doubted or any(a.status is not best.status for a in theirs):
            best = replace(best, confidence=_doubted(best.confidence))
            unsure.append(f"backends disagree on {kind}")
        asks.append(best)
    outcome, under_way = first.outcome, first.under_way
    seen = {r.outcome.value for r in others if r.outcome is not None}
    if outcome is not None and seen - {outcome.value}:
        outcome = replace(outcome, confidence=_doubted(outcome.confidence))
        unsure.append("backends disagree on the outcome")
    if under_way is not None and seen:
        under_way = replace(under_way, confidence=_doubted(under_way.confidence))
        unsure.append("backends disagree on whether the call is under way")
    read_first = {(i.reason, i.negated) for i in first.issues}
    read_others = {(i.reason, i.negated) for r in others for i in r.issues} - read_first
    issues = [  # the first's, doubted where another reads the same problem the other way
        replace(i, confidence=_doubted(i.confidence))
        if (i.reason, not i.negated) in read_others
        else i
        for i in first.issues
    ]
    issues += [  # another's the first did not read: never sure
        replace(i, confidence=_doubted(i.confidence))
        for r in others
        for i in r.issues
        if (i.reason, i.negated) not in read_first
    ]
    return Understanding(
        backend="+".join(r.backend for r in readings),
        rev=first.rev,
        asks=tuple(asks),
        issues=_union(issues),
        facts=_union(f for r in readings for f in r.facts),
        sensitive=_union(s for r in readings for s in r.sensitive),
        outcome=outcome,
        unsure=tuple(dict.fromkeys(unsure)),
        under_way=under_way,
    )


def _doubted(confidence: float) -> float:
    """A confidence another backend disputes: never sure."""
    return min(confidence, SURE - 0.01)


def _union(items: Any) -> tuple[Any, ...]:
    """Items keyed by what they say (not where or how sure), the most confident kept."""
    kept: dict[Any, Any] = {}
    for item in items:
        key = tuple(getattr(item, f) for f in item.__slots__ if f not in ("confidence", "evidence"))
        if key not in kept or item.confidence > kept[key].confidence:
            kept[key] = item
    return tuple(kept.values())


def _encode(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    if hasattr(value, "__slots__") and hasattr(value, "__dataclass_fields__"):
        return {f: _encode(getattr(value, f)) for f in value.__dataclass_fields__}
    return value


def _evidence(data: Mapping[str, Any]) -> tuple[Evidence, ...]:
    return tuple(
        Evidence(int(e["turn"]), int(e["start"]), int(e["end"]), str(e["text"]))
        for e in data["evidence"]
    )


def _ask(data: Mapping[str, Any]) -> Ask:
    return Ask(
        kind=AskKind(data["kind"]),
        status=AskStatus(data["status"]),
        confidence=float(data["confidence"]),
        amount=None if data["amount"] is None else Decimal(str(data["amount"])),
        currency=data["currency"],
        reason=None if data["reason"] is None else Reason(data["reason"]),
        evidence=_evidence(data),
        amounts=tuple(Decimal(str(a)) for a in data["amounts"]),
        amount_confidence=float(data["amount_confidence"]),
    )


__all__ = [
    "SCHEMA_VERSION",
    "Ask",
    "AskKind",
    "AskStatus",
    "Backend",
    "Evidence",
    "Fact",
    "FactKind",
    "Issue",
    "Outcome",
    "OutcomeReading",
    "Reason",
    "Sensitive",
    "SensitiveKind",
    "UnderWay",
    "Understanding",
    "combine",
]
