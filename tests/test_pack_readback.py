"""The shipped pack reads back refunds, account status changes and case owner changes: a
sandbox trigger that rewrites what was saved is caught, named, audited and alerted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID, QUEUE_IDS
from guardrail.testing import Stack
from tests.helpers import wait_for_alert

TRIGGERS = {
    "triggers": [
        {"object": "Refund__c", "operations": ["create"], "action": "set",
         "field": "Amount__c", "value": 300},
        {"object": "Account", "operations": ["update"], "when": {"Status__c": "Suspended"},
         "action": "set", "field": "Status__c", "value": "Closed"},
        {"object": "Case", "operations": ["update"], "when": {"Priority": "High"},
         "action": "set", "field": "OwnerId", "value": QUEUE_IDS["Billing"]},
    ]
}  # fmt: skip

CONVERSATION = {
    "channel": "voice",
    "customer": {"account_ids": [ACME_ACCOUNT_ID], "verified": True},
    "entitlements": {"refund_limit": 50},
    "turns": [
        {"role": "customer", "text": "My order arrived damaged. I want a refund of $30."},
        {"role": "agent", "text": "Sorry about that, I will refund the $30 now."},
    ],
}


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory, alerts: tuple[str, list[dict[str, Any]]]
) -> Iterator[Stack]:
    directory: Path = tmp_path_factory.mktemp("readback")
    hook, _ = alerts
    with Stack(directory, auth_mode="token", alerts={"webhook_url": hook}) as running:
        httpx.put(f"{running.sandbox_url}/_sandbox/triggers", json=TRIGGERS).raise_for_status()
        yield running


def agent(stack: Stack, conversation: str) -> Any:
    url = f"{stack.admin_url}/guardrail/v1/conversations/{conversation}"
    httpx.put(url, json=CONVERSATION).raise_for_status()
    sf = stack.salesforce(token=stack.agent_token(conversation, "support-bot"))
    seen: list[str] = []
    sf.session.hooks["response"].append(
        lambda r, *a, **k: seen.append(r.headers.get("X-Guardrail-Decision", "-"))
    )
    sf.decisions = seen
    return sf


def post_failure(call: Any) -> dict[str, Any]:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        call()
    [error] = caught.value.content
    assert error["errorCode"] == "GUARDRAIL_POST_VERIFY_FAILED"
    return dict(error)


def test_a_refund_amount_rewritten_by_a_trigger_is_caught_and_alerted(
    stack: Stack, alerts: tuple[str, list[dict[str, Any]]]
) -> None:
    sf = agent(stack, "call-refund")
    refund = {"Amount__c": 30, "Reason__c": "Damaged Item", "Account__c": ACME_ACCOUNT_ID}
    error = post_failure(lambda: sf.Refund__c.create(refund))
    assert sf.decisions == ["post-fail"]
    assert error["fields"] == ["Amount__c"]
    assert "(refund-readback/ReadBackMatches)" in error["message"]
    assert "Amount__c: wrote 30, saved 300.0 (changed)" in error["message"]
    assert "left as saved" in error["message"]  # onFailure: alert
    _, received = alerts
    alert = wait_for_alert(received, "refund-readback")
    assert (alert["decision"], alert["rule"], alert["object"]) == (
        "post-fail",
        "ReadBackMatches",
        "Refund__c",
    )
    assert "Amount__c: wrote 30, saved 300.0" in alert["message"]
    audited = httpx.get(f"{stack.admin_url}/guardrail/v1/decisions/{alert['decision_id']}").json()
    assert audited["decision"] == "post-fail"
    assert [d["field"] for d in audited["diffs"]] == ["Amount__c"]


def test_an_account_status_and_a_case_owner_rewritten_by_triggers_are_caught(
    stack: Stack,
) -> None:
    sf = agent(stack, "call-status")
    error = post_failure(lambda: sf.Account.update(ACME_ACCOUNT_ID, {"Status__c": "Suspended"}))
    assert "(account-status-readback/ReadBackMatches)" in error["message"]
    assert "Status__c: wrote 'Suspended', saved 'Closed'" in error["message"]
    sf.Case.get(ACME_CASE_ID)  # read first: the pack's grounding rules ask for it
    owner = {"OwnerId": QUEUE_IDS["Returns"], "Priority": "High"}
    error = post_failure(lambda: sf.Case.update(ACME_CASE_ID, owner))
    assert "(case-owner-readback/ReadBackMatches)" in error["message"]
    assert error["fields"] == ["OwnerId"]


def test_writes_that_set_no_status_or_owner_are_not_read_back(stack: Stack) -> None:
    sf = agent(stack, "call-plain")
    sf.Case.get(ACME_CASE_ID)
    before = stack.store.requests.by_route
    assert sf.Case.update(ACME_CASE_ID, {"Priority": "Low"}) == 204
    assert sf.decisions[-1] == "allow"
    after = stack.store.requests.by_route
    new = {route for route, n in after.items() if n > before.get(route, 0)}
    assert new == {"PATCH /sobjects/{sobject}/{record_id}"}  # as sent: nothing read back
