"""Changing the data model at runtime: describe, validation and writes follow at once."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from guardrail.crm.drift import DriftKind, diff
from guardrail.crm.salesforce_schema import schema_from_describe
from guardrail.sandbox import SandboxStore
from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID
from tests.sandbox.helpers import Api

FIELDS = "/_sandbox/schema/{}/fields"


async def add(client: TestClient[Any, Any], sobject: str, body: Any) -> tuple[int, Any]:
    response = await client.post(FIELDS.format(sobject), json=body)
    return response.status, await response.json()


async def change(
    client: TestClient[Any, Any], sobject: str, field: str, body: Any
) -> tuple[int, Any]:
    response = await client.patch(f"{FIELDS.format(sobject)}/{field}", json=body)
    return response.status, await response.json()


async def described(sf: Api, sobject: str) -> dict[str, dict[str, Any]]:
    status, body = await sf.get(f"/sobjects/{sobject}/describe")
    assert status == 200
    return {f["name"]: f for f in body["fields"]}


async def test_a_new_required_field_is_described_and_required_on_create(
    client: TestClient[Any, Any], sf: Api
) -> None:
    status, field = await add(
        client, "case", {"name": "Region__c", "label": "Region", "length": 40, "required": True}
    )

    assert status == 201
    assert field["name"] == "Region__c"
    assert (field["type"], field["length"], field["nillable"]) == ("string", 40, False)
    fields = await described(sf, "Case")
    assert fields["Region__c"]["defaultedOnCreate"] is False
    assert list(fields).index("Region__c") < list(fields).index("CreatedDate")
    assert await sf.post("/sobjects/Case", {"Subject": "x"}) == (
        400,
        [
            {
                "message": "Required fields are missing: [Region__c]",
                "errorCode": "REQUIRED_FIELD_MISSING",
                "fields": ["Region__c"],
            }
        ],
    )
    status, created = await sf.post("/sobjects/Case", {"Subject": "x", "Region__c": "EMEA"})
    assert status == 201
    assert (await sf.get(f"/sobjects/Case/{created['id']}"))[1]["Region__c"] == "EMEA"
    # Records saved before the field existed have it empty, and may still be updated.
    assert (await sf.get(f"/sobjects/Case/{ACME_CASE_ID}"))[1]["Region__c"] is None
    assert (await sf.patch(f"/sobjects/Case/{ACME_CASE_ID}", {"Subject": "y"}))[0] == 204


async def test_a_removed_picklist_value_is_refused(client: TestClient[Any, Any], sf: Api) -> None:
    status, field = await change(
        client, "Case", "status", {"picklistValues": ["New", "Escalated", "Closed"]}
    )

    assert status == 200
    assert [v["value"] for v in field["picklistValues"]] == ["New", "Escalated", "Closed"]
    status, body = await sf.patch(f"/sobjects/Case/{ACME_CASE_ID}", {"Status": "Working"})
    assert status == 400
    assert body[0]["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert (await sf.patch(f"/sobjects/Case/{ACME_CASE_ID}", {"Status": "Escalated"}))[0] == 204


async def test_a_shortened_field_refuses_longer_values(
    client: TestClient[Any, Any], sf: Api
) -> None:
    assert (await change(client, "Case", "Subject", {"length": 10}))[0] == 200

    status, body = await sf.patch(f"/sobjects/Case/{ACME_CASE_ID}", {"Subject": "x" * 11})

    assert status == 400
    assert body[0]["errorCode"] == "STRING_TOO_LONG"
    assert (await described(sf, "Case"))["Subject"]["length"] == 10


async def test_a_field_made_optional_or_defaulted_is_no_longer_required(
    client: TestClient[Any, Any], sf: Api
) -> None:
    assert (await change(client, "Contact", "LastName", {"nillable": True}))[0] == 200
    assert (await sf.post("/sobjects/Contact", {"FirstName": "Ann"}))[0] == 201

    status, field = await add(
        client,
        "Account",
        {"name": "Tier__c", "type": "picklist", "picklistValues": ["Gold", "Silver"],
         "required": True, "defaultValue": "Silver"},
    )  # fmt: skip
    assert status == 201
    assert field["defaultedOnCreate"] is True
    status, created = await sf.post("/sobjects/Account", {"Name": "New Co"})
    assert status == 201
    assert (await sf.get(f"/sobjects/Account/{created['id']}"))[1]["Tier__c"] == "Silver"


async def test_a_removed_field_is_gone_from_describe_records_and_writes(
    client: TestClient[Any, Any], sf: Api, store: SandboxStore
) -> None:
    response = await client.delete(f"{FIELDS.format('Account')}/billingcity")

    assert response.status == 204
    assert "BillingCity" not in await described(sf, "Account")
    assert "BillingCity" not in store.get("Account", ACME_ACCOUNT_ID)  # type: ignore[operator]
    status, body = await sf.patch(f"/sobjects/Account/{ACME_ACCOUNT_ID}", {"BillingCity": "X"})
    assert (status, body[0]["errorCode"]) == (400, "INVALID_FIELD")
    status, body = await sf.get("/query?q=SELECT+BillingCity+FROM+Account")
    assert (status, body[0]["errorCode"]) == (400, "INVALID_FIELD")


async def test_reset_restores_the_original_model(client: TestClient[Any, Any], sf: Api) -> None:
    original = await described(sf, "Case")
    await add(client, "Case", {"name": "Region__c", "required": True})
    await change(client, "Case", "Status", {"picklistValues": ["New"]})
    await client.delete(f"{FIELDS.format('Case')}/Origin")

    assert (await client.post("/_sandbox/reset")).status == 204

    assert await described(sf, "Case") == original
    assert (await sf.post("/sobjects/Case", {"Subject": "x", "Status": "Working"}))[0] == 201


async def test_the_describe_after_a_change_shows_as_drift(
    client: TestClient[Any, Any], sf: Api
) -> None:
    before = schema_from_describe((await sf.get("/sobjects/Case/describe"))[1], {})
    await add(client, "Case", {"name": "Region__c", "required": True})
    await change(client, "Case", "Status", {"picklistValues": ["New", "Escalated", "Closed"]})

    after = schema_from_describe((await sf.get("/sobjects/Case/describe"))[1], {})

    assert {(d.field, d.kind, d.detail) for d in diff("Case", before, after)} == {
        ("Region__c", DriftKind.REQUIRED_ADDED, "new in the CRM"),
        ("Status", DriftKind.PICKLIST_VALUE_REMOVED, "'Working'"),
    }


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "message"),
    [
        ("POST", "Lead/fields", {"name": "X__c"}, 404, "unknown object 'Lead'"),
        ("POST", "User/fields", {"name": "X__c"}, 409, "User is a read-only directory object"),
        ("POST", "Case/fields", {"name": "subject"}, 409, "Case.subject already exists"),
        ("POST", "Case/fields", {"name": "9x"}, 400, "name: String should match pattern"),
        ("POST", "Case/fields", {"name": "X__c", "type": "id"}, 400, "type: Input should be"),
        ("POST", "Case/fields", {"name": "X__c", "colour": 1}, 400, "colour: Extra inputs"),
        ("POST", "Case/fields", {"name": "X__c", "referenceTo": ["Account"]}, 400, "referenceTo"),
        ("POST", "Case/fields", {"name": "X__c", "type": "reference", "referenceTo": ["Lead"]},
         400, "referenceTo: unknown object 'Lead'"),
        ("POST", "Case/fields", {"name": "X__c", "type": "int", "defaultValue": "many"},
         400, "Case.X__c: default 'many': Cannot deserialize"),
        ("POST", "Case/fields", {"name": "X__c", "required": True, "nillable": True},
         400, "contradict"),
        ("PATCH", "Case/fields/Nope", {"length": 5}, 404, "unknown field Case.Nope"),
        ("PATCH", "Case/fields/Id", {"length": 5}, 409, "Case.Id is a system field"),
        ("PATCH", "Case/fields/CaseNumber", {"length": 5}, 409, "is calculated"),
        ("PATCH", "Account/fields/Name", {"length": 5}, 409, "the object's name field"),
        ("PATCH", "Case/fields/Subject", {"picklistValues": ["a"]}, 400, "not a picklist"),
        ("PATCH", "Case/fields/Status", {"length": 5}, 200, ""),
        ("PATCH", "Case/fields/AccountId", {"length": 5}, 400, "only text has a length"),
        ("PATCH", "Case/fields/Status", {"picklistValues": ["Working"]}, 400,
         "default 'New' is not one of its values"),
        ("PATCH", "Case/fields/Status", {"picklistValues": []}, 400, "picklistValues"),
        ("DELETE", "Case/fields/OwnerId", None, 409, "Case.OwnerId is a system field"),
        ("DELETE", "Case/fields/IsClosed", None, 409, "is calculated"),
    ],
)  # fmt: skip
async def test_changes_the_org_cannot_make_are_refused(
    client: TestClient[Any, Any],
    method: str,
    path: str,
    body: Any,
    status: int,
    message: str,
) -> None:
    response = await client.request(method, f"/_sandbox/schema/{path}", json=body)

    assert response.status == status
    if status >= 400:
        assert message in (await response.json())["error"]


async def test_a_body_that_is_not_json_is_refused(client: TestClient[Any, Any]) -> None:
    response = await client.post(FIELDS.format("Case"), data=b"{nope")

    assert response.status == 400
    assert "not JSON" in (await response.json())["error"]


async def test_a_field_a_trigger_uses_cannot_be_removed(
    client: TestClient[Any, Any], sf: Api
) -> None:
    trigger = {"object": "Case", "action": "truncate", "field": "Subject", "length": 5}
    await client.put("/_sandbox/triggers", json={"triggers": [trigger]})

    response = await client.delete(f"{FIELDS.format('Case')}/subject")

    assert response.status == 409
    assert "used by a trigger" in (await response.json())["error"]
    assert "Subject" in await described(sf, "Case")
