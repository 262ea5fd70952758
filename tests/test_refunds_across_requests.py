"""Refunds add up across the requests of a conversation however they were sent: a Bulk API 2.0
upload answers no record ids (the CRM saves its rows later), so its refunds must still count
against the customer's limit and what they asked for, for a later upload or single write.
Through the real proxy, with simple-salesforce's Bulk 2.0 client, in front of the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from guardrail.sandbox.seed import ACME_ACCOUNT_ID
from guardrail.testing import Stack
from tests.helpers import salesforce_in

CONVERSATION = {
    "channel": "chat",
    "customer": {"account_ids": [ACME_ACCOUNT_ID], "contact_ids": [], "verified": True},
    "entitlements": {"refund_limit": 50},
    "turns": [
        {"role": "customer", "text": "The lamp arrived smashed. I'd like a refund of $40."},
        {"role": "agent", "text": "Sorry about that, I'll refund the $40 now."},
    ],
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The shipped pack (the proxy's default policies) in front of the sandbox."""
    with Stack(tmp_path_factory.mktemp("refunds"), auth_mode="passthrough") as running:
        yield running


@pytest.fixture
def sf(stack: Stack, request: pytest.FixtureRequest) -> Any:
    return salesforce_in(stack, f"refunds-{request.node.name}", CONVERSATION, "agent-refunds")


def refund(amount: float) -> dict[str, Any]:
    return {"Amount__c": amount, "Reason__c": "Damaged Item", "Account__c": ACME_ACCOUNT_ID}


def refunded(stack: Stack) -> list[float]:
    return sorted(float(r["Amount__c"]) for r in stack.store.records("Refund__c"))


def test_a_second_bulk_upload_counts_the_refunds_of_the_first(stack: Stack, sf: Any) -> None:
    before = refunded(stack)
    [result] = sf.bulk2.Refund__c.insert(records=[refund(40)])
    assert (result["numberRecordsProcessed"], result["numberRecordsFailed"]) == (1, 0)
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.bulk2.Refund__c.insert(records=[refund(40)])
    errors = refused.value.content
    assert errors[0]["errorCode"] == "GUARDRAIL_BULK_UPLOAD_REFUSED"
    messages = " ".join(e["message"] for e in errors[1:])
    assert "RefundEntitled" in messages
    assert "80" in messages
    assert refunded(stack) == sorted([*before, 40.0])


def test_a_single_refund_after_a_bulk_upload_counts_its_rows(stack: Stack, sf: Any) -> None:
    sf.bulk2.Refund__c.insert(records=[refund(30)])
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Refund__c.create(refund(30))
    messages = " ".join(e["message"] for e in refused.value.content)
    assert "RefundEntitled" in messages
    assert "60" in messages


def test_a_refund_within_what_remains_after_a_bulk_upload_is_made(stack: Stack, sf: Any) -> None:
    sf.bulk2.Refund__c.insert(records=[refund(25)])
    assert sf.Refund__c.create(refund(15))["success"]
