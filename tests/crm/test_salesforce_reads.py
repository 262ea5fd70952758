"""Which objects a Salesforce read shows (agent token scopes cover reads by them)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guardrail.crm.base import Shape
from guardrail.crm.salesforce import SalesforceDialect
from guardrail.errors import AmbiguousRequest, UnsupportedEndpoint
from tests.crm.helpers import read

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
    ],
)  # fmt: skip
def test_objects_a_read_shows(path: str, query: dict[str, str], reads: set[str] | None) -> None:
    parsed = read(SalesforceDialect(), "GET", path + (f"?{urlencode(query)}" if query else ""))
    assert parsed.reads == (None if reads is None else frozenset(reads))


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/tooling/query?q=SELECT+Id+FROM+ApexClass",
        "/services/apexrest/Anything",
        f"{BASE}/composite/batch",
        f"{BASE}/jobs/unknown",
        "/services/async/59.0/job",
    ],
)
def test_a_get_of_an_endpoint_that_may_write_is_not_taken_for_a_read(path: str) -> None:
    with pytest.raises(UnsupportedEndpoint):
        read(SalesforceDialect(), "GET", path)


def test_writes_show_nothing_but_a_composite_shows_its_reads() -> None:
    dialect = SalesforceDialect()
    single = read(dialect, "POST", f"{BASE}/sobjects/Case", b"{}", "application/json")
    assert single.reads == frozenset()
    body = (
        b'{"compositeRequest": ['
        b'{"method": "GET", "url": "' + BASE.encode() + b'/sobjects/Account/001000000000001AAA",'
        b' "referenceId": "a"},'
        b'{"method": "PATCH", "url": "' + BASE.encode() + b'/sobjects/Case/500000000000001AAA",'
        b' "referenceId": "c", "body": {"Status": "Working"}}]}'
    )
    composite = read(dialect, "POST", f"{BASE}/composite", body, "application/json")
    assert composite.reads == frozenset({"Account"})
    search = body.replace(b"/sobjects/Account/001000000000001AAA", b"/search?q=FIND")
    assert read(dialect, "POST", f"{BASE}/composite", search, "application/json").reads is None


@pytest.mark.parametrize(
    ("path", "records"),
    [
        (f"{BASE}/sobjects/Case/500000000000001AAA?fields=Subject", True),
        (f"{BASE}/sobjects/Account/External_Id__c/ACME-001", True),
        (f"{BASE}/composite/sobjects/Case?ids=500000000000001AAA", True),
        (f"{BASE}/query?q=SELECT+Id+FROM+Case", True),
        (f"{BASE}/queryAll/01gD0000002HU6KIAW-2000", True),
        # a blob field's bytes (a JSON file can look like any record), or a relationship: the
        # path does not say which
        (f"{BASE}/sobjects/Attachment/00P000000000001AAA/Body", False),
        (f"{BASE}/sobjects/Account/001000000000001AAA/Cases", False),
        (f"{BASE}/search?q=FIND+%7BAcme%7D", False),
        (f"{BASE}/parameterizedSearch?q=Acme", False),
        (f"{BASE}/recent", False),
        (f"{BASE}/sobjects/Case", False),
        (f"{BASE}/limits", False),
        ("/services/data", False),
    ],
)
def test_only_an_answer_of_the_crms_records_may_ground_writes(path: str, records: bool) -> None:
    assert read(SalesforceDialect(), "GET", path).shows_records is records


def test_an_endpoint_forwarded_unchecked_grounds_nothing() -> None:
    forwarding = SalesforceDialect(forward_unknown_writes=True)
    assert read(forwarding, "GET", "/services/apexrest/Anything").shows_records is False


@pytest.mark.parametrize("name", ["q", "Q"])
@pytest.mark.parametrize(
    ("resource", "soql"),
    [
        ("query", "SELECT Id FROM Case FOR VIEW"),
        ("queryAll", "SELECT Id, toLabel(Type) Id FROM Case"),
        ("query", "SELECT Id, FORMAT(CreatedDate) FROM Case"),
        ("query", "SELECT Id, (toLabel(Type)) FROM Case"),
        ("search", "FIND {x} RETURNING Case(Id) UPDATE TRACKING"),
        ("query", "SELECT Id FROM Case LIMIT 1FOR VIEW"),
        ("search", "FIND {x} RETURNING Case(Id) LIMIT 5UPDATE TRACKING"),
    ],
)
def test_a_query_is_judged_under_any_spelling_of_its_parameter(
    name: str, resource: str, soql: str
) -> None:
    """A CRM reading parameter names loosely would run a Q the proxy had not read."""
    with pytest.raises(AmbiguousRequest):
        read(SalesforceDialect(), "GET", f"{BASE}/{resource}?{urlencode({name: soql})}")


@pytest.mark.parametrize(
    "soql",
    [
        "SELECT Id, Subject, Account.Name FROM Case WHERE Subject = 'FORMAT(x) y'",
        "select id, (select id from Contacts) from account",
        "SELECT Id, TYPEOF What WHEN Case THEN Subject ELSE Name END FROM Task",
        "SELECT FIELDS(ALL) FROM Case LIMIT 200",
        "SELECT Reason r, COUNT(Id) n FROM Case GROUP BY Reason",
        "SELECT FORMAT(MAX(Amount__c)) m FROM Refund__c",
        "SELECT Id FROM Case WHERE AccountId IN (SELECT Id FROM Account GROUP BY Id)",
    ],
)
def test_a_query_showing_fields_as_the_records_hold_them_is_a_read(soql: str) -> None:
    """Fields, relationships, subqueries, TYPEOF and FIELDS() show what records hold; an
    aggregate query's rows are no records, so its functions and aliases relabel nothing."""
    parsed = read(SalesforceDialect(), "GET", f"{BASE}/query?{urlencode({'q': soql})}")
    assert parsed.shows_records


