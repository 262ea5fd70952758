"""sObject Collections: per-record results, allOrNone both ways, limits, retrieve."""

from __future__ import annotations

from typing import Any

from guardrail.sandbox import SandboxStore
from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID, GLOBEX_ACCOUNT_ID
from tests.sandbox.helpers import Api

ROLLED_BACK = {
    "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "message": "Record rolled back because not all records were valid and the request was "
    "using AllOrNone header",
    "fields": [],
}
MISSING_LAST_NAME = {
    "statusCode": "REQUIRED_FIELD_MISSING",
    "message": "Required fields are missing: [LastName]",
    "fields": ["LastName"],
}


def contact(**fields: Any) -> dict[str, Any]:
    return {"attributes": {"type": "Contact"}, **fields}


async def test_create_without_all_or_none_saves_the_valid_records(
    sf: Api, store: SandboxStore
) -> None:
    before = store.count("Contact")

    status, results = await sf.post(
        "/composite/sobjects",
        {"allOrNone": False, "records": [contact(LastName="Ok"), contact(FirstName="No")]},
    )

    assert status == 200
    assert results[0] == {"id": results[0]["id"], "success": True, "errors": []}
    assert results[1] == {"success": False, "errors": [MISSING_LAST_NAME]}
    assert store.count("Contact") == before + 1


async def test_create_with_all_or_none_rolls_everything_back(sf: Api, store: SandboxStore) -> None:
    before = store.count("Contact")

    status, results = await sf.post(
        "/composite/sobjects",
        {"allOrNone": True, "records": [contact(LastName="Ok"), contact(FirstName="No")]},
    )

    assert status == 200
    assert results == [
        {"success": False, "errors": [ROLLED_BACK]},
        {"success": False, "errors": [MISSING_LAST_NAME]},
    ]
    assert store.count("Contact") == before


async def test_update_with_all_or_none_restores_the_records(sf: Api, store: SandboxStore) -> None:
    records = [
        {"attributes": {"type": "Account"}, "Id": ACME_ACCOUNT_ID, "BillingCity": "Oakland"},
        {"attributes": {"type": "Account"}, "Id": GLOBEX_ACCOUNT_ID, "Status__c": "Gone"},
    ]

    status, results = await sf.patch("/composite/sobjects", {"allOrNone": True, "records": records})

    assert status == 200
    assert results[0] == {"id": ACME_ACCOUNT_ID, "success": False, "errors": [ROLLED_BACK]}
    assert results[1]["id"] == GLOBEX_ACCOUNT_ID
    assert results[1]["errors"][0]["statusCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    acme = store.get("Account", ACME_ACCOUNT_ID)
    assert acme is not None
    assert acme["BillingCity"] == "San Francisco"


async def test_update_without_all_or_none_keeps_the_good_ones(sf: Api, store: SandboxStore) -> None:
    records = [
        {"attributes": {"type": "Account"}, "Id": ACME_ACCOUNT_ID, "BillingCity": "Oakland"},
        {"attributes": {"type": "Account"}, "BillingCity": "Nowhere"},
    ]

    status, results = await sf.patch("/composite/sobjects", {"records": records})

    assert status == 200
    assert results[0] == {"id": ACME_ACCOUNT_ID, "success": True, "errors": []}
    assert results[1] == {
        "success": False,
        "errors": [
            {
                "statusCode": "MISSING_ARGUMENT",
                "message": "Id not specified in an update call",
                "fields": [],
            }
        ],
    }
    acme = store.get("Account", ACME_ACCOUNT_ID)
    assert acme is not None
    assert acme["BillingCity"] == "Oakland"


async def test_delete_by_ids(sf: Api, store: SandboxStore) -> None:
    _, task = await sf.post("/sobjects/Task", {"Subject": "Temp"})

    status, results = await sf.delete(
        f"/composite/sobjects?ids={task['id']},{task['id'][:15]}&allOrNone=false"
    )

    assert status == 200
    assert results[0] == {"id": task["id"], "success": True, "errors": []}
    assert results[1]["errors"][0]["statusCode"] == "ENTITY_IS_DELETED"
    assert store.get("Task", task["id"]) is None


async def test_delete_with_all_or_none_deletes_nothing_on_failure(
    sf: Api, store: SandboxStore
) -> None:
    status, results = await sf.delete(
        f"/composite/sobjects?ids={ACME_CASE_ID},bogus&allOrNone=true"
    )

    assert status == 200
    assert results[0] == {"id": ACME_CASE_ID, "success": False, "errors": [ROLLED_BACK]}
    assert results[1]["errors"][0]["statusCode"] == "MALFORMED_ID"
    assert store.get("Case", ACME_CASE_ID) is not None


async def test_upsert_reports_created_per_record(sf: Api) -> None:
    records = [
        {"attributes": {"type": "Account"}, "External_Id__c": "ACME-001", "Phone": "1"},
        {"attributes": {"type": "Account"}, "External_Id__c": "NEW-9", "Name": "New"},
    ]

    status, results = await sf.patch(
        "/composite/sobjects/Account/External_Id__c", {"allOrNone": False, "records": records}
    )

    assert status == 200
    assert results[0] == {"id": ACME_ACCOUNT_ID, "success": True, "errors": [], "created": False}
    assert results[1]["created"] is True
    assert results[1]["id"].startswith("001")


async def test_retrieve_returns_null_for_ids_not_found(sf: Api) -> None:
    path = f"/composite/sobjects/Account?ids={ACME_ACCOUNT_ID},001000000000999AAA&fields=Id,Name"

    status, records = await sf.get(path)

    assert status == 200
    assert records[1] is None
    assert {k: v for k, v in records[0].items() if k != "attributes"} == {
        "Id": ACME_ACCOUNT_ID,
        "Name": "Acme Corp",
    }
    body = {"ids": [ACME_ACCOUNT_ID, "001000000000999AAA"], "fields": ["Id", "Name"]}
    assert await sf.post("/composite/sobjects/Account", body) == (200, records)


async def test_an_unreadable_record_fails_the_whole_request(sf: Api, store: SandboxStore) -> None:
    before = store.count("Contact")
    records = [contact(LastName="Ok"), contact(LastName="x", Mood="calm")]

    status, body = await sf.post("/composite/sobjects", {"records": records})

    assert (status, body[0]["errorCode"]) == (400, "INVALID_FIELD")
    assert store.count("Contact") == before

    status, body = await sf.post("/composite/sobjects", {"records": [{"LastName": "x"}]})
    assert (status, body[0]["errorCode"]) == (400, "INVALID_TYPE")


async def test_more_than_200_records_is_refused(sf: Api) -> None:
    records = [contact(LastName=str(i)) for i in range(201)]

    status, body = await sf.post("/composite/sobjects", {"records": records})

    assert (status, body[0]["errorCode"]) == (400, "EXCEEDED_ID_LIMIT")
