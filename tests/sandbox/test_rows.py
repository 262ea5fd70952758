"""sObject rows: create, read, update, delete, and the 404/405 answers around them."""

from __future__ import annotations

import re

from guardrail.crm import sfid
from guardrail.sandbox import SandboxStore
from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID, ACME_CONTACT_ID, QUEUE_IDS
from tests.sandbox.helpers import BASE, Api

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")


async def test_create_answers_201_with_an_18_character_id_and_location(sf: Api) -> None:
    status, body = await sf.post("/sobjects/Case", {"Subject": "Printer on fire"})

    assert status == 201
    assert body == {"id": body["id"], "success": True, "errors": []}
    record_id = body["id"]
    assert len(record_id) == 18
    assert record_id.startswith("500")
    assert sfid.to18(record_id[:15]) == record_id
    assert sf.headers["Location"] == f"{BASE}/sobjects/Case/{record_id}"


async def test_create_accepts_the_trailing_slash_simple_salesforce_sends(sf: Api) -> None:
    status, body = await sf.post("/sobjects/Contact/", {"LastName": "Slash"})

    assert status == 201
    assert body["id"].startswith("003")


async def test_new_record_carries_system_fields_defaults_and_auto_number(sf: Api) -> None:
    _, created = await sf.post("/sobjects/Case", {"Subject": "Defaults"})

    status, record = await sf.get(f"/sobjects/Case/{created['id']}")

    assert status == 200
    assert record["attributes"] == {
        "type": "Case",
        "url": f"{BASE}/sobjects/Case/{created['id']}",
    }
    assert record["Id"] == created["id"]
    assert record["IsDeleted"] is False
    assert record["Status"] == "New"
    assert record["Priority"] == "Medium"
    assert record["IsClosed"] is False
    assert record["CaseNumber"] == "00001002"  # the seeded case is 00001001
    assert record["OwnerId"].startswith("005")
    for name in ("CreatedDate", "LastModifiedDate", "SystemModstamp"):
        assert TIMESTAMP.match(record[name]), record[name]


async def test_read_with_fields_returns_those_fields_and_the_id(sf: Api) -> None:
    status, record = await sf.get(f"/sobjects/Case/{ACME_CASE_ID}?fields=subject,Status")

    assert status == 200
    assert list(record) == ["attributes", "Subject", "Status", "Id"]


async def test_read_with_an_unknown_field_is_invalid_field(sf: Api) -> None:
    status, body = await sf.get(f"/sobjects/Case/{ACME_CASE_ID}?fields=Subject,Mood")

    assert status == 400
    assert body[0]["errorCode"] == "INVALID_FIELD"
    assert "No such column 'Mood' on entity 'Case'" in body[0]["message"]


async def test_fifteen_character_ids_name_the_same_record(sf: Api) -> None:
    status, record = await sf.get(f"/sobjects/Account/{ACME_ACCOUNT_ID[:15]}")

    assert status == 200
    assert record["Id"] == ACME_ACCOUNT_ID


async def test_update_answers_204_and_saves(sf: Api, store: SandboxStore) -> None:
    status, body = await sf.patch(f"/sobjects/Case/{ACME_CASE_ID}", {"Status": "Closed"})

    assert (status, body) == (204, None)
    saved = store.get("Case", ACME_CASE_ID)
    assert saved is not None
    assert saved["Status"] == "Closed"
    assert saved["IsClosed"] is True
    assert saved["LastModifiedDate"] > saved["CreatedDate"]


async def test_delete_answers_204_then_the_record_is_deleted(sf: Api) -> None:
    _, created = await sf.post("/sobjects/Task", {"Subject": "Call back"})
    path = f"/sobjects/Task/{created['id']}"

    assert await sf.delete(path) == (204, None)

    deleted = [{"errorCode": "ENTITY_IS_DELETED", "message": "entity is deleted"}]
    assert await sf.get(path) == (404, deleted)
    assert await sf.patch(path, {"Subject": "again"}) == (404, deleted)
    assert await sf.delete(path) == (404, deleted)


async def test_deleting_an_account_cascades_to_its_contacts_and_cases(
    sf: Api, store: SandboxStore
) -> None:
    _, refund = await sf.post(
        "/sobjects/Refund__c",
        {"Amount__c": 5, "Case__c": ACME_CASE_ID, "Account__c": ACME_ACCOUNT_ID},
    )

    assert (await sf.delete(f"/sobjects/Account/{ACME_ACCOUNT_ID}"))[0] == 204

    assert store.get("Contact", ACME_CONTACT_ID) is None
    assert store.get("Case", ACME_CASE_ID) is None
    kept = store.get("Refund__c", refund["id"])
    assert kept is not None
    assert (kept["Case__c"], kept["Account__c"]) == (None, None)


async def test_unknown_object_is_not_found(sf: Api) -> None:
    not_found = [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]

    assert await sf.post("/sobjects/Opportunity", {"Name": "x"}) == (404, not_found)
    assert await sf.get("/sobjects/Opportunity/describe") == (404, not_found)


async def test_record_ids_that_do_not_resolve_are_not_found(sf: Api) -> None:
    status, body = await sf.get("/sobjects/Case/not-an-id")
    assert status == 404
    assert body[0] == {
        "errorCode": "NOT_FOUND",
        "message": "Provided external ID field does not exist or is not accessible: not-an-id",
    }

    for missing in ("500000000000999AAA", ACME_ACCOUNT_ID):  # absent, or another object's
        status, body = await sf.get(f"/sobjects/Case/{missing}")
        assert (status, body[0]["errorCode"]) == (404, "NOT_FOUND")
        status, body = await sf.patch(f"/sobjects/Case/{missing}", {"Subject": "x"})
        assert (status, body[0]["errorCode"]) == (404, "NOT_FOUND")


async def test_wrong_method_is_405_naming_the_allowed_ones(sf: Api) -> None:
    status, body = await sf.call("PUT", f"/sobjects/Case/{ACME_CASE_ID}", {"Subject": "x"})

    assert status == 405
    assert body == [
        {
            "errorCode": "METHOD_NOT_ALLOWED",
            "message": "HTTP Method 'PUT' not allowed. Allowed are GET,PATCH,DELETE",
        }
    ]
    assert sf.headers["Allow"] == "GET,PATCH,DELETE"


async def test_unknown_resource_is_not_found(sf: Api) -> None:
    status, body = await sf.get("/limits/nothing")

    assert (status, body[0]["errorCode"]) == (404, "NOT_FOUND")


async def test_directory_objects_are_read_only(sf: Api) -> None:
    queue = QUEUE_IDS["Billing"]

    status, record = await sf.get(f"/sobjects/Group/{queue}")
    assert (status, record["Name"], record["Type"]) == (200, "Billing", "Queue")

    for status, body in (
        await sf.post("/sobjects/Group", {"Name": "New queue"}),
        await sf.patch(f"/sobjects/Group/{queue}", {"Name": "Renamed"}),
        await sf.delete(f"/sobjects/Group/{queue}"),
    ):
        assert (status, body[0]["errorCode"]) == (400, "INVALID_TYPE_FOR_OPERATION")
