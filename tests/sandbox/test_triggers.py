"""Server-side triggers: the saved record differs from what was written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from guardrail.sandbox import SandboxConfig, SandboxStore
from guardrail.sandbox.seed import ACME_CASE_ID, QUEUE_IDS
from guardrail.sandbox.triggers import TriggerError, parse_triggers
from tests.sandbox.helpers import Api

ROUTING = {
    "name": "billing-to-queue",
    "object": "Case",
    "operations": ["create"],
    "when": {"reason": "Billing"},
    "action": "set",
    "field": "ownerid",
    "value": QUEUE_IDS["Billing"],
}


async def put_triggers(client: TestClient[Any, Any], *triggers: dict[str, Any]) -> Any:
    response = await client.put("/_sandbox/triggers", json={"triggers": list(triggers)})
    assert response.status == 200, await response.text()
    return await response.json()


async def saved(sf: Api, store: SandboxStore, sobject: str, body: dict[str, Any]) -> Any:
    status, answer = await sf.post(f"/sobjects/{sobject}", body)
    assert status == 201, answer
    return store.get(sobject, answer["id"])


async def test_set_reassigns_when_the_condition_holds(
    sf: Api, client: TestClient[Any, Any], store: SandboxStore
) -> None:
    document = await put_triggers(client, ROUTING)
    assert document["triggers"][0]["field"] == "OwnerId"  # names come back canonical

    billing = await saved(sf, store, "Case", {"Subject": "Invoice", "Reason": "Billing"})
    other = await saved(sf, store, "Case", {"Subject": "Broken", "Reason": "Technical"})

    assert billing["OwnerId"] == QUEUE_IDS["Billing"]
    assert other["OwnerId"].startswith("005")


async def test_operations_limit_when_a_trigger_runs(
    sf: Api, client: TestClient[Any, Any], store: SandboxStore
) -> None:
    await put_triggers(client, ROUTING)

    await sf.patch(f"/sobjects/Case/{ACME_CASE_ID}", {"Reason": "Billing"})

    case = store.get("Case", ACME_CASE_ID)
    assert case is not None
    assert case["OwnerId"].startswith("005")


async def test_truncate_picklist_default_and_round(
    sf: Api, client: TestClient[Any, Any], store: SandboxStore
) -> None:
    await put_triggers(
        client,
        {"object": "Case", "action": "truncate", "field": "Subject", "length": 10},
        {"object": "Case", "action": "picklist_default", "field": "Type", "value": "Other"},
        {"object": "Refund__c", "action": "round", "field": "Amount__c", "decimals": 0},
        {
            "object": "Case",
            "action": "picklist_default",
            "field": "Priority",
            "value": "Low",
            "only_invalid": False,
            "when": {"Origin": "Web"},
        },
    )

    case = await saved(
        sf, store, "Case", {"Subject": "A very long subject", "Type": "Gripe", "Origin": "Web"}
    )
    valid = await saved(sf, store, "Case", {"Type": "Question", "Priority": "High"})
    refund = await saved(sf, store, "Refund__c", {"Amount__c": 19.5})

    assert (case["Subject"], case["Type"], case["Priority"]) == ("A very lon", "Other", "Low")
    assert (valid["Type"], valid["Priority"]) == ("Question", "High")
    assert refund["Amount__c"] == 20


async def test_triggers_run_on_every_write_route(
    sf: Api, client: TestClient[Any, Any], store: SandboxStore
) -> None:
    await put_triggers(
        client, {"object": "Case", "action": "truncate", "field": "Subject", "length": 3}
    )
    records = [{"attributes": {"type": "Case"}, "Subject": "Collection"}]

    _, results = await sf.post("/composite/sobjects", {"records": records})
    _, upserted = await sf.patch("/sobjects/Case/External_Id__c/C-1", {"Subject": "Upsert"})

    for record_id in (results[0]["id"], upserted["id"]):
        case = store.get("Case", record_id)
        assert case is not None
        assert len(case["Subject"]) == 3


async def test_admin_endpoint_lists_and_clears_triggers(
    sf: Api, client: TestClient[Any, Any], store: SandboxStore
) -> None:
    await put_triggers(client, ROUTING)

    listed = await (await client.get("/_sandbox/triggers")).json()
    assert [t["name"] for t in listed["triggers"]] == ["billing-to-queue"]

    assert (await client.delete("/_sandbox/triggers")).status == 204
    assert await (await client.get("/_sandbox/triggers")).json() == {"triggers": []}
    case = await saved(sf, store, "Case", {"Reason": "Billing"})
    assert case["OwnerId"].startswith("005")


async def test_admin_endpoint_rejects_a_bad_trigger_and_keeps_the_old_ones(
    client: TestClient[Any, Any], store: SandboxStore
) -> None:
    await put_triggers(client, ROUTING)

    response = await client.put(
        "/_sandbox/triggers",
        json={
            "triggers": [{"object": "Case", "action": "round", "field": "Subject", "decimals": 1}]
        },
    )

    assert response.status == 400
    assert "round needs a number field" in (await response.json())["error"]
    assert len(store.triggers) == 1


@pytest.mark.parametrize(
    ("trigger", "complaint"),
    [
        ({"object": "Lead", "action": "set", "field": "X", "value": 1}, "unknown object"),
        ({"object": "Case", "action": "set", "field": "Mood", "value": 1}, "unknown field"),
        ({"object": "Case", "action": "set", "field": "IsClosed", "value": True}, "calculated"),
        ({"object": "Case", "action": "truncate", "field": "IsClosed", "length": 2}, "calculated"),
        ({"object": "Case", "action": "truncate", "field": "Subject", "length": 0}, "greater than"),
        (
            {"object": "Case", "action": "picklist_default", "field": "Type", "value": "?"},
            "not a value",
        ),
        (
            {"object": "Case", "action": "picklist_default", "field": "Subject", "value": "x"},
            "picklist",
        ),
        (
            {"object": "Refund__c", "action": "set", "field": "Amount__c", "value": "lots"},
            "Cannot deserialize",
        ),
        ({"object": "Case", "action": "explode", "field": "Subject"}, "action"),
        ({**ROUTING, "colour": "red"}, "colour"),
    ],
)
def test_bad_triggers_say_what_is_wrong(trigger: dict[str, Any], complaint: str) -> None:
    with pytest.raises(TriggerError, match=complaint):
        parse_triggers({"triggers": [trigger]})


class TestTriggersFile:
    @pytest.fixture
    def config(self, tmp_path: Path) -> SandboxConfig:
        path = tmp_path / "triggers.yaml"
        path.write_text(
            "triggers:\n"
            "  - object: Case\n"
            "    when: {Status: Escalated}\n"
            "    action: set\n"
            f"    field: OwnerId\n"
            f"    value: {QUEUE_IDS['Escalations']}\n"
        )
        return SandboxConfig(triggers_file=path)

    async def test_a_triggers_file_is_loaded_at_start(self, sf: Api, store: SandboxStore) -> None:
        await sf.patch(f"/sobjects/Case/{ACME_CASE_ID}", {"Status": "Escalated"})

        case = store.get("Case", ACME_CASE_ID)
        assert case is not None
        assert case["OwnerId"] == QUEUE_IDS["Escalations"]
