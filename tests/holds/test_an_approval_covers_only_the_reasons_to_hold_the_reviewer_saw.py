"""An approved hold is judged again before it is sent. What is judged again may still only
hold the write, but for a reason the reviewer never saw (the conversation changed while it
waited: here the customer's refund limit was lowered under the amount): the approval covered
the reasons shown, not that one, so the write is not made."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from guardrail.testing import Stack
from tests.holds.helpers import ANON, REFUND, REVIEWERS, admin, conversation, refunds, settle

POLICY = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {name: refund-approval}
spec:
  match: {objects: [Refund__c], operations: [create]}
  rules:
    - name: PersonApproves
      expression: "false"
      message: Every refund waits for a person's approval.
      action: hold
    - name: SupervisorOverLimit
      expression: double(intent.fields.Amount__c) <= double(entitlements.refund_limit)
      message: A refund over the customer's refund limit waits for a supervisor.
      action: hold
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("holds-new-reason")
    pack = directory / "pack"
    pack.mkdir()
    (pack / "refunds.yaml").write_text(POLICY)
    with Stack(
        directory,
        auth_mode="token",
        policies=Path(pack),
        api_tokens=[ANON],
        api_reviewers=REVIEWERS,
    ) as running:
        yield running


def _held(stack: Stack, name: str) -> str:
    admin(stack.admin_url, "PUT", f"conversations/{name}", json=conversation()).raise_for_status()
    token = admin(
        stack.admin_url, "POST", f"conversations/{name}/tokens", json={"agent": "support-bot"}
    ).json()["token"]
    with pytest.raises(SalesforceMalformedRequest) as raised:
        stack.salesforce(token=token).Refund__c.create(REFUND)
    message: str = raised.value.content[0]["message"]
    assert "SupervisorOverLimit" not in message
    return message.split("(decision ", 1)[1].split(")", 1)[0]


def test_a_write_held_again_for_a_new_reason_is_not_made(stack: Stack) -> None:
    before = refunds(stack.store.records("Refund__c"))
    held = _held(stack, "conv-new-reason")
    lowered = {"entitlements": {"refund_limit": 5}}
    admin(stack.admin_url, "PATCH", "conversations/conv-new-reason", json=lowered)
    answer = settle(stack.admin_url, held, "approve")
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "refused"
    assert "SupervisorOverLimit" in answer.json()["outcome"]["reason"]
    assert refunds(stack.store.records("Refund__c")) == before


def test_a_write_held_again_for_the_reason_approved_is_made(stack: Stack) -> None:
    before = refunds(stack.store.records("Refund__c"))
    held = _held(stack, "conv-same-reason")
    answer = settle(stack.admin_url, held, "approve")
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "done"
    assert len(refunds(stack.store.records("Refund__c"))) == len(before) + 1
