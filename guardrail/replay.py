"""``guardrail replay``: judge audited decisions again with a candidate policy set, and list
every one that would come out differently.

A decision record keeps the intents as the dialect read them and the conversation context the
pipeline judged them in (guardrail.context.snapshot), both masked. Replay rebuilds them and runs
the candidate set through the same pipeline, so it never calls the CRM and does not need the
conversation store, which has long forgotten most of the conversations.

A decision *flips* when its verdict changes (allow to block, block to allow, to or from
shadow-block) or when the rules that make its verdict change (blocked by another rule). The
recorded side is the pre-write judgement: violations a read-back added later (post-fail) are
not part of it, since replay does not read anything back. Schema drift is the CRM's state at
the time, not the policy's: a recorded drift finding stays, with the action the candidate's
``onDrift`` gives it. Likewise a value the record keeps masked (an email as ``[EMAIL]``) has
lost its shape: what the schema found of the original stays as found, and the mask is not
judged against the schema. The writes are judged as they were recorded: their lookups
resolved when the proxy judged them (guardrail.lookups.RECORDED), with no CRM to ask again.

A decision on part of a request (a collection saved in part: guardrail.partial) is judged with
the request it was part of, its records judged with those before them as the proxy judged
them, and only its own records' findings counted.

What replay cannot judge is reported, not guessed: records from before contexts were kept,
and writes the proxy refused before judging them (nothing to judge).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from guardrail import lookups
from guardrail.checks.post import POST_CODE
from guardrail.checks.schema import RULE as SCHEMA_RULE
from guardrail.checks.schema import of_a_mask
from guardrail.config import UnmatchedWrites
from guardrail.context import snapshot
from guardrail.context.facts import Facts
from guardrail.crm.base import Dialect, dialect_for
from guardrail.drift import RULE as DRIFT_RULE
from guardrail.errors import RequestRejected
from guardrail.judge import Judge
from guardrail.model import (
    Action,
    Caller,
    Mode,
    Operation,
    Verdict,
    Violation,
    WriteIntent,
    decide,
)
from guardrail.pipeline import Pipeline
from guardrail.policy.loader import Policy, PolicySet
from guardrail.sinks.audit.chain import Row
from guardrail.sinks.audit.contexts import Contexts
from guardrail.sinks.audit.store import MAX_LIMIT, Query, Storage
from guardrail.sinks.redact import stand_ins

NOT_KEPT = "recorded without its context (before replay was possible)"
NOT_JUDGED = "refused before it was judged (nothing to judge again)"
CONTEXT_MISSING = "its context is missing from the audit log (guardrail audit verify says where)"


@dataclass(frozen=True)
class Outcome:
    """A judgement: its verdict and the rules that make it (those that block a block, hold a
    hold, would block a shadow-block; none for an allow)."""

    verdict: str
    rules: tuple[str, ...] = ()

    @classmethod
    def of(cls, violations: Iterable[Violation]) -> Outcome:
        found = tuple(violations)
        verdict = decide(found)
        if verdict is Verdict.BLOCK:
            deciding = [v for v in found if v.blocks]
        elif verdict is Verdict.HOLD:
            deciding = [v for v in found if v.holds]
        elif verdict is Verdict.SHADOW_BLOCK:
            deciding = [v for v in found if v.would_block]
        else:
            deciding = []
        return cls(str(verdict), tuple(sorted({f"{v.policy}/{v.rule}" for v in deciding})))

    def __str__(self) -> str:
        return f"{self.verdict} ({', '.join(self.rules)})" if self.rules else self.verdict


@dataclass(frozen=True)
class Flip:
    """A decision the candidate judges differently."""

    decision_id: str
    at: str
    conversation: str | None
    objects: tuple[str, ...]
    policy_version: str
    before: Outcome
    after: Outcome

    @property
    def kind(self) -> str:
        """``allow->block``, ``block->allow``... or ``block: other rules``."""
        if self.before.verdict != self.after.verdict:
            return f"{self.before.verdict}->{self.after.verdict}"
        return f"{self.before.verdict}: other rules"

    @property
    def gained(self) -> tuple[str, ...]:
        """Rules that decide the candidate's verdict and did not decide the recorded one."""
        return tuple(r for r in self.after.rules if r not in self.before.rules)

    @property
    def lost(self) -> tuple[str, ...]:
        return tuple(r for r in self.before.rules if r not in self.after.rules)

    def document(self) -> dict[str, Any]:
        return {
            "decision_id": self.decision_id,
            "at": self.at,
            "conversation": self.conversation,
            "objects": list(self.objects),
            "policy_version": self.policy_version,
            "kind": self.kind,
            "before": {"decision": self.before.verdict, "rules": list(self.before.rules)},
            "after": {"decision": self.after.verdict, "rules": list(self.after.rules)},
        }


