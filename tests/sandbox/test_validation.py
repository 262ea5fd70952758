"""Salesforce's save-time validation: each errorCode, its message and its fields."""

from __future__ import annotations

from typing import Any

import pytest

from guardrail.sandbox import SandboxStore
from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID, ACME_CONTACT_ID, QUEUE_IDS
from tests.sandbox.helpers import Api

CREATE_ERRORS = [
    pytest.param(
        "Case",
        {"Subject": "x", "Mood": "angry"},
        {"errorCode": "INVALID_FIELD", "message": "No such column 'Mood' on sobject of type Case"},
        id="unknown-field",
    ),
    pytest.param(
        "Case",
        {"Subject": "x", "CreatedDate": "2026-01-01T00:00:00.000+0000", "CaseNumber": "1"},
        {
            "errorCode": "INVALID_FIELD_FOR_INSERT_UPDATE",
            "message": "Unable to create/update fields: CreatedDate, CaseNumber. Please check the "
            "security settings of this field and verify that it is read/write for your profile "
            "or permission set.",
            "fields": ["CreatedDate", "CaseNumber"],
        },
        id="read-only-fields",
    ),
    pytest.param(
        "Case",
        {"Id": ACME_CASE_ID, "Subject": "x"},
        {
            "errorCode": "INVALID_FIELD_FOR_INSERT_UPDATE",
            "message": "cannot specify Id in an insert call",
            "fields": ["Id"],
        },
        id="id-on-insert",
    ),
    pytest.param(
        "Contact",
        {"FirstName": "Jane"},
        {
            "errorCode": "REQUIRED_FIELD_MISSING",
            "message": "Required fields are missing: [LastName]",
            "fields": ["LastName"],
        },
        id="required-missing",
    ),
    pytest.param(
        "Refund__c",
        {"Amount__c": 10, "Reason__c": "Because"},
        {
            "errorCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            "message": "Reason: bad value for restricted picklist field: Because",
            "fields": ["Reason__c"],
        },
        id="restricted-picklist",
    ),
    pytest.param(
        "Case",
        {"Subject": "x" * 256},
        {
            "errorCode": "STRING_TOO_LONG",
            "message": f"Subject: data value too large: {'x' * 256} (max length=255)",
            "fields": ["Subject"],
        },
        id="string-too-long",
    ),
    pytest.param(
        "Case",
        {"AccountId": "12345"},
        {
            "errorCode": "MALFORMED_ID",
            "message": "Account ID: id value of incorrect type: 12345",
            "fields": ["AccountId"],
        },
        id="malformed-reference",
    ),
    pytest.param(
        "Case",
        {"AccountId": ACME_CONTACT_ID},
        {
            "errorCode": "FIELD_INTEGRITY_EXCEPTION",
            "message": f"Account ID: id value of incorrect type: {ACME_CONTACT_ID}",
            "fields": ["AccountId"],
        },
        id="reference-to-wrong-object",
    ),
    pytest.param(
        "Case",
        {"OwnerId": "00G000000000099AAA"},
        {
            "errorCode": "INVALID_CROSS_REFERENCE_KEY",
            "message": "invalid cross reference id",
            "fields": ["OwnerId"],
        },
        id="reference-to-missing-record",
    ),
    pytest.param(
        "Contact",
        {"LastName": "x", "Email": "not-an-address"},
        {
            "errorCode": "INVALID_EMAIL_ADDRESS",
            "message": "Email: invalid email address: not-an-address",
            "fields": ["Email"],
        },
        id="email",
    ),
    pytest.param(
        "Refund__c",
        {"Amount__c": 1e15},
        {
            "errorCode": "NUMBER_OUTSIDE_VALID_RANGE",
            "message": "Amount: value outside of valid range on numeric field: 1000000000000000.0",
            "fields": ["Amount__c"],
        },
        id="number-range",
    ),
    pytest.param(
        "Account",
        {"Name": "Copycat", "External_Id__c": "acme-001"},
        {
            "errorCode": "DUPLICATE_VALUE",
            "message": "duplicate value found: External_Id__c duplicates value on record with id: "
            f"{ACME_ACCOUNT_ID}",
            "fields": ["External_Id__c"],
        },
        id="unique-case-insensitive",
    ),
    pytest.param(
        "Refund__c",
        {"Amount__c": "ten"},
        {
            "errorCode": "JSON_PARSER_ERROR",
            "message": "Cannot deserialize instance of double from VALUE_STRING value ten or "
            "request may be missing a required field",
        },
        id="string-into-number",
    ),
    pytest.param(
        "Refund__c",
        {"Amount__c": "2_000"},
        {
            "errorCode": "JSON_PARSER_ERROR",
            "message": "Cannot deserialize instance of double from VALUE_STRING value 2_000 or "
            "request may be missing a required field",
        },
        id="digit-separators-into-number",
    ),
    pytest.param(
        "Task",
        {"ActivityDate": "2026-02-30"},
        {
            "errorCode": "JSON_PARSER_ERROR",
            "message": "Cannot deserialize instance of date from VALUE_STRING value 2026-02-30 or "
            "request may be missing a required field",
        },
        id="bad-date",
    ),
    pytest.param(
        "Case",
        ["Subject"],
        {
            "errorCode": "JSON_PARSER_ERROR",
            "message": "Cannot deserialize instance of Case from START_ARRAY value [ or request "
            "may be missing a required field",
        },
        id="body-not-an-object",
    ),
]


