"""Post-guardrails: the saved record against the write, and a policy's post rules.

Runs after the CRM answered. ``record`` is the record as saved, ``before`` its pre-image (empty
for a create); post rules see both, with ``intent`` and the conversation, like pre rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from guardrail.checks.base import CheckContext
from guardrail.checks.compare import Kind, compare
from guardrail.checks.rules import CompiledRule, Environment, RuleSet, intent_value
from guardrail.model import FieldDiff, Violation, WriteIntent
from guardrail.policy.native import Names, Program

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
    when: Program | None = None  # compiled CEL over ``intent``; None: every matched write

    def applies(self, intent: WriteIntent) -> bool:
        """Whether this write is one to verify. A ``when`` that errors verifies (fail safe)."""
        if self.when is None:
            return True
        try:
            return self.when.run(Names({"intent": intent_value(intent)})) is True
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
        when: Program | None = None,
    ) -> PostCheck:
        rule_set = RuleSet(policy, rules, POST_CODE)
        return cls(
            policy, read_back, tuple(fields), rule_set, revert, asynchronous, revert_mark, when
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
            names = Names(
                {"params": {}, "record": dict(saved), "before": dict(before or {})}, env.names
            )
            ruled = self.rules.run(names, env.functions)
            violations += [replace(v, intent=index) for v in ruled]
        return diffs, violations


def _spelled(name: str, kinds: Mapping[str, Kind]) -> str:
    """The schema's spelling of a field (Salesforce field names are case-insensitive)."""
    lower = name.lower()
    return next((k for k in kinds if k.lower() == lower), name)