@dataclass
class Replay:
    """What a replay found: every flip, by decision id, and what it could not judge."""

    candidate_version: str
    replayed: int = 0
    flips: dict[str, Flip] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)
    recorded_versions: Counter[str] = field(default_factory=Counter)

    def ordered(self) -> list[Flip]:
        return sorted(self.flips.values(), key=lambda f: (f.at, f.decision_id))

    def by_kind(self) -> Counter[str]:
        return Counter(f.kind for f in self.flips.values())

    def by_rule(self) -> dict[str, tuple[int, int]]:
        """Per rule: decisions it would now decide (block, shadow-block) that it did not, and
        decisions it decided that it no longer would."""
        gained: Counter[str] = Counter()
        lost: Counter[str] = Counter()
        for flip in self.flips.values():
            gained.update(flip.gained)
            lost.update(flip.lost)
        return {rule: (gained[rule], lost[rule]) for rule in sorted(set(gained) | set(lost))}


class Replayer:
    """Judges recorded decisions with a candidate policy set."""

    def __init__(
        self, candidate: PolicySet, unmatched: UnmatchedWrites = UnmatchedWrites.BLOCK
    ) -> None:
        self.candidate = candidate
        self._unmatched = unmatched
        self._dialects: dict[str, Dialect] = {}

    async def judge(self, body: Mapping[str, Any]) -> tuple[Outcome, Outcome] | str:
        """(recorded, candidate) outcomes of one decision record (its context expanded:
        guardrail.sinks.audit.contexts), or why it cannot be judged again."""
        recorded = [_violation(v) for v in body.get("violations", ())]
        if not body.get("intents"):
            return NOT_JUDGED
        if body.get("context_missing"):
            return CONTEXT_MISSING
        if body.get("context") is None:
            return NOT_KEPT
        intents = tuple(_intent(body["crm"], i) for i in body["intents"])
        dialect = self._dialect(body["crm"])
        facts = replace(
            snapshot.load(body["context"]),
            record_key=dialect.record_key,
            customer_objects=dialect.customer_objects,
        )
        caller = Caller(
            conversation=body.get("conversation"),
            agent=body.get("agent"),
            tool=body.get("tool"),
            traceparent=body.get("traceparent"),
            token_id=body.get("token_id"),
        )
        pipeline = Pipeline(lambda: self.candidate, self._unmatched, _recorded(intents, recorded))
        judge = Judge(dialect, pipeline, _Recorded(facts))
        before = Outcome.of(v for v in recorded if v.code != POST_CODE)
        within = body.get("within")
        try:
            # As recorded: names canonical and lookups resolved when it was judged, in the
            # facts it was judged in; part of a request saved in part, with the request's
            # other records, as the proxy judged it (guardrail.partial).
            if within is None:
                judged = await judge.judge("", intents, caller, lookups.RECORDED)
                found = judged.decision.violations
            else:
                whole = tuple(_intent(body["crm"], i) for i in within["intents"])
                judged = await judge.judge("", whole, caller, lookups.RECORDED)
                ours = set(within["positions"])
                found = tuple(v for v in judged.decision.violations
                              if v.intent is None or v.intent in ours)  # fmt: skip
        except RequestRejected as exc:  # a write recorded before names were canonical
            found = (Violation.refusal(exc),)
        return before, Outcome.of(found)

    def _dialect(self, crm: str) -> Dialect:
        if crm not in self._dialects:
            self._dialects[crm] = dialect_for(crm)
        return self._dialects[crm]

    async def add(self, replay: Replay, body: Mapping[str, Any]) -> None:
        """Judge one decision record into ``replay``."""
        judged = await self.judge(body)
        if isinstance(judged, str):
            replay.skipped[judged] += 1
            return
        replay.replayed += 1
        replay.recorded_versions[str(body.get("policy_version"))] += 1
        before, after = judged
        if before == after:
            return
        decision_id = str(body["decision_id"])
        replay.flips[decision_id] = Flip(
            decision_id=decision_id,
            at=str(body["at"]),
            conversation=body.get("conversation"),
            objects=tuple(dict.fromkeys(str(i["object"]) for i in body["intents"])),
            policy_version=str(body.get("policy_version")),
            before=before,
            after=after,
        )


