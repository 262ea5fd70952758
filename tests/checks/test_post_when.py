"""``post.when`` picks the writes a post section verifies; one it cannot evaluate is verified."""

from __future__ import annotations

from pathlib import Path

from guardrail.model import Operation, WriteIntent
from guardrail.policy.loader import load_policy_set

POLICY = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {name: owner-readback}
spec:
  match: {objects: [Case]}
  post:
    when: WHEN
"""


def applies(tmp_path: Path, when: str, **fields: object) -> bool:
    (tmp_path / "p.yaml").write_text(POLICY.replace("WHEN", when))
    [policy] = load_policy_set(tmp_path).policies
    assert policy.post is not None
    intent = WriteIntent("salesforce", "Case", Operation.UPDATE, fields, record_id="500" + "0" * 15)
    return policy.post.applies(intent)


def test_only_writes_the_condition_holds_for_are_verified(tmp_path: Path) -> None:
    assert applies(tmp_path, "has(intent.fields.OwnerId)", OwnerId="00G000000000001AAA")
    assert not applies(tmp_path, "has(intent.fields.OwnerId)", Priority="Low")


def test_a_condition_that_errors_verifies_rather_than_skips(tmp_path: Path) -> None:
    assert applies(tmp_path, 'intent.fields.Priority == "High"', Status="New")  # no such key


def test_a_condition_sees_every_part_of_the_intent_it_names(tmp_path: Path) -> None:
    # given only the parts it names (CEL converts all it is given), judged as on the whole
    assert applies(
        tmp_path, 'intent.operation == "update" && has(intent.fields.Status)', Status="X"
    )
    assert applies(tmp_path, 'intent.id.startsWith("500") && intent.object == "Case"')
    assert applies(tmp_path, 'size(intent) == 11 && "fields" in intent')  # bare: the whole intent
    assert applies(tmp_path, "intent.nope == 1")  # a part no intent has errors: verified
