"""A held write is made, once approved, with the proxy's own CRM credential, on behalf of the
agent whose token sent it. Once that token is revoked (alone, or with its conversation), or has
expired with no renewed token of the agent's for the conversation, the agent's authority is
gone: an approval is refused, saying why, the refusal is audited as the hold's settling
decision, and nothing reaches the CRM."""

from __future__ import annotations

import time

from guardrail.testing import Stack
from tests.holds.helpers import admin, hold_with_token, issue_token, refunds, settle


def _refused(stack: Stack, held: str, why: str) -> None:
    before = refunds(stack.store.records("Refund__c"))
    answer = settle(stack.admin_url, held, "approve")
    assert answer.status_code == 200, answer.text
    state = answer.json()
    assert state["state"] == "refused", state
    assert why in state["outcome"]["reason"], state
    assert "nothing was sent" in state["outcome"]["reason"], state
    recorded = admin(stack.admin_url, "GET", f"decisions/{state['result_decision_id']}").json()
    assert (recorded["decision"], recorded["hold"]["state"]) == ("block", "refused")
    assert recorded["hold"]["reviewer"] == "rita"
    assert why in recorded["hold"]["reason"]
    assert refunds(stack.store.records("Refund__c")) == before


def test_a_hold_whose_conversation_was_deleted_is_not_made(token_mode: Stack) -> None:
    held, token_id = hold_with_token(token_mode, "conv-authority-deleted")
    gone = admin(token_mode.admin_url, "DELETE", "conversations/conv-authority-deleted")
    assert gone.status_code == 204
    _refused(token_mode, held, f"agent token {token_id} that sent it was revoked")


def test_a_hold_whose_token_expired_is_not_made(token_mode: Stack) -> None:
    held, token_id = hold_with_token(token_mode, "conv-authority-expired", ttl_seconds=1)
    time.sleep(1.1)
    _refused(token_mode, held, f"agent token {token_id} that sent it expired")


def test_a_hold_whose_token_expired_is_made_while_the_agent_holds_a_renewed_one(
    token_mode: Stack,
) -> None:
    """Short-lived tokens are renewed: the agent's authority in its conversation stands while
    it holds a live token for it, so an approval then makes the write."""
    held, _ = hold_with_token(token_mode, "conv-authority-renewed", ttl_seconds=1)
    time.sleep(1.1)
    issue_token(token_mode, "conv-authority-renewed")
    answer = settle(token_mode.admin_url, held, "approve")
    assert (answer.status_code, answer.json()["state"]) == (200, "done"), answer.text


def test_a_hold_whose_token_was_revoked_may_still_be_rejected(token_mode: Stack) -> None:
    held, token_id = hold_with_token(token_mode, "conv-authority-rejected")
    admin(
        token_mode.admin_url, "DELETE", f"conversations/conv-authority-rejected/tokens/{token_id}"
    )
    answer = settle(token_mode.admin_url, held, "reject")
    assert (answer.status_code, answer.json()["state"]) == (200, "rejected")