async def replay(
    storage: Storage,
    candidate: PolicySet,
    since: datetime | None,
    until: datetime | None,
    unmatched: UnmatchedWrites = UnmatchedWrites.BLOCK,
) -> Replay:
    """Every decision recorded in ``[since, until)`` judged again with ``candidate``, read a
    page at a time; only the flips are kept.

    A decision recorded again later (an async read-back's post-fail) is judged by its first
    record, the one made before the write was forwarded: a later record is skipped when an
    earlier one exists (in the window or before it).
    """
    replayer = Replayer(candidate, unmatched)
    contexts = Contexts(storage)
    found = Replay(candidate.version)
    before_seq: int | None = None
    while True:
        query = Query(since=since, until=until, before_seq=before_seq, limit=MAX_LIMIT)
        rows = (await storage.find(query))[:MAX_LIMIT]
        firsts = [row.body for row in rows if await _first_record(storage, row)]
        for body in await contexts.expand(firsts):
            await replayer.add(found, body)
        if len(rows) < MAX_LIMIT:
            return found
        before_seq = rows[-1].seq


async def _first_record(storage: Storage, row: Row) -> bool:
    """Whether ``row`` is its decision's first record. Only a post-fail can follow another."""
    if row.entry.verdict != str(Verdict.POST_FAIL):
        return True
    history = await storage.history(str(row.body["decision_id"]))
    return not history or history[0].seq == row.seq


@dataclass(frozen=True)
class _Recorded:
    """The facts a decision record kept: what a replay judges it in."""

    recorded: Facts

    async def facts(self, caller: Caller, intents: Sequence[WriteIntent]) -> Facts:
        return self.recorded


def _intent(crm: str, recorded: Mapping[str, Any]) -> WriteIntent:
    """A recorded intent as it is judged again: a number masked whole (a card number put in a
    number field) as a number (guardrail.sinks.redact.stand_ins)."""
    return WriteIntent(
        crm=crm,
        object=str(recorded["object"]),
        operation=Operation(recorded["operation"]),
        fields=stand_ins(recorded.get("fields") or {}),
        record_id=recorded.get("record_id"),
        external_id_field=recorded.get("external_id_field"),
        external_id=recorded.get("external_id"),
        ref=str(recorded.get("ref") or ""),
        references=dict(recorded.get("references") or {}),
        account=recorded.get("account"),
        belongs_to={f: tuple(o) for f, o in (recorded.get("belongs_to") or {}).items()},
        filled=dict(recorded.get("filled") or {}),
        current=dict(recorded.get("current") or {}),
        headers=dict(recorded.get("headers") or {}),
    )


def _violation(recorded: Mapping[str, Any]) -> Violation:
    return Violation(
        policy=str(recorded["policy"]),
        rule=str(recorded["rule"]),
        message=str(recorded.get("message", "")),
        fields=tuple(recorded.get("fields") or ()),
        action=Action(recorded.get("action", Action.BLOCK)),
        mode=Mode(recorded.get("mode", Mode.ENFORCE)),
        code=str(recorded.get("code", "")),
        intent=recorded.get("intent"),
    )


def _recorded(
    intents: Sequence[WriteIntent], recorded: Sequence[Violation]
) -> Callable[[Policy, WriteIntent], Sequence[Violation]]:
    """The pipeline's drift hook for a replay: what the write met when it was judged that the
    record alone cannot judge again. Schema drift (the CRM's state then), with the action the
    candidate policy's ``onDrift`` gives it; and a schema finding about a value the record kept
    masked (an email's pattern, as ``[EMAIL]``), as found, where the candidate policy still
    validates the schema."""
    kept = [
        v for v in recorded
        if v.intent is not None and v.intent < len(intents)
        and (v.rule == DRIFT_RULE or of_a_mask(v, intents[v.intent].fields))
    ]  # fmt: skip

    def met(policy: Policy, intent: WriteIntent) -> Sequence[Violation]:
        index = next((n for n, i in enumerate(intents) if _same(i, intent)), None)
        action = Action.BLOCK if policy.block_on_drift else Action.WARN
        validates = any(check.name == SCHEMA_RULE for check in policy.checks)
        return [
            replace(v, action=action) if v.rule == DRIFT_RULE else v
            for v in kept
            if v.intent == index and v.policy == policy.name
            and (v.rule == DRIFT_RULE or validates)
        ]  # fmt: skip

    return met


def _same(recorded: WriteIntent, judged: WriteIntent) -> bool:
    """The pipeline may name a recorded intent's object (a collection delete by id): the same
    write all the same."""
    return (
        recorded.ref == judged.ref
        and recorded.record_id == judged.record_id
        and recorded.operation == judged.operation
        and dict(recorded.fields) == dict(judged.fields)
    )
