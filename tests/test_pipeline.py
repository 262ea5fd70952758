from datetime import UTC, datetime
from pathlib import Path

import pytest

from guardrail.config import UnmatchedWrites
from guardrail.context.facts import Facts
from guardrail.context.model import Conversation
from guardrail.errors import CheckFailed, MalformedBody
from guardrail.model import Caller, Operation, Verdict, WriteIntent
from guardrail.pipeline import Pipeline
from guardrail.policy.loader import load_policy_set

PACK = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {{name: {name}}}
spec:
  match: {{objects: [{obj}]}}
  mode: {mode}
  failurePolicy: {failure}
  schema:
    type: object
    additionalProperties: false
    properties:
      Status: {{enum: [New, Closed]}}
      AccountId: {{type: string, x-salesforce-reference: {{Account: "001"}}}}
"""


def pipeline(
    tmp_path: Path, *docs: str, unmatched: UnmatchedWrites = UnmatchedWrites.BLOCK
) -> Pipeline:
    (tmp_path / "p.yaml").write_text("---\n".join(docs))
    policies = load_policy_set(tmp_path)
    return Pipeline(lambda: policies, unmatched)


def doc(
    name: str = "case", obj: str = "Case", mode: str = "enforce", failure: str = "closed"
) -> str:
    return PACK.format(name=name, obj=obj, mode=mode, failure=failure)


def intent(obj: str = "Case", **fields: object) -> WriteIntent:
    record_id = "500000000000001" if obj == "Case" else "006000000000001"
    return WriteIntent("salesforce", obj, Operation.UPDATE, fields, record_id=record_id)


def test_allow_block_and_shadow(tmp_path: Path) -> None:
    enforce = pipeline(tmp_path, doc())
    assert enforce.evaluate("salesforce", [intent(Status="New")], Caller()).verdict is Verdict.ALLOW
    blocked = enforce.evaluate("salesforce", [intent(Status="Open")], Caller(agent="a1"))
    assert blocked.verdict is Verdict.BLOCK
    assert blocked.caller.agent == "a1"
    assert blocked.rules == ("case/ParameterValidation.enum",)
    assert blocked.violations[0].intent == 0
    shadow = pipeline(tmp_path, doc(mode="shadow"))
    decision = shadow.evaluate("salesforce", [intent(Status="Open")], Caller())
    assert decision.verdict is Verdict.SHADOW_BLOCK
    assert decision.violations
    assert not decision.violations[0].blocks


def test_every_matching_policy_runs_and_each_intent_is_indexed(tmp_path: Path) -> None:
    p = pipeline(tmp_path, doc(), doc(name="all", obj='"*"', mode="shadow"))
    decision = p.evaluate("salesforce", [intent(Status="New"), intent(Status="Open")], Caller())
    assert decision.verdict is Verdict.BLOCK
    assert [(v.policy, v.intent) for v in decision.violations] == [("case", 1), ("all", 1)]


def test_writes_no_policy_covers_are_blocked_unless_configured(tmp_path: Path) -> None:
    p = pipeline(tmp_path, doc())
    decision = p.evaluate("salesforce", [intent("Opportunity", Name="x")], Caller())
    assert decision.verdict is Verdict.BLOCK
    assert "No guardrail policy covers update on Opportunity" in decision.violations[0].message
    lenient = pipeline(tmp_path, doc(), unmatched=UnmatchedWrites.ALLOW)
    assert (
        lenient.evaluate("salesforce", [intent("Opportunity")], Caller()).verdict is Verdict.ALLOW
    )


def test_a_write_named_only_by_id_gets_its_object_from_the_key_prefix(tmp_path: Path) -> None:
    p = pipeline(tmp_path, doc())
    delete = WriteIntent("salesforce", "", Operation.DELETE, {}, record_id="500000000000001AAA")
    decision = p.evaluate("salesforce", [delete], Caller())
    assert decision.intents[0].object == "Case"
    assert decision.verdict is Verdict.ALLOW
    unknown = WriteIntent("salesforce", "", Operation.DELETE, {}, record_id="a0Z000000000001AAA")
    message = p.evaluate("salesforce", [unknown], Caller()).violations[0].message
    assert "id prefix 'a0Z'" in message


def test_a_write_naming_one_object_and_a_record_of_another_is_refused(tmp_path: Path) -> None:
    """Judged as a Task (or an object no policy covers), a Case id could be written as the Case."""
    p = pipeline(tmp_path, doc())
    for obj in ("Task", "Opportunity", "case"):
        moved = WriteIntent("salesforce", obj, Operation.UPDATE, {}, record_id="500000000000001AAA")
        if obj == "case":
            assert p.evaluate("salesforce", [moved], Caller()).intents[0].object == "Case"
            continue
        with pytest.raises(MalformedBody, match="is a Case"):
            p.evaluate("salesforce", [moved], Caller())


class Exploding:
    name = "Exploding"

    def __call__(self, *args: object) -> list[object]:
        raise RuntimeError("boom")


def test_a_failing_check_fails_closed_or_open_per_policy(tmp_path: Path) -> None:
    for failure, outcome in (("closed", None), ("open", Verdict.ALLOW)):
        p = pipeline(tmp_path, doc(failure=failure))
        policy = p._policies().policies[0]
        object.__setattr__(policy, "checks", (Exploding(),))
        if outcome is None:
            with pytest.raises(CheckFailed, match="could not evaluate policy case"):
                p.evaluate("salesforce", [intent()], Caller())
        else:
            decision = p.evaluate("salesforce", [intent()], Caller())
            assert decision.verdict is outcome
            assert decision.violations[0].rule == "Exploding.error"


RUNNING_TOTAL = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {name: running-total}
spec:
  match: {objects: [Refund__c]}
  rules:
    - name: UnderTen
      expression: >-
        recent_writes(60.0).filter(w, w.decision == "pending").map(w, w.fields.Amount__c)
        .exists(a, true) == (intent.fields.Order > 1)
        && total(recent_writes(60.0).map(w, w.fields.Amount__c) + [intent.fields.Amount__c]) <= 10.0
      message: over ten
"""


def test_the_records_of_one_request_are_judged_in_order_each_after_those_before_it(
    tmp_path: Path,
) -> None:
    """A collection's records (a composite's subrequests, a bulk upload's rows) are made one
    after another: each is judged with the ones before it as pending writes of the
    conversation, so a running total spread over them is what it would be over requests."""
    conversation = Conversation(id="c", created_at=datetime.now(UTC), updated_at=datetime.now(UTC))
    refunds = [
        WriteIntent("salesforce", "Refund__c", Operation.CREATE, {"Amount__c": 4, "Order": n})
        for n in (1, 2, 3)
    ]
    decision = pipeline(tmp_path, RUNNING_TOTAL).evaluate(
        "salesforce", refunds, Caller(), Facts(conversation)
    )
    assert [v.intent for v in decision.violations] == [2]  # 4, 8, then 12: over ten
