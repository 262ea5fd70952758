"""Which objects a Salesforce read shows (agent token scopes cover reads by them)."""

from __future__ import annotations

import pytest

from guardrail.crm.salesforce import SalesforceDialect

BASE = "/services/data/v59.0"


@pytest.mark.parametrize(
    ("path", "query", "reads"),
    [
        ("/services/data", {}, set()),
        (f"{BASE}/", {}, set()),
        (f"{BASE}/sobjects", {}, set()),
        (f"{BASE}/limits", {}, set()),
        (f"{BASE}/sobjects/Case", {}, {"Case"}),
        (f"{BASE}/sobjects/Case/describe", {}, {"Case"}),
        (f"{BASE}/sobjects/Case/500000000000001AAA", {"fields": "Subject"}, {"Case"}),
        (f"{BASE}/sobjects/Account/External_Id__c/ACME-001", {}, {"Account"}),
        (f"{BASE}/sobjects/Account/001000000000001AAA/Cases", {}, None),
        (f"{BASE}/composite/sobjects/Case", {"ids": "500000000000001AAA"}, {"Case"}),
        (f"{BASE}/query", {"q": "SELECT Id, Subject FROM Case WHERE Status = 'New'"}, {"Case"}),
        (f"{BASE}/queryAll/", {"q": "select id from refund__c"}, {"refund__c"}),
        (f"{BASE}/query", {"q": "SELECT Id FROM Case WHERE Subject = 'a.b FROM Account'"}, {"Case"}),
        (f"{BASE}/query", {"q": "SELECT Account.Name FROM Case"}, None),
        (f"{BASE}/query", {"q": "SELECT Id, (SELECT Id FROM Contacts) FROM Account"}, None),
        (f"{BASE}/query", {"q": "SELECT Id FROM Case WHERE AccountId IN (SELECT Id FROM Account)"}, None),
        (f"{BASE}/query", {"q": "SELECT TYPEOF What WHEN Case THEN Subject END FROM Task"}, None),
        (f"{BASE}/query", {}, None),
        (f"{BASE}/query/01gD0000002HU6KIAW-2000", {}, None),
        (f"{BASE}/search", {"q": "FIND {Acme}"}, None),
        (f"{BASE}/tooling/query", {"q": "SELECT Id FROM ApexClass"}, None),
        ("/services/apexrest/Anything", {}, None),
    ],
)  # fmt: skip
def test_objects_a_read_shows(path: str, query: dict[str, str], reads: set[str] | None) -> None:
    parsed = SalesforceDialect().parse("GET", path, query, "", b"")
    assert parsed.reads == (None if reads is None else frozenset(reads))


def test_writes_show_nothing_but_a_composite_shows_its_reads() -> None:
    dialect = SalesforceDialect()
    single = dialect.parse("POST", f"{BASE}/sobjects/Case", {}, "application/json", b"{}")
    assert single.reads == frozenset()
    body = (
        b'{"compositeRequest": ['
        b'{"method": "GET", "url": "' + BASE.encode() + b'/sobjects/Account/001000000000001AAA",'
        b' "referenceId": "a"},'
        b'{"method": "PATCH", "url": "' + BASE.encode() + b'/sobjects/Case/500000000000001AAA",'
        b' "referenceId": "c", "body": {"Status": "Working"}}]}'
    )
    composite = dialect.parse("POST", f"{BASE}/composite", {}, "application/json", body)
    assert composite.reads == frozenset({"Account"})
    search = body.replace(b"/sobjects/Account/001000000000001AAA", b"/search?q=FIND")
    assert dialect.parse("POST", f"{BASE}/composite", {}, "application/json", search).reads is None
