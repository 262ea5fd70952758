"""What the audit log holds: decisions, reviews of them (and refused attempts to settle a held
write, kept as reviews), and prunes, as canonical JSON bodies.

A decision is recorded when its response leaves; a write verified after that (async read-back)
that fails is recorded again under the same decision id with its later verdict, so the log
keeps both what the agent was told and what was found afterwards.

A record's body is the whole truth about it; the columns a store keeps beside it (kind, time,
decision id, verdict, conversation, agent, terms) are derived from the body by ``Entry.of``, so
they exist only to be searched, and ``verify`` can check that nobody changed them either.

The body is canonical JSON (sorted keys, no spaces, UTF-8), so anyone can recompute a record's
hash from what the store returns. Field values are PII-masked before they get here, secrets by
key are dropped, and no header is ever recorded: the Authorization the agent sent never gets near.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import orjson

from guardrail.context import snapshot
from guardrail.context.facts import Facts
from guardrail.context.lru import Lru
from guardrail.context.snapshot import Masking, Part, Snapshot
from guardrail.model import Decision, FieldDiff, HoldLink, Within, WriteIntent
from guardrail.sinks.redact import REDACTED, mask_fields, mask_text, mask_value, names_secret


class Kind(StrEnum):
    DECISION = "decision"
    REVIEW = "review"
    PRUNE = "prune"


class ReviewVerdict(StrEnum):
    """A reviewer's finding on a decision."""

    CONFIRMED = "confirmed"
    FALSE_POSITIVE = "false_positive"


_INT64 = range(-(2**63), 2**64)


def format_time(at: datetime) -> str:
    """UTC with microseconds and a ``Z``: fixed width, so it sorts as text too."""
    # orjson, else isoformat, not strftime (a third of the time): "+00:00" is the zone it
    # always ends with
    if at.tzinfo is not UTC:  # a time in UTC already (every ``now``) is not converted again
        at = at.astimezone(UTC)
    if at.microsecond:  # orjson writes no fraction of none; the same text a third faster
        return orjson.dumps(at, option=orjson.OPT_UTC_Z)[1:-1].decode()
    return at.isoformat(timespec="microseconds")[:-6] + "Z"


def parse_time(text: str) -> datetime:
    """An ISO 8601 time; one without a zone is taken as UTC. Raises ValueError."""
    at = datetime.fromisoformat(text.strip())
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def now() -> str:
    return format_time(datetime.now(UTC))


def canonical(body: Mapping[str, Any]) -> bytes:
    """The one serialisation a record is stored and hashed as."""
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


@dataclass(frozen=True, slots=True)
class Entry:
    """A record ready to be appended: its canonical body and the columns it is found by."""

    kind: Kind
    at: str
    body: bytes
    decision_id: str | None = None
    verdict: str | None = None
    conversation: str | None = None
    agent: str | None = None
    prune_through: int | None = None
    terms: tuple[str, ...] = ()
    #: The context parts the body names (guardrail.context.snapshot), stored beside it once
    #: each; not part of what the chain hashes (the body names each by its own hash).
    parts: tuple[Part, ...] = ()

    @classmethod
    def of(cls, body: Mapping[str, Any], parts: tuple[Part, ...] = ()) -> Entry:
        """The entry for ``body``; what a store's columns for that body must say."""
        kind = Kind(body["kind"])
        verdict = body.get("decision") if kind is Kind.DECISION else body.get("verdict")
        return cls(
            kind=kind,
            at=body["at"],
            body=canonical(body),
            decision_id=body.get("decision_id"),
            verdict=verdict,
            conversation=body.get("conversation"),
            agent=body.get("agent"),
            prune_through=body.get("through") if kind is Kind.PRUNE else None,
            terms=_terms(body) if kind is Kind.DECISION else (),
            parts=parts,
        )


def _terms(body: Mapping[str, Any]) -> tuple[str, ...]:
    """Search terms: each object written, each rule as ``policy/rule`` and as its name alone."""
    terms = {f"object:{i['object']}" for i in body.get("intents", ())}
    for v in body.get("violations", ()):
        terms.add(f"rule:{v['policy']}/{v['rule']}")
        terms.add(f"rule:{v['rule']}")
    return tuple(sorted(terms))