@pytest.mark.parametrize(("sobject", "body", "error"), CREATE_ERRORS)
async def test_create_errors(
    sf: Api, store: SandboxStore, sobject: str, body: Any, error: dict[str, Any]
) -> None:
    before = store.count(sobject)

    status, answer = await sf.post(f"/sobjects/{sobject}", body)

    assert (status, answer) == (400, [error])
    assert store.count(sobject) == before


async def test_malformed_json_is_a_parser_error(sf: Api) -> None:
    status, body = await sf.call("POST", "/sobjects/Case", raw=b'{"Subject": ')

    assert status == 400
    assert body[0]["errorCode"] == "JSON_PARSER_ERROR"
    assert "line:1" in body[0]["message"]


async def test_an_empty_body_is_a_parser_error(sf: Api) -> None:
    status, body = await sf.call("PATCH", f"/sobjects/Case/{ACME_CASE_ID}", raw=b"")

    assert status == 400
    assert body == [
        {
            "errorCode": "JSON_PARSER_ERROR",
            "message": "The HTTP entity body is required, but this request has no entity body.",
        }
    ]


async def test_clearing_a_required_field_on_update_is_required_field_missing(sf: Api) -> None:
    status, body = await sf.patch(f"/sobjects/Contact/{ACME_CONTACT_ID}", {"LastName": None})

    assert status == 400
    assert body[0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert body[0]["fields"] == ["LastName"]


async def test_a_create_only_field_cannot_be_updated(sf: Api) -> None:
    _, comment = await sf.post("/sobjects/CaseComment", {"ParentId": ACME_CASE_ID})

    status, body = await sf.patch(
        f"/sobjects/CaseComment/{comment['id']}", {"ParentId": ACME_CASE_ID}
    )

    assert status == 400
    assert body[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"


async def test_a_reference_to_a_deleted_record_is_entity_is_deleted(sf: Api) -> None:
    _, account = await sf.post("/sobjects/Account", {"Name": "Short-lived"})
    await sf.delete(f"/sobjects/Account/{account['id']}")

    status, body = await sf.post("/sobjects/Case", {"AccountId": account["id"]})

    assert (status, body[0]["errorCode"], body[0]["fields"]) == (
        400,
        "ENTITY_IS_DELETED",
        ["AccountId"],
    )


async def test_values_are_coerced_and_normalised_as_salesforce_saves_them(
    sf: Api, store: SandboxStore
) -> None:
    status, body = await sf.post(
        "/sobjects/Refund__c",
        {"amount__c": "12.345", "Case__c": ACME_CASE_ID[:15], "OwnerId": QUEUE_IDS["Billing"]},
    )
    assert status == 201
    refund = store.get("Refund__c", body["id"])
    assert refund is not None
    assert refund["Amount__c"] == 12.35  # half up to the field's scale
    assert refund["Case__c"] == ACME_CASE_ID  # 15-character id saved as 18
    assert refund["Name"] == "RF-001001"

    status, body = await sf.post(
        "/sobjects/Task", {"CallDurationInSeconds": "90", "ActivityDate": "2026-03-01"}
    )
    assert status == 201
    task = store.get("Task", body["id"])
    assert task is not None
    assert (task["CallDurationInSeconds"], task["ActivityDate"]) == (90, "2026-03-01")


async def test_an_unrestricted_picklist_saves_any_value(sf: Api, store: SandboxStore) -> None:
    status, body = await sf.post("/sobjects/Case", {"Type": "Something Else"})

    assert status == 201
    saved = store.get("Case", body["id"])
    assert saved is not None
    assert saved["Type"] == "Something Else"


@pytest.mark.parametrize("sent", ["problem", "PROBLEM", "pRoBlEm"])
async def test_an_unrestricted_picklist_saves_its_own_value_sent_in_another_case(
    sf: Api, store: SandboxStore, sent: str
) -> None:
    """Salesforce compares picklist values without case: one of the picklist's values in
    another case is saved as the picklist spells it (Knowledge Article 000386557)."""
    status, body = await sf.post("/sobjects/Case", {"Type": sent})
    assert status == 201
    saved = store.get("Case", body["id"])
    assert saved is not None
    assert saved["Type"] == "Problem"
    status, _ = await sf.patch(f"/sobjects/Case/{body['id']}", {"Type": "feature request"})
    assert status == 204
    saved = store.get("Case", body["id"])
    assert saved is not None
    assert saved["Type"] == "Feature Request"
