"""Post-guardrails: the saved record against the write, and a policy's post rules.

Runs after the CRM answered. ``record`` is the record as saved, ``before`` its pre-image (empty
for a create); post rules see both, with ``intent`` and the conversation, like pre rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import cel

from guardrail.checks.base import CheckContext
from guardrail.checks.compare import Kind, compare
from guardrail.checks.guard import Guard, guard
from guardrail.checks.rules import CompiledRule, Environment, RuleSet, intent_value, reaches
from guardrail.model import FieldDiff, Violation, WriteIntent

POST_CODE = "GUARDRAIL_POST_VERIFY_FAILED"
READ_BACK_RULE = "ReadBackMatches"


@dataclass(frozen=True)
class PostCheck:
    """One policy's ``post`` section."""

    policy: str
    read_back: bool
    fields: tuple[str, ...]  # compared besides the fields written
    rules: RuleSet
    revert: bool
    asynchronous: bool
    revert_mark: Mapping[str, Any] | None = None
    when: Any | None = None  # compiled CEL over ``intent``; None: every matched write
    #: The keys of ``intent`` that ``when`` reaches (rules.reaches); None: all of them.
    when_reaches: frozenset[str] | None = None
    #: What the write's field names decide of ``when`` (guard.guard), if it is of that shape.
    when_guard: Guard | None = None

    def applies(self, intent: WriteIntent) -> bool:
        """Whether this write is one to verify. A ``when`` that errors verifies (fail safe).
        ``when`` is given only the parts of the intent it names: CEL converts all it is given,
        and this runs on every write its policy matches."""
        if self.when is None:
            return True
        if self.when_guard is not None:
            decided = self.when_guard.decide(intent.fields)
            if decided is not None:
                return decided
        value = intent_value(intent)
        if self.when_reaches is not None:
            value = {k: v for k, v in value.items() if k in self.when_reaches}
        try:
            return self.when.execute(cel.Context(variables={"intent": value})) is True
        except Exception:  # CEL raises many unrelated types; verifying costs less than missing
            return True

    @classmethod
    def build(
        cls,
        policy: str,
        *,
        read_back: bool,
        fields: Sequence[str],
        rules: Sequence[CompiledRule],
        revert: bool,
        asynchronous: bool,
        revert_mark: Mapping[str, Any] | None = None,
        when: Any | None = None,
    ) -> PostCheck:
        rule_set = RuleSet(policy, rules, POST_CODE)
        reached = reaches(when.source, ("intent",)).get("intent") if when is not None else None
        return cls(
            policy,
            read_back,
            tuple(fields),
            rule_set,
            revert,
            asynchronous,
            revert_mark,
            when,
            reached,
            guard(when.source) if when is not None else None,
        )

    def judge(
        self,
        intent: WriteIntent,
        index: int,
        saved: Mapping[str, Any],
        before: Mapping[str, Any] | None,
        context: CheckContext,
        kinds: Mapping[str, Kind],
    ) -> tuple[list[FieldDiff], list[Violation]]:
        """What differs, and the violations: one for the read-back, one per failed post rule."""
        diffs: list[FieldDiff] = []
        violations: list[Violation] = []
        if self.read_back:
            by_name = {k.lower(): v for k, v in saved.items()}
            intended = {
                _spelled(k, kinds): v
                for k, v in intent.fields.items()
                if k not in intent.references
            }
            found = compare(
                intended, {k: by_name[k.lower()] for k in intended if k.lower() in by_name}, kinds
            )
            diffs = [replace(d, intent=index) for d in found]
        if diffs:
            violations.append(
                Violation(
                    policy=self.policy,
                    rule=READ_BACK_RULE,
                    message=f"The saved {intent.object} differs from the write: "
                    + "; ".join(d.describe() for d in diffs)
                    + ".",
                    fields=tuple(d.field for d in diffs),
                    code=POST_CODE,
                    intent=index,
                )
            )
        if self.rules.rules:
            env = Environment.of(context, intent)
            env.scope.judge({"params": {}, "record": dict(saved), "before": dict(before or {})})
            violations += [replace(v, intent=index) for v in self.rules.run(env)]
        return diffs, violations


def _spelled(name: str, kinds: Mapping[str, Kind]) -> str:
    """The schema's spelling of a field (Salesforce field names are case-insensitive)."""
    lower = name.lower()
    return next((k for k in kinds if k.lower() == lower), name)
