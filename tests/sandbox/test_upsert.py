"""Upsert and lookup by id-lookup fields: 201 created, 200 updated, 300 ambiguous."""

from __future__ import annotations

from guardrail.sandbox import SandboxStore
from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID, ACME_CONTACT_ID
from tests.sandbox.helpers import AUTH, BASE, Api


async def test_upsert_creates_then_updates(sf: Api, store: SandboxStore) -> None:
    status, created = await sf.patch(
        "/sobjects/Account/External_Id__c/INITECH-1", {"Name": "Initech"}
    )
    assert status == 201
    assert created == {"id": created["id"], "success": True, "errors": [], "created": True}
    account = store.get("Account", created["id"])
    assert account is not None
    assert account["External_Id__c"] == "INITECH-1"

    status, updated = await sf.patch(
        "/sobjects/Account/External_Id__c/INITECH-1", {"BillingCity": "Austin"}
    )
    assert status == 200
    assert updated == {"id": created["id"], "success": True, "errors": [], "created": False}
    account = store.get("Account", created["id"])
    assert account is not None
    assert (account["Name"], account["BillingCity"]) == ("Initech", "Austin")


async def test_before_api_46_an_upsert_says_nothing_of_created_and_an_update_is_204(
    sf: Api, store: SandboxStore
) -> None:
    """As Salesforce documents: ``created`` is in an upsert's answer from API 46.0; before,
    a created record is 201 with its id, and an updated one 204 with no body."""
    old = "/services/data/v45.0/sobjects/Account/External_Id__c/HOOLI-1"
    created = await sf.client.patch(old, json={"Name": "Hooli"}, headers=AUTH)
    assert created.status == 201
    body = await created.json()
    assert body == {"id": body["id"], "success": True, "errors": []}

    updated = await sf.client.patch(old, json={"BillingCity": "Palo Alto"}, headers=AUTH)
    assert (updated.status, await updated.read()) == (204, b"")
    account = store.get("Account", body["id"])
    assert account is not None
    assert account["BillingCity"] == "Palo Alto"


async def test_several_matches_answer_300_with_their_urls(sf: Api) -> None:
    _, twin = await sf.post(
        "/sobjects/Contact", {"LastName": "Twin", "Email": "jane.doe@acme.example"}
    )
    urls = [
        f"{BASE}/sobjects/Contact/{ACME_CONTACT_ID}",
        f"{BASE}/sobjects/Contact/{twin['id']}",
    ]

    assert await sf.patch("/sobjects/Contact/Email/jane.doe@acme.example", {"Phone": "1"}) == (
        300,
        urls,
    )
    assert await sf.get("/sobjects/Contact/Email/JANE.DOE@acme.example") == (300, urls)


async def test_read_and_delete_by_external_id(sf: Api, store: SandboxStore) -> None:
    status, record = await sf.get("/sobjects/Account/External_Id__c/ACME-001?fields=Name")
    assert (status, record["Name"], record["Id"]) == (200, "Acme Corp", ACME_ACCOUNT_ID)

    assert await sf.delete("/sobjects/Account/External_Id__c/ACME-001") == (204, None)
    assert store.get("Account", ACME_ACCOUNT_ID) is None

    status, body = await sf.get("/sobjects/Account/External_Id__c/ACME-001")
    assert (status, body[0]["errorCode"]) == (404, "NOT_FOUND")


async def test_upsert_by_id_updates_the_record(sf: Api, store: SandboxStore) -> None:
    status, body = await sf.patch(f"/sobjects/Case/Id/{ACME_CASE_ID}", {"Priority": "High"})

    assert (status, body["created"], body["id"]) == (200, False, ACME_CASE_ID)
    saved = store.get("Case", ACME_CASE_ID)
    assert saved is not None
    assert saved["Priority"] == "High"


async def test_upsert_by_a_field_that_is_not_an_external_id_is_not_found(sf: Api) -> None:
    status, body = await sf.patch("/sobjects/Case/Subject/hello", {"Status": "New"})

    assert status == 404
    assert body == [
        {
            "errorCode": "NOT_FOUND",
            "message": "Provided external ID field does not exist or is not accessible: Subject",
        }
    ]


async def test_upsert_body_contradicting_the_url_is_rejected(sf: Api) -> None:
    status, body = await sf.patch(
        "/sobjects/Account/External_Id__c/A-1", {"Name": "A", "External_Id__c": "B-2"}
    )

    assert (status, body[0]["errorCode"]) == (400, "INVALID_FIELD")


async def test_upsert_runs_the_same_validation_as_create(sf: Api, store: SandboxStore) -> None:
    before = store.count("Account")

    status, body = await sf.patch("/sobjects/Account/External_Id__c/A-1", {"Status__c": "Dormant"})

    assert (status, body[0]["errorCode"]) == (400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST")
    assert store.count("Account") == before


async def test_up_to_api_57_a_final_json_is_the_response_format_not_the_value(
    sf: Api, store: SandboxStore
) -> None:
    """As on Salesforce: a proxy looking records up by a value ending in .json meets this."""
    _, made = await sf.patch("/sobjects/Case/External_Id__c/SFX-1", {"Subject": "Suffixed"})
    response = await sf.client.request(
        "GET", "/services/data/v57.0/sobjects/Case/External_Id__c/SFX-1.json", headers=AUTH
    )
    assert response.status == 200
    assert (await response.json())["Id"] == made["id"]
    later = await sf.client.request(
        "GET", "/services/data/v58.0/sobjects/Case/External_Id__c/SFX-1.json", headers=AUTH
    )
    assert later.status == 404


async def test_update_only_updates_a_match_and_creates_nothing(
    sf: Api, store: SandboxStore
) -> None:
    accounts = len(store.records("Account"))
    status, body = await sf.patch(
        "/sobjects/Account/External_Id__c/NOBODY-1?updateOnly=true", {"Name": "Nobody"}
    )
    assert status == 404
    assert body[0]["errorCode"] == "NOT_FOUND"
    assert len(store.records("Account")) == accounts
    await sf.patch("/sobjects/Account/External_Id__c/INITECH-2", {"Name": "Initech"})
    status, updated = await sf.patch(
        "/sobjects/Account/External_Id__c/INITECH-2?updateOnly=true", {"BillingCity": "Austin"}
    )
    assert (status, updated["created"]) == (200, False)
