"""The third outcome as policies choose it and as ``guardrail test`` scores it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guardrail.crm.base import ParsedRequest, Part, Shape
from guardrail.crm.salesforce import SalesforceDialect
from guardrail.errors import PolicyError
from guardrail.model import Caller, Decision, Operation, Verdict, WriteIntent
from guardrail.pipeline import Pipeline
from guardrail.policy.loader import load_policy_set
from guardrail.scenarios.scoring import StepResult, Summary, score

POLICY = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {{name: refunds}}
spec:
  match: {{objects: [Refund__c]}}
  mode: {mode}
  onUncertain: hold
  rules:
    - name: NeedsApproval
      expression: double(intent.fields.Amount__c) <= 200.0
      message: Refunds over 200 need a supervisor.
      action: hold
    - name: NotNegative
      expression: double(intent.fields.Amount__c) >= 0.0
      uncertain: double(intent.fields.Amount__c) > -1.0
      message: A refund is never negative.
"""


def _verdict(tmp_path: Path, amount: float, mode: str = "enforce") -> tuple[Verdict, list[str]]:
    (tmp_path / "refunds.yaml").write_text(POLICY.format(mode=mode))
    policies = load_policy_set(tmp_path)
    intent = WriteIntent("salesforce", "Refund__c", Operation.CREATE, {"Amount__c": amount})
    decision = Pipeline(lambda: policies).evaluate("salesforce", [intent], Caller())
    return decision.verdict, [v.name for v in decision.violations if v.holds]


def test_a_rule_with_action_hold_holds_the_write(tmp_path: Path) -> None:
    assert _verdict(tmp_path, 250) == (Verdict.HOLD, ["refunds/NeedsApproval"])
    assert _verdict(tmp_path, 150) == (Verdict.ALLOW, [])


def test_a_rule_failing_on_an_unsure_reading_holds_and_a_sure_failure_blocks(
    tmp_path: Path,
) -> None:
    assert _verdict(tmp_path, -0.5) == (Verdict.HOLD, ["refunds/NotNegative"])
    assert _verdict(tmp_path, -5)[0] is Verdict.BLOCK


def test_a_block_outranks_a_hold_and_a_shadowed_hold_only_reports(tmp_path: Path) -> None:
    assert _verdict(tmp_path, -500)[0] is Verdict.BLOCK  # over 200 is not, -500 is
    assert _verdict(tmp_path, 250, mode="shadow") == (Verdict.SHADOW_BLOCK, [])


def test_a_post_rule_cannot_hold_a_write_already_saved(tmp_path: Path) -> None:
    text = POLICY.format(mode="enforce") + (
        "  post:\n    rules:\n      - {name: Saved, expression: 'true', message: m, action: hold}\n"
    )
    (tmp_path / "refunds.yaml").write_text(text)
    with pytest.raises(PolicyError, match="a post rule cannot hold"):
        load_policy_set(tmp_path)


def _result(expect: str, decision: str, rules: set[str], held: set[str]) -> StepResult:
    return StepResult(
        "s",
        expect + decision,
        expect,
        frozenset(rules),
        frozenset(),
        decision,
        held_by=frozenset(held),
    )


def test_a_held_bad_write_is_stopped_and_a_held_good_write_is_review_load() -> None:
    held_bad = _result("block", "hold", {"refunds/NotNegative"}, {"refunds/NotNegative"})
    held_good = _result("allow", "hold", set(), {"refunds/NeedsApproval"})
    missed_hold = _result("hold", "allow", {"refunds/NeedsApproval"}, set())
    assert held_bad.problem is None
    assert held_good.problem is None
    assert missed_hold.problem is not None
    summary = Summary.of([held_bad, held_good, missed_hold])
    assert (summary.bad, summary.blocked, summary.held_bad) == (2, 1, 1)
    assert (summary.false_blocks, summary.held_good) == (0, 1)
    by_rule = {s.rule: s for s in score([held_bad, held_good, missed_hold])}
    assert (by_rule["refunds/NotNegative"].caught, by_rule["refunds/NotNegative"].held) == (1, 1)
    assert (
        by_rule["refunds/NeedsApproval"].load,
        by_rule["refunds/NeedsApproval"].false_blocks,
    ) == (1, 0)


@pytest.mark.parametrize("shape", [Shape.SINGLE, Shape.COLLECTION, Shape.COMPOSITE])
def test_a_held_write_is_answered_in_salesforces_error_format_for_every_shape(
    shape: Shape,
) -> None:
    intents = tuple(
        WriteIntent("salesforce", "Refund__c", Operation.CREATE, {"Amount__c": n}, ref=f"r{n}")
        for n in (1, 2)
    )
    parts = tuple(Part(f"r{n}", range(n - 1, n)) for n in (1, 2))
    parsed = ParsedRequest(shape, intents, parts)
    decision = Decision("d-1", Verdict.HOLD, "salesforce", intents, (), "v1")
    reply = SalesforceDialect().render_hold(parsed, decision, "Held for approval (d-1)")
    body = json.loads(reply.body)
    if shape is Shape.SINGLE:
        assert reply.status == 400
        errors = body
    elif shape is Shape.COLLECTION:
        assert reply.status == 200
        assert [r["success"] for r in body] == [False, False]
        errors = [e | {"errorCode": e["statusCode"]} for r in body for e in r["errors"]]
    else:
        assert [r["httpStatusCode"] for r in body["compositeResponse"]] == [400, 400]
        errors = [e for r in body["compositeResponse"] for e in r["body"]]
    assert {(e["errorCode"], e["message"]) for e in errors} == {
        ("GUARDRAIL_HELD_FOR_APPROVAL", "Held for approval (d-1)")
    }
