"""Post-guardrails on ServiceNow, end to end: pysnc writes through the proxy, a business rule
on the sandbox instance changes what was saved, and the read-back catches it (an update read
back in the same Batch call as the write, a create read back after), reverting when the
policy says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pysnc.exceptions import RequestException

from guardrail.config import AuthMode
from guardrail.sandbox.servicenow import INSTANCE, REQUESTS, InstanceStore, create_app
from guardrail.sandbox.servicenow.seed import ACME_ACCOUNT_ID, ACME_INCIDENT_ID, GROUP_IDS
from guardrail.testing import Stack

PACK = Path(__file__).resolve().parent.parent / "policies" / "servicenow-contact-center"
POLICIES = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {name: incident-read-back}
spec:
  crm: servicenow
  match: {objects: [incident], operations: [create, update]}
  schemaFile: incident.json
  post: {readBack: true, onFailure: revert}
---
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {name: case-read-back}
spec:
  crm: servicenow
  match: {objects: [sn_customerservice_case], operations: [create, update]}
  post: {readBack: true, onFailure: alert}
"""
RULES = {
    "business_rules": [
        {"name": "Auto-close resolved incidents", "table": "incident",
         "operations": ["update"], "condition": {"state": "6"}, "set": {"state": "7"}},
        {"name": "Complaints go to Escalations", "table": "sn_customerservice_case",
         "operations": ["insert"], "condition": {"category": "complaint"},
         "set": {"assignment_group": GROUP_IDS["Escalations"]}},
    ]
}  # fmt: skip


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("servicenow-post")
    policies = directory / "policies"
    policies.mkdir()
    (policies / "read-back.yaml").write_text(POLICIES)
    (policies / "incident.json").write_text((PACK / "schemas" / "incident.json").read_text())
    with Stack(
        directory, auth_mode=AuthMode.PASSTHROUGH, crm=create_app, dialect="servicenow",
        policies=policies, unmatched_writes="allow",
    ) as running:  # fmt: skip
        httpx.put(f"{running.sandbox_url}/_sandbox/business_rules", json=RULES, timeout=10)
        yield running


@pytest.fixture
def store(stack: Stack) -> InstanceStore:
    found: InstanceStore = stack.crm_app[INSTANCE]
    return found


@pytest.fixture
def client(stack: Stack) -> Any:
    return stack.servicenow(conversation="conv-post", agent="agent-post")


def test_an_update_a_business_rule_rewrote_is_reverted_in_one_batch_round_trip(
    stack: Stack, store: InstanceStore, client: Any
) -> None:
    incident = client.GlideRecord("incident")
    assert incident.get(ACME_INCIDENT_ID)
    before = store.get("incident", ACME_INCIDENT_ID)["state"]  # type: ignore[index]
    seen: list[str] = []
    client.session.hooks["response"].append(
        lambda r, *a, **k: seen.append(r.headers.get("X-Guardrail-Decision", "-"))
    )
    stack.crm_app[REQUESTS].reset()
    incident.state = "6"
    with pytest.raises(RequestException) as caught:
        incident.update()
    message = caught.value.args[0]["error"]["message"]
    assert "after the write" in message
    assert "reverted" in message
    assert seen == ["post-fail"]
    assert store.get("incident", ACME_INCIDENT_ID)["state"] == before  # type: ignore[index]
    # the incident's class asked (it may be a table extending incident's) and its children
    # (a new state is carried to them), one batch (read before, write, read after), then the
    # revert
    assert stack.crm_app[REQUESTS].by_route == {
        "GET /table/{table}/{sys_id}": 1,
        "GET /table/{table}": 1,
        "POST /batch": 1,
        "PATCH /table/{table}/{sys_id}": 1,
    }


def test_a_create_is_read_back_after_and_a_changed_group_is_reported(
    store: InstanceStore, client: Any
) -> None:
    case = client.GlideRecord("sn_customerservice_case")
    case.initialize()
    case.short_description = "Rude driver"
    case.category = "complaint"
    case.account = ACME_ACCOUNT_ID
    case.assignment_group = GROUP_IDS["Billing"]
    seen: list[str] = []
    client.session.hooks["response"].append(
        lambda r, *a, **k: seen.append(r.headers.get("X-Guardrail-Decision", "-"))
    )
    assert case.insert()  # forwarded as sent, then read back: the answer is the instance's
    assert seen == ["post-fail"]
    [saved] = [
        r
        for r in store.records("sn_customerservice_case")
        if r["short_description"] == "Rude driver"
    ]
    assert saved["assignment_group"] == GROUP_IDS["Escalations"]  # alerted, left as saved


def test_a_work_note_reads_back_as_written(store: InstanceStore, client: Any) -> None:
    incident = client.GlideRecord("incident")
    assert incident.get(ACME_INCIDENT_ID)
    incident.work_notes = "Customer power-cycled the router."
    assert incident.update()
    assert store.notes("incident", ACME_INCIDENT_ID, "work_notes")[-1] == (
        "Customer power-cycled the router."
    )
