"""SOQL over REST: the supported subset, and Salesforce's errors for the rest."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID, ACME_CONTACT_ID, GLOBEX_CONTACT_ID
from guardrail.sandbox.store import SandboxStore
from tests.sandbox.helpers import BASE, Api


async def query(sf: Api, soql: str, resource: str = "/query") -> tuple[int, Any]:
    return await sf.get(f"{resource}?q={quote(soql)}")


async def test_select_returns_the_fields_asked_for(sf: Api) -> None:
    status, body = await query(sf, "SELECT Id, LastName FROM Contact")

    assert status == 200
    assert body == {
        "totalSize": 2,
        "done": True,
        "records": [
            {
                "attributes": {"type": "Contact", "url": f"{BASE}/sobjects/Contact/{cid}"},
                "Id": cid,
                "LastName": name,
            }
            for cid, name in ((ACME_CONTACT_ID, "Doe"), (GLOBEX_CONTACT_ID, "Scorpio"))
        ],
    }


@pytest.mark.parametrize(
    ("soql", "expected"),
    [
        ("select id from contact where lastname = 'DOE'", [ACME_CONTACT_ID]),
        (f"SELECT Id FROM Contact WHERE AccountId = '{ACME_ACCOUNT_ID[:15]}'", [ACME_CONTACT_ID]),
        ("SELECT Id FROM Contact WHERE LastName != 'Doe'", [GLOBEX_CONTACT_ID]),
        ("SELECT Id FROM Contact WHERE Email != null AND Phone = null", []),
        ("SELECT Id FROM Contact LIMIT 1", [ACME_CONTACT_ID]),
        ("SELECT Id FROM Case WHERE IsClosed = false AND Status = 'New'", [ACME_CASE_ID]),
        (r"SELECT Id FROM Case WHERE Subject = 'It\'s broken'", []),
    ],
)
async def test_where_and_limit(sf: Api, soql: str, expected: list[str]) -> None:
    status, body = await query(sf, soql)

    assert status == 200
    assert [r["Id"] for r in body["records"]] == expected


async def test_numbers_compare_by_value_and_deleted_rows_are_left_out(sf: Api) -> None:
    _, kept = await sf.post("/sobjects/Refund__c", {"Amount__c": 25})
    _, gone = await sf.post("/sobjects/Refund__c", {"Amount__c": 25})
    await sf.delete(f"/sobjects/Refund__c/{gone['id']}")

    status, body = await query(sf, "SELECT Id FROM Refund__c WHERE Amount__c = 25.00", "/query/")

    assert status == 200
    assert [r["Id"] for r in body["records"]] == [kept["id"]]


@pytest.mark.parametrize(
    ("soql", "code"),
    [
        ("SELECT Id FROM Case WHERE", "MALFORMED_QUERY"),
        ("SELECT FROM Case", "MALFORMED_QUERY"),
        ("SELECT Id FROM Case ORDER BY Subject", "MALFORMED_QUERY"),
        ("SELECT Id FROM Case WHERE Subject = 'open", "MALFORMED_QUERY"),
        ("SELECT Id FROM Case LIMIT many", "MALFORMED_QUERY"),
        ("SELECT Mood FROM Case", "INVALID_FIELD"),
        ("SELECT Id FROM Case WHERE Mood = 'x'", "INVALID_FIELD"),
        ("SELECT Id FROM Refund__c WHERE Amount__c = '10'", "INVALID_FIELD"),
        ("SELECT Id FROM Case WHERE Subject = 10", "INVALID_FIELD"),
        ("SELECT Id FROM Opportunity", "INVALID_TYPE"),
    ],
)
async def test_query_errors(sf: Api, soql: str, code: str) -> None:
    status, body = await query(sf, soql)

    assert (status, body[0]["errorCode"]) == (400, code)


async def test_malformed_query_points_at_the_token(sf: Api) -> None:
    _, body = await query(sf, "SELECT Id FROM Case WHERE")

    assert body[0]["message"].endswith("ERROR at Row:1:Column:26\nunexpected token: <EOF>")


async def test_a_missing_query_string_is_malformed(sf: Api) -> None:
    assert await sf.get("/query") == (
        400,
        [{"errorCode": "MALFORMED_QUERY", "message": "A query string has to be specified"}],
    )


@pytest.mark.parametrize(
    ("clause", "field"), [("FOR VIEW", "LastViewedDate"), ("for reference", "LastReferencedDate")]
)
async def test_a_query_for_view_or_reference_stamps_the_records_it_returns(
    sf: Api, store: SandboxStore, clause: str, field: str
) -> None:
    """As Salesforce documents: the same statement both retrieves the records and updates
    their last viewed (referenced) date."""
    store.clear_changes()
    status, body = await query(sf, f"SELECT Id FROM Contact WHERE LastName = 'Doe' {clause}")

    assert status == 200
    assert [r["Id"] for r in body["records"]] == [ACME_CONTACT_ID]
    assert store.get("Contact", ACME_CONTACT_ID)[field] is not None
    assert store.get("Contact", GLOBEX_CONTACT_ID)[field] is None
    assert [(c.sobject, c.record_id, c.kind) for c in store.changes] == [
        ("Contact", ACME_CONTACT_ID, "update")
    ]


async def test_a_clause_written_against_the_number_before_it_still_stamps(
    sf: Api, store: SandboxStore
) -> None:
    """SOQL's lexer ends a number where its digits end, as any lexer does: LIMIT 1FOR VIEW is
    LIMIT 1 and FOR VIEW, so the records it returns are stamped."""
    store.clear_changes()
    status, _ = await query(sf, "SELECT Id FROM Contact WHERE LastName = 'Doe' LIMIT 1FOR VIEW")

    assert status == 200
    assert store.get("Contact", ACME_CONTACT_ID)["LastViewedDate"] is not None


async def test_a_function_shows_what_it_makes_of_a_field_under_the_alias_given(sf: Api) -> None:
    """FORMAT() in the en_US locale and dollars, toLabel() a picklist's label (the value: no
    translations here), convertCurrency() the amount (one currency); each under its alias, or
    the field's name."""
    _, made = await sf.post("/sobjects/Refund__c", {"Amount__c": 1234.5, "Status__c": "Paid"})
    soql = (
        "SELECT Id, FORMAT(Amount__c) Shown, toLabel(Status__c), convertCurrency(Amount__c) Mine "
        f"FROM Refund__c WHERE Id = '{made['id']}'"
    )
    status, body = await query(sf, soql)

    assert status == 200
    [row] = body["records"]
    assert {k: v for k, v in row.items() if k != "attributes"} == {
        "Id": made["id"], "Shown": "$1,234.50", "Status__c": "Paid", "Mine": 1234.5,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("soql", "code", "says"),
    [
        ("SELECT Id, Subject s FROM Case", "MALFORMED_QUERY", "Only aggregate expressions"),
        ("SELECT Id, FORMAT(Subject) FROM Case", "INVALID_FIELD", "cannot be applied"),
        ("SELECT Id, toLabel(Subject) FROM Case", "INVALID_FIELD", "cannot be applied"),
        ("SELECT Id, toLabel(Status) Id FROM Case", "MALFORMED_QUERY", "duplicate field"),
        ("SELECT Status, toLabel(Status) FROM Case", "MALFORMED_QUERY", "duplicate field"),
        ("SELECT Id, FORMAT(CreatedDate FROM Case", "MALFORMED_QUERY", "unexpected token"),
    ],
)
async def test_what_salesforce_refuses_of_functions_and_aliases(
    sf: Api, soql: str, code: str, says: str
) -> None:
    status, body = await query(sf, soql)

    assert status == 400
    assert body[0]["errorCode"] == code
    assert says in body[0]["message"]