def object_term(name: str) -> str:
    return f"object:{name}"


def rule_term(name: str) -> str:
    """``policy/rule`` finds that rule; a bare name finds the rule of that name in any policy."""
    return f"rule:{name}"


@dataclass(frozen=True, slots=True)
class _Judged:
    """What a decision's record says that is fixed once it is judged, before the CRM answers:
    the context it was judged in (``snapshot.dump``: masked, encoded and hashed) and its intents
    masked. Most of the work of making a record."""

    facts: Facts | None
    intents: tuple[WriteIntent, ...]
    context: Snapshot | None
    masked: tuple[dict[str, Any], ...]

    @classmethod
    def of(cls, decision: Decision) -> _Judged:
        facts = decision.facts
        return cls(
            facts,
            decision.intents,
            None if facts is None else snapshot.dump(facts, _MASKING),
            tuple(_intent(intent) for intent in decision.intents),
        )

    def fits(self, decision: Decision) -> bool:
        """Whether ``decision`` is this one as it ended (``replace`` keeps what it does not
        change: the same facts, the same intents)."""
        return self.facts is decision.facts and self.intents is decision.intents


def decision_entry(
    decision: Decision, at: str | None = None, judged: _Judged | None = None
) -> Entry:
    """The record of ``decision``; ``judged``, what of it was made ahead (``Ahead``), if it
    still fits."""
    if judged is None or not judged.fits(decision):
        judged = _Judged.of(decision)
    caller = decision.caller
    saved = decision.saved_ids
    context = judged.context
    body = {
        "kind": Kind.DECISION.value,
        "at": at or now(),
        "decision_id": decision.id,
        "decision": str(decision.verdict),
        "crm": decision.crm,
        "conversation": caller.conversation,
        "agent": caller.agent,
        "token_id": caller.token_id,
        "tool": caller.tool,
        "traceparent": caller.traceparent,
        "intents": [
            {**masked, "saved_id": saved[n] if n < len(saved) else None}
            for n, masked in enumerate(judged.masked)
        ],
        "violations": [
            {
                "policy": v.policy,
                "rule": v.rule,
                "message": mask_text(v.message),
                "action": str(v.action),
                "mode": str(v.mode),
                "code": v.code,
                "fields": list(v.fields),
                "intent": v.intent,
                **({"uncertain": True} if v.uncertain else {}),
            }
            for v in decision.violations
        ],
        "policy_version": decision.policy_version,
        "status": decision.status,
        "upstream_status": decision.upstream_status,
        "guardrail_seconds": round(decision.guardrail_seconds, 6),
        "upstream_seconds": (
            None if decision.upstream_seconds is None else round(decision.upstream_seconds, 6)
        ),
        "error": decision.error,
        "diffs": [_diff(d) for d in decision.diffs],
        "revert": decision.revert,
        **({"outcome_source": decision.outcome_source} if decision.outcome_source else {}),
        # The conversation context as judged, masked like the rest, by reference to its parts:
        # what guardrail replay judges the intents in again (guardrail.context.snapshot).
        "context": None if context is None else context.document,
        **({"hold": _hold(decision.hold)} if decision.hold is not None else {}),
        **({"within": _within(decision.within)} if decision.within is not None else {}),
    }
    return Entry.of(body, () if context is None else context.parts)


#: What the log is asked to append: a record made, or a decision, made into its record where
#: the store writes (``made``), off the event loop.
Pending = Entry | Decision


def made(pending: Sequence[Pending]) -> list[Entry]:
    """The records of ``pending``, decisions masked, encoded and stamped now: a batch's records
    are made just before it is chained, so their times follow the chain's order."""
    return [p if isinstance(p, Entry) else decision_entry(p) for p in pending]


