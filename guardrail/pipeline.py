"""The pre-write pipeline: every intent through every check of every policy that matches it.

Deliberately synchronous and allocation-light: it runs on every write, inside the request.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

from guardrail.checks.base import CheckContext
from guardrail.checks.schema import ParameterValidation
from guardrail.config import UnmatchedWrites
from guardrail.context.facts import Facts
from guardrail.context.model import PENDING, WriteRecord
from guardrail.errors import CheckFailed, MalformedBody
from guardrail.model import (
    Action,
    Caller,
    Decision,
    Mode,
    Violation,
    WriteIntent,
    decide,
    new_decision_id,
    replaced,
)
from guardrail.policy.loader import Policy, PolicySet

NO_POLICY_RULE = "NoPolicy"


class Canonical(tuple[WriteIntent, ...]):
    """Intents ``Pipeline.canonical`` made canonical for one CRM under one policy set: judged
    as they are while that set is in force (the proxy makes them so before loading their
    facts; ``evaluate`` does not make them so a second time)."""

    crm: str
    made_by: PolicySet

    def __new__(cls, intents: Iterable[WriteIntent], crm: str, made_by: PolicySet) -> Canonical:
        made = super().__new__(cls, intents)
        made.crm, made.made_by = crm, made_by
        return made


class Pipeline:
    """Judges the intents of one request against the policy set in force."""

    def __init__(
        self,
        policies: Callable[[], PolicySet],
        unmatched: UnmatchedWrites = UnmatchedWrites.BLOCK,
        drift: Callable[[Policy, WriteIntent], Sequence[Violation]] | None = None,
    ) -> None:
        self._policies = policies
        self._unmatched = unmatched
        # What a write meets of a policy's schema drift (guardrail.drift.DriftWatcher, or in a
        # replay the drift recorded); none when nothing watches for drift.
        self._drift = drift or _no_drift

    @property
    def policy_version(self) -> str:
        return self._policies().version

    @property
    def policies(self) -> PolicySet:
        """The policy set in force now."""
        return self._policies()

    def canonical(self, crm: str, intents: Sequence[WriteIntent]) -> Canonical:
        """The intents as the CRM will execute them: the object a bare record id names, and
        every name in the describe's spelling (PolicySet.canonical). Raises MalformedBody for a
        field given twice in two spellings. The one place names are made canonical: the proxy,
        ``POST /check``, ``guardrail check``, ``guardrail test`` and replay all judge through
        ``evaluate``, which applies it to what it is not given already made so, and load the
        conversation's facts for the intents it returns."""
        policy_set = self._policies()
        if isinstance(intents, Canonical) and intents.made_by is policy_set and intents.crm == crm:
            return intents
        made = (policy_set.canonical(crm, _with_object(policy_set, i)) for i in intents)
        return Canonical(made, crm, policy_set)

    def evaluate(
        self,
        crm: str,
        intents: Sequence[WriteIntent],
        caller: Caller,
        facts: Facts | None = None,
    ) -> Decision:
        """The decision on ``intents``. Raises CheckFailed when a fail-closed check errors."""
        started = time.perf_counter()
        policy_set = self._policies()
        context = CheckContext(caller=caller, facts=facts)
        violations: list[Violation] = []
        resolved = self.canonical(crm, intents)
        written = _pending(resolved, facts)
        for index, intent in enumerate(resolved):
            context.pending = written[:index]
            matched = policy_set.matching(crm, intent.object, intent.operation)
            if not matched:
                violations.extend(self._unmatched_violation(intent, index))
            judged = _listed(intent, matched)
            for policy in matched:
                for check in policy.checks:
                    try:
                        found = check(intent if isinstance(check, ParameterValidation) else judged,
                                      context)  # fmt: skip
                    except Exception as exc:
                        if not policy.fail_open:
                            raise CheckFailed(
                                f"crm-guardrail could not evaluate policy {policy.name} "
                                f"({check.name}); the write was not sent. Retry later."
                            ) from exc
                        found = [_check_error(policy.name, check.name, exc)]
                    if found:
                        violations.extend(_of(policy, index, found))
                drift = self._drift(policy, intent)
                if drift:
                    violations.extend(_of(policy, index, drift))
        found_all = tuple(violations)
        return Decision(
            id=new_decision_id(),
            verdict=decide(found_all),
            crm=crm,
            intents=resolved,
            violations=found_all,
            policy_version=policy_set.version,
            caller=caller,
            guardrail_seconds=time.perf_counter() - started,
            facts=facts,
            outcome_source=facts.outcome_source if facts is not None else None,
        )

    def _unmatched_violation(self, intent: WriteIntent, index: int) -> list[Violation]:
        if self._unmatched is UnmatchedWrites.ALLOW:
            return []
        what = intent.object or f"records with id prefix {(intent.record_id or '')[:3]!r}"
        return [
            Violation(
                policy="guardrail",
                rule=NO_POLICY_RULE,
                message=(
                    f"No guardrail policy covers {intent.operation} on {what}, so "
                    "crm-guardrail does not let it through. Check the object name, or ask the "
                    "guardrail administrator to add a policy for it."
                ),
                code="GUARDRAIL_NO_POLICY",
                intent=index,
            )
        ]


