"""Held writes end to end: simple-salesforce through the proxy in front of the sandbox CRM."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from simple_salesforce.exceptions import SalesforceError, SalesforceMalformedRequest

import guardrail
from guardrail.sandbox.seed import ACME_CASE_ID
from guardrail.sinks.audit.record import parse_time
from guardrail.testing import Stack
from tests.holds.helpers import (
    ANON,
    OSCAR,
    REFUND,
    REVIEWERS,
    Webhook,
    admin,
    conversation,
    refunds,
    settle,
)

PACK = "salesforce-contact-center"
HELD_ID = re.compile(r"decision ([0-9a-f-]{36})")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, webhook: Webhook) -> Iterator[Stack]:
    with Stack(
        tmp_path_factory.mktemp("holds"),
        auth_mode="token",
        api_tokens=[ANON],
        api_reviewers=REVIEWERS,
        holds={
            "sweep_seconds": 0.2,
            "agents_of": {"oscar": ["support-bot"]},
            "webhook_url": webhook.url,
        },
    ) as running:
        yield running


def _hold_refund(stack: Stack, name: str, query: str = "", **fields: Any) -> str:
    """An unsure refund (with ``fields``), made by simple-salesforce with an agent token after
    ``query``: held, its id."""
    admin(stack.admin_url, "PUT", f"conversations/{name}", json=conversation()).raise_for_status()
    issued = admin(
        stack.admin_url, "POST", f"conversations/{name}/tokens", json={"agent": "support-bot"}
    )
    token = issued.json()["token"]
    sf = stack.salesforce(token=token)
    if query:
        sf.query(query)
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Refund__c.create({**REFUND, **fields})
    error = raised.value.content[0]
    assert error["errorCode"] == "GUARDRAIL_HELD_FOR_APPROVAL"
    assert "waits for a person's approval until" in error["message"]
    found = HELD_ID.search(error["message"])
    assert found is not None, error["message"]
    return found.group(1)


def test_an_unsure_refund_is_held_and_nothing_reaches_the_crm(stack: Stack) -> None:
    before = refunds(stack.store.records("Refund__c"))
    held = _hold_refund(stack, "conv-held")
    assert refunds(stack.store.records("Refund__c")) == before
    record = admin(stack.admin_url, "GET", f"decisions/{held}").json()
    assert record["decision"] == "hold"
    assert record["hold_state"]["state"] == "held"
    assert record["hold"]["until"] == record["hold_state"]["expires_at"]


def test_an_approved_hold_lands_once_read_back_and_audited_with_its_approver(
    stack: Stack, webhook: Webhook
) -> None:
    held = _hold_refund(stack, "conv-approve")
    answer = settle(stack.admin_url, held, "approve", comment="late parcel, fine")
    assert answer.status_code == 200, answer.text
    settled = answer.json()
    assert settled["state"] == "done"
    assert settled["reviewer"] == "rita"
    saved = settled["outcome"]["saved_ids"][0]
    assert stack.store.get("Refund__c", saved)["Amount__c"] == 12.99
    assert settle(stack.admin_url, held, "approve").status_code == 409
    assert len(refunds(stack.store.records("Refund__c"))) == 1
    result = admin(stack.admin_url, "GET", f"decisions/{settled['result_decision_id']}").json()
    assert result["decision"] == "allow"
    assert result["upstream_status"] == 201
    assert result["hold"]["of"] == held
    assert result["hold"]["reviewer"] == "rita"
    assert result["hold"]["readback"][0]["fields"]["Amount__c"] == 12.99
    pushed = webhook.about(held)
    assert (pushed["state"], pushed["status"], pushed["saved_ids"]) == ("done", 201, [saved])
    writes = admin(stack.admin_url, "GET", "conversations/conv-approve").json()["writes"]
    assert [(w["decision_id"], w["decision"], w["id"]) for w in writes][-1] == (
        settled["result_decision_id"],
        "allow",
        saved,
    )


def test_an_approved_hold_the_customer_since_took_back_is_refused(stack: Stack) -> None:
    before = refunds(stack.store.records("Refund__c"))
    held = _hold_refund(stack, "conv-retracted")
    admin(
        stack.admin_url,
        "POST",
        "conversations/conv-retracted/turns",
        json={"turns": [{"role": "customer", "text": "Actually no, I don't want a refund."}]},
    ).raise_for_status()
    answer = settle(stack.admin_url, held, "approve")
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "refused"
    assert "no longer holds" in answer.json()["outcome"]["reason"]
    assert refunds(stack.store.records("Refund__c")) == before


def test_a_rejected_hold_never_lands(stack: Stack) -> None:
    before = refunds(stack.store.records("Refund__c"))
    held = _hold_refund(stack, "conv-reject")
    answer = settle(stack.admin_url, held, "reject", comment="not asked")
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "rejected"
    assert settle(stack.admin_url, held, "approve").status_code == 409
    assert refunds(stack.store.records("Refund__c")) == before
    result = admin(stack.admin_url, "GET", f"decisions/{answer.json()['result_decision_id']}")
    assert result.json()["hold"] == {
        "state": "rejected",
        "of": held,
        "reviewer": "rita",
        "comment": "not asked",
        "reason": "Rejected by rita: not asked",
    }


def test_a_reviewer_may_not_approve_their_own_agents_write(stack: Stack) -> None:
    held = _hold_refund(stack, "conv-own")
    answer = settle(stack.admin_url, held, "approve", token=OSCAR)
    assert answer.status_code == 403
    assert "support-bot" in answer.json()["message"]


def test_an_anonymous_token_cannot_approve(stack: Stack) -> None:
    held = _hold_refund(stack, "conv-anon")
    answer = settle(stack.admin_url, held, "approve", token=ANON, reviewer="rita")
    assert answer.status_code == 403
    assert answer.json()["error"] == "reviewer_unknown"


def test_an_unapproved_hold_expires_as_rejected_after_its_policys_time(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(Path(guardrail.__file__).parents[1] / "policies" / PACK, pack)
    refunds_policy = pack / "refunds.yaml"
    text = refunds_policy.read_text()
    refunds_policy.write_text(
        text.replace("  onUncertain: hold\n", "  onUncertain: hold\n  holdSeconds: 1\n")
    )
    with Stack(
        tmp_path,
        auth_mode="token",
        policies=pack,
        api_tokens=[ANON],
        api_reviewers=REVIEWERS,
        holds={"sweep_seconds": 0.2},  # the proxy's own expiry: an hour
    ) as short:
        before = refunds(short.store.records("Refund__c"))
        held = _hold_refund(short, "conv-expire")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            state = admin(short.admin_url, "GET", f"decisions/{held}").json()["hold_state"]
            if state["state"] != "held":
                break
            time.sleep(0.2)
        assert state["state"] == "expired"
        waited = parse_time(state["expires_at"]) - parse_time(state["held_at"])
        assert waited.total_seconds() == 1
        result = admin(short.admin_url, "GET", f"decisions/{state['result_decision_id']}").json()
        assert result["decision"] == "block"
        assert result["hold"]["state"] == "expired"
        assert refunds(short.store.records("Refund__c")) == before


def test_holds_are_counted_by_policy_rule_and_outcome(stack: Stack) -> None:
    """Run after the tests above: what they held, approved, rejected and refused is counted,
    the time to each decision observed, and the holds still waiting gauged."""
    time.sleep(0.5)  # a sweep publishes the waiting gauge
    text = httpx.get(f"{stack.admin_url}/metrics", timeout=10).text
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }

    def holds(outcome: str) -> float:
        labels = (("outcome", outcome), ("policy", "refund-rules"), ("rule", "RefundRequested"))
        return samples.get(("guardrail_holds_total", labels), 0.0)

    assert holds("held") == 6
    assert (holds("approved"), holds("done"), holds("refused"), holds("rejected")) == (2, 1, 1, 1)
    decided = ("guardrail_hold_decision_seconds_count",)
    approved = (("outcome", "approved"), ("policy", "refund-rules"), ("rule", "RefundRequested"))
    assert samples[(*decided, approved)] == 2
    waiting = {"conv-held", "conv-own", "conv-anon"}
    assert samples[("guardrail_holds_waiting", ())] == len(waiting)
    assert samples[("guardrail_hold_oldest_waiting_seconds", ())] > 0


def test_a_proxy_without_a_crm_credential_of_its_own_refuses_rather_than_holds(
    tmp_path: Path,
) -> None:
    """Passthrough, no credential: a hold could never be made once approved, so the write is
    refused (503, in Salesforce's format), not kept."""
    with Stack(
        tmp_path, auth_mode="passthrough", api_tokens=[ANON], api_reviewers=REVIEWERS
    ) as bare:
        admin(bare.admin_url, "PUT", "conversations/conv-bare", json=conversation())
        sf = bare.salesforce(conversation="conv-bare", agent="support-bot")
        with pytest.raises(SalesforceError) as raised:
            sf.Refund__c.create(REFUND)
        assert raised.value.status == 503
        assert raised.value.content[0]["errorCode"] == "GUARDRAIL_CRM_CREDENTIAL"
        listed = admin(bare.admin_url, "GET", "decisions", params={"conversation": "conv-bare"})
        [made] = listed.json()["decisions"]
        assert made["decision"] == "block"
        assert (
            "hold_state"
            not in admin(bare.admin_url, "GET", f"decisions/{made['decision_id']}").json()
        )


def test_an_approved_hold_is_judged_again_as_the_proxy_judged_it(stack: Stack) -> None:
    """The refund names the customer's case, read by a query that showed only its Id: whose
    it is the proxy asked the CRM when it held the write, and asks again when it is approved
    (judged without asking, the case looked like another customer's and the approved refund
    was refused)."""
    held = _hold_refund(
        stack,
        "conv-approve-named",
        f"SELECT Id FROM Case WHERE Id = '{ACME_CASE_ID}'",
        Case__c=ACME_CASE_ID,
    )
    answer = settle(stack.admin_url, held, "approve")
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "done", answer.json()["outcome"]["reason"]