class Ahead:
    """Records begun before their decisions are final. A write's context and intents are known
    once it is judged, and masking, encoding and hashing them is most of the work of its record
    (``_Judged``); a store that makes records on a thread of its own is told of the write
    (``expect``) as it goes out to the CRM, makes that part while the request is out (``work``,
    when the thread has nothing else to do), and its record, made from the final decision
    (``made``), takes it. Each part is made once: a decision whose record is made before the
    part is taken off the list, a part made is used once, and both are bounded (a decision
    expected and never recorded is forgotten)."""

    def __init__(self, most: int = 256) -> None:
        self._most = most
        self._lock = threading.Lock()  # ``expect`` runs on the event loop, the rest on the thread
        self._waiting: dict[str, Decision] = {}
        self._ready: dict[str, _Judged] = {}

    def expect(self, decision: Decision) -> None:
        with self._lock:
            self._waiting[decision.id] = decision
            _bound(self._waiting, self._most)

    def work(self) -> bool:
        """Make the judged part of the oldest decision expected; whether there was one."""
        with self._lock:
            if not self._waiting:
                return False
            key = next(iter(self._waiting))
            decision = self._waiting.pop(key)
        self._ready[key] = _Judged.of(decision)
        _bound(self._ready, self._most)
        return True

    def made(self, pending: Sequence[Pending]) -> list[Entry]:
        """``made``, with what was made ahead."""
        entries = []
        for p in pending:
            if isinstance(p, Entry):
                entries.append(p)
                continue
            with self._lock:
                self._waiting.pop(p.id, None)
            entries.append(decision_entry(p, judged=self._ready.pop(p.id, None)))
        return entries


def _bound(found: dict[str, Any], most: int) -> None:
    while len(found) > most:
        del found[next(iter(found))]


def _hold(link: HoldLink) -> dict[str, Any]:
    """A held write's state, or how a held write was settled (guardrail.holds)."""
    body: dict[str, Any] = {"state": link.state}
    for key, value in (("of", link.of), ("until", link.until), ("reviewer", link.reviewer)):
        if value is not None:
            body[key] = value
    if link.comment:
        body["comment"] = mask_text(link.comment)
    if link.reason:
        body["reason"] = mask_text(link.reason)
    if link.readback:
        body["readback"] = [_value(dict(r)) for r in link.readback]
    if link.reading:
        body["reading"] = [_reading(dict(r)) for r in link.reading]
    return body


def _reading(item: dict[str, Any]) -> dict[str, Any]:
    """An item of a held write's reading, its evidence masked as a transcript is."""
    evidence = [{**e, "text": mask_text(str(e.get("text", "")))} for e in item.pop("evidence", ())]
    return {**_value(item), "evidence": evidence}


def _diff(diff: FieldDiff) -> dict[str, Any]:
    """A read-back difference, its values masked as the intents' fields are (a secret-named
    field's values dropped)."""
    secret = names_secret(diff.field)
    return {
        "field": diff.field,
        "intended": REDACTED if secret else _jsonable(mask_value(diff.intended)),
        "saved": REDACTED if secret else _jsonable(mask_value(diff.saved)),
        "note": mask_text(diff.note),
        "intent": diff.intent,
    }


def _within(within: Within) -> dict[str, Any]:
    """The request a decision on part of it belongs to (guardrail.partial): what replay judges
    its records with."""
    return {
        "intents": [{**_intent(intent), "saved_id": None} for intent in within.intents],
        "positions": list(within.positions),
    }


def _intent(intent: WriteIntent) -> dict[str, Any]:
    """An intent as its record holds it, masked, but for the id the CRM saved it under."""
    return {
        "object": intent.object,
        "operation": str(intent.operation),
        "record_id": intent.record_id,
        "external_id_field": intent.external_id_field,
        "external_id": None if intent.external_id is None else mask_text(intent.external_id),
        "ref": intent.ref,
        "fields": _fields(intent.fields, intent.id_fields),
        "references": dict(intent.references),
        "account": intent.account,
        "belongs_to": {f: list(owners) for f, owners in intent.belongs_to.items()},
        "filled": dict(intent.filled),
        "current": _fields(intent.current, intent.id_fields),
        "headers": {k: mask_text(v) for k, v in intent.headers.items()},
    }


