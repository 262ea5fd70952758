"""In pass-through mode the CRM, not the proxy, authenticates the agent, and a held write never
reaches the CRM with the agent's session: once approved it goes out with the proxy's own
credential. So a caller with no session the CRM takes (none, a made-up one, an expired one)
must not be able to have a write held, or a reviewer's approval would make it with the proxy's
rights."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from simple_salesforce.exceptions import SalesforceExpiredSession, SalesforceMalformedRequest

from guardrail.testing import SANDBOX_TOKEN, Stack
from tests.holds.helpers import REFUND, admin, conversation, passthrough_stack, refunds


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with passthrough_stack(tmp_path_factory.mktemp("holds-passthrough")) as running:
        yield running


@pytest.mark.parametrize("session", ["made-up-session", ""])
def test_a_write_on_a_session_the_crm_refuses_is_not_held(stack: Stack, session: str) -> None:
    name = f"conv-no-session-{len(session)}"
    admin(stack.admin_url, "PUT", f"conversations/{name}", json=conversation()).raise_for_status()
    before = refunds(stack.store.records("Refund__c"))
    sf = stack.salesforce(conversation=name, agent="support-bot", token=session)
    with pytest.raises(SalesforceExpiredSession):
        sf.Refund__c.create(REFUND)
    writes = admin(stack.admin_url, "GET", f"conversations/{name}").json()["writes"]
    held = [w["decision_id"] for w in writes if w["decision"] == "hold"]
    assert held == []
    waiting = admin(stack.admin_url, "GET", f"decisions?conversation={name}&decision=hold")
    assert waiting.json()["decisions"] == []
    assert refunds(stack.store.records("Refund__c")) == before


def test_a_write_on_the_agents_own_valid_session_is_still_held(stack: Stack) -> None:
    admin(stack.admin_url, "PUT", "conversations/conv-own", json=conversation()).raise_for_status()
    sf = stack.salesforce(conversation="conv-own", agent="support-bot", token=SANDBOX_TOKEN)
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Refund__c.create(REFUND)
    assert raised.value.content[0]["errorCode"] == "GUARDRAIL_HELD_FOR_APPROVAL"


def test_a_held_collection_of_creates_asks_the_crm_once(stack: Stack) -> None:
    admin(stack.admin_url, "PUT", "conversations/conv-many", json=conversation()).raise_for_status()
    sf = stack.salesforce(conversation="conv-many", agent="support-bot", token=SANDBOX_TOKEN)
    httpx.delete(f"{stack.sandbox_url}/_sandbox/requests").raise_for_status()
    records = [{"attributes": {"type": "Refund__c"}, **REFUND} for _ in range(3)]
    answer = sf.restful("composite/sobjects", method="POST", json={"records": records})
    assert [r["errors"][0]["statusCode"] for r in answer] == ["GUARDRAIL_HELD_FOR_APPROVAL"] * 3
    counted = httpx.get(f"{stack.sandbox_url}/_sandbox/requests").json()
    assert counted["by_route"] == {"GET /query": 1}