WRITING_PARAMETERS = st.sampled_from(["updateTracking", "updateViewStat"])
PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x7E)


def spelled(draw: st.DrawFn, name: str) -> str:
    """``name`` in a case spelling drawn letter by letter."""
    return "".join(c.upper() if draw(st.booleans()) else c.lower() for c in name)


@given(data=st.data())
@settings(max_examples=60, deadline=None)
def test_a_search_whose_parameters_make_salesforce_update_what_it_finds_is_refused(
    data: st.DataObject,
) -> None:
    """Parameterized search's updateTracking and updateViewStat ask what SOSL's UPDATE
    TRACKING and UPDATE VIEWSTAT do: Salesforce updates the articles it finds. Set to anything
    but false, in any spelling of the name, in a GET or a composite's GET subrequest, the read
    is a write the proxy cannot judge, so it is refused saying what to send."""
    name = spelled(data.draw, data.draw(WRITING_PARAMETERS))
    value = data.draw(st.sampled_from(["true", "TRUE", "True", "1", "yes", "", " false"])
                      | st.text(PRINTABLE, max_size=5).filter(lambda v: v.lower() != "false"))  # fmt: skip
    target = f"{BASE}/parameterizedSearch?{urlencode({'q': 'Acme', name: value})}"
    sent = ("GET", target, b"")
    if data.draw(st.booleans()):  # a composite's GET subrequest
        sub = {"method": "GET", "url": target, "referenceId": "found"}
        sent = ("POST", f"{BASE}/composite", json.dumps({"compositeRequest": [sub]}).encode())
    with pytest.raises(AmbiguousRequest, match="without update"):
        read(SalesforceDialect(), *sent)


@pytest.mark.parametrize("value", ["false", "FALSE", "False"])
def test_a_search_asking_salesforce_to_update_nothing_is_a_read(value: str) -> None:
    target = f"{BASE}/parameterizedSearch?q=Acme&updateTracking={value}&updateViewStat={value}"
    assert read(SalesforceDialect(), "GET", target).shape is Shape.READ