def _value(value: Any) -> Any:
    """A JSON value masked as the intents' fields are, in a form canonical JSON holds."""
    return _jsonable(mask_value(value))


def _fields(fields: Mapping[str, Any], id_fields: frozenset[str]) -> dict[str, Any]:
    """A write's fields masked (``mask_fields``) in a form canonical JSON holds, remembered by
    what they hold: a write is masked for its own record and then for the context of each later
    write of its call (``snapshot.Masking``), the same values both times. Shared: not to be
    changed."""
    if not fields:
        return {}
    key = _content(fields)
    if key is None:
        return _masked(fields, id_fields)
    return _masked_fields.get((key, id_fields), lambda: _masked(fields, id_fields))


def _masked(fields: Mapping[str, Any], id_fields: frozenset[str]) -> dict[str, Any]:
    masked: dict[str, Any] = _jsonable(mask_fields(fields, id_fields))
    return masked


def _content(fields: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """What ``fields`` hold as a key (names and values, and the values' types), or None when it
    is not worth one: a float (0.0 is -0.0 as a key), a list or a map among them, or texts
    longer together than a field's size (what is remembered stays small)."""
    types = tuple(map(type, fields.values()))
    if not _KEYED.issuperset(types):
        return None
    if str in types and sum(len(v) for v in fields.values() if type(v) is str) > _REMEMBERED_TEXT:
        return None
    return (*fields.items(), *types)


_KEYED = frozenset({str, int, bool, type(None)})
_REMEMBERED_TEXT = 2000
#: Masked fields by what they held: a write's, until the later writes of its call have named
#: it (the conversation's context keeps its masked form from then on, ``snapshot._records``).
_masked_fields: Lru[dict[str, Any]] = Lru(1024)
_MASKING = Masking(_value, _fields)


def _jsonable(value: Any) -> Any:
    """``value`` as canonical JSON can hold it: the CRM's JSON allows integers past 64 bits and
    NaN, which have no canonical form here, so they are kept as their text."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if value in _INT64 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


def review_entry(
    decision_id: str, verdict: ReviewVerdict, comment: str, reviewer: str, at: str | None = None
) -> Entry:
    """A reviewer's mark on a decision: a record of its own, never an edit of the decision."""
    return _review(decision_id, verdict.value, comment, reviewer, at)


#: The verdict of a review record that is no reviewer's finding but their refused attempt to
#: approve or reject a held write (``refusal_entry``); no reviewer can mark a decision so.
REFUSED = "refused"


def refusal_entry(
    decision_id: str, attempt: str, reviewer: str, reason: str, message: str, comment: str
) -> Entry:
    """A reviewer's attempt to ``attempt`` (approve, reject) the held write ``decision_id``,
    refused for ``reason`` (guardrail.holds.service.Barred; ``message``, as the reviewer was
    told): a review record of its own, so compliance sees who tried to settle what, beside the
    hold. Free text masked as a settled hold's comment is."""
    return _review(
        decision_id,
        REFUSED,
        mask_text(comment),
        reviewer,
        None,
        attempt=attempt,
        reason=reason,
        message=mask_text(message),
    )


def _review(
    decision_id: str, verdict: str, comment: str, reviewer: str, at: str | None, **more: str
) -> Entry:
    return Entry.of(
        {
            "kind": Kind.REVIEW.value,
            "at": at or now(),
            "decision_id": decision_id,
            "verdict": verdict,
            "comment": comment,
            "reviewer": reviewer,
            **more,
        }
    )


def prune_entry(before: str, through: int, anchor_hash: str, deleted: int, at: str) -> Entry:
    """The record of a prune: records up to ``through`` (all older than ``before``) are gone,
    and the first that remains must link to ``anchor_hash``."""
    return Entry.of(
        {
            "kind": Kind.PRUNE.value,
            "at": at,
            "before": before,
            "through": through,
            "anchor_hash": anchor_hash,
            "deleted": deleted,
        }
    )
