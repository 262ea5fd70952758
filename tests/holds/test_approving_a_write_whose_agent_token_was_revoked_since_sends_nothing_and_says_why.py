"""An operator who revokes an agent's token has stopped trusting that agent: a write it sent
that waits for approval must not be made on its behalf afterwards. Approving it settles the
hold as refused, sends nothing to the CRM, and says why and what to do instead, everywhere a
refusal is told: the reviewer's answer, the audited settling decision, the webhook and the
conversation's writes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from guardrail.testing import Stack
from tests.holds.helpers import Webhook, admin, hold_with_token, refunds, settle, token_stack

REMEDY = "If the write is still wanted, have an agent you trust make it again."


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, webhook: Webhook) -> Iterator[Stack]:
    with token_stack(tmp_path_factory.mktemp("holds-revoked"), webhook_url=webhook.url) as running:
        yield running


def test_approving_a_write_whose_agent_token_was_revoked_since_sends_nothing_and_says_why(
    stack: Stack, webhook: Webhook
) -> None:
    held, token_id = hold_with_token(stack, "conv-revoked-since")
    revoked = admin(
        stack.admin_url, "DELETE", f"conversations/conv-revoked-since/tokens/{token_id}"
    )
    assert revoked.status_code == 204
    before = refunds(stack.store.records("Refund__c"))

    answer = settle(stack.admin_url, held, "approve", comment="looks right")

    assert answer.status_code == 200, answer.text
    state = answer.json()
    assert state["state"] == "refused", state
    reason = state["outcome"]["reason"]
    assert f"the agent token {token_id} that sent it was revoked at " in reason
    assert "nothing was sent" in reason
    assert reason.endswith(REMEDY), reason
    assert refunds(stack.store.records("Refund__c")) == before
    settling = state["result_decision_id"]
    recorded = admin(stack.admin_url, "GET", f"decisions/{settling}").json()
    assert recorded["decision"] == "block"
    assert {k: recorded["hold"][k] for k in ("state", "of", "reviewer", "reason")} == {
        "state": "refused",
        "of": held,
        "reviewer": "rita",
        "reason": reason,
    }
    pushed = webhook.about(held)
    assert (pushed["state"], pushed["reason"], pushed["saved_ids"]) == ("refused", reason, [])
    writes = admin(stack.admin_url, "GET", "conversations/conv-revoked-since").json()["writes"]
    assert [(w["decision_id"], w["decision"]) for w in writes][-1] == (settling, "block")