def _pending(intents: Sequence[WriteIntent], facts: Facts | None) -> tuple[WriteRecord, ...]:
    """A request's writes as the conversation's writes they would be; each is judged with
    those before it (CheckContext.pending). The CRM makes a collection's records, a composite's
    subrequests, a bulk upload's rows one after another, so a limit, a split number or a
    duplicate spread over them is judged as it would be over requests (conservatively: a
    record the request does not save in the end still counts). The last write is
    before none, so it is not made: a request of one write (most requests) makes none."""
    if len(intents) < 2:
        return ()
    at = facts.now if facts is not None else datetime.now(UTC)
    return tuple(
        WriteRecord(decision_id="", object=i.object, operation=str(i.operation),
                    id=i.record_id, fields=dict(i.fields), decision=PENDING, at=at,
                    id_fields=i.id_fields)
        for i in intents[:-1]
    )  # fmt: skip


def _of(policy: Policy, index: int, found: Iterable[Violation]) -> Iterable[Violation]:
    """What a policy found of the request's ``index``-th intent, in the policy's mode."""
    return (replaced(v, mode=policy.mode, intent=index) for v in found)


def _listed(intent: WriteIntent, policies: Iterable[Policy]) -> WriteIntent:
    """``intent`` as the checks but the schemas' judge it: without the fields a schema enforcing
    its object refuses by name (ParameterValidation.unlisted), as Kubernetes admission runs
    no rule on what its schema refused. The write is blocked naming them, and a rule reading
    such a field as another object has it could not evaluate a value of another type: a
    second finding, telling the agent to fetch the administrator of a write only malformed. A
    field only a shadow-mode schema refuses is forwarded, so every check judges it; so is one
    only a failing-open schema refuses (its check erring would let the field through)."""
    unlisted = frozenset[str]().union(*(
        check.unlisted(intent)
        for policy in policies if policy.mode is Mode.ENFORCE and not policy.fail_open
        for check in policy.checks if isinstance(check, ParameterValidation)
    ))  # fmt: skip
    if not unlisted:
        return intent
    return replaced(
        intent,
        fields={k: v for k, v in intent.fields.items() if k not in unlisted},
        references={k: v for k, v in intent.references.items() if k not in unlisted},
        id_fields=intent.id_fields - unlisted,
    )


def _no_drift(policy: Policy, intent: WriteIntent) -> Sequence[Violation]:
    return ()


def _with_object(policy_set: PolicySet, intent: WriteIntent) -> WriteIntent:
    """Name the object of a write that gave only a record id (a collection delete). A write
    naming one object and a record of another (by its id's key prefix) is refused
    (MalformedBody): judged as the one, it could be executed as the other."""
    if not intent.record_id:
        return intent
    named = policy_set.object_for_id(intent.record_id)
    if not intent.object:
        return replaced(intent, object=named)
    if named and named.lower() != intent.object.lower():
        raise MalformedBody(
            f"{intent.ref or 'The write'} names a {intent.object}, but {intent.record_id} is a "
            f"{named} (its id starts {intent.record_id[:3]}); name the record's own object."
        )
    return intent


def _check_error(policy: str, check: str, exc: Exception) -> Violation:
    return Violation(
        policy=policy,
        rule=f"{check}.error",
        message=f"{check} could not run ({type(exc).__name__}); the policy fails open.",
        action=Action.AUDIT,
        mode=Mode.ENFORCE,
        code="GUARDRAIL_CHECK_FAILED",
    )
