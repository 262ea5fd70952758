import json
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict

from guardrail.crm import sfid
from guardrail.crm.base import RawRequest, Shape
from guardrail.crm.salesforce import SalesforceDialect
from guardrail.crm.salesforce_post import WRITE
from guardrail.errors import (
    AmbiguousRequest,
    LookupUnresolved,
    MalformedBody,
    UnsupportedEndpoint,
    UnsupportedMediaType,
)
from guardrail.model import Decision, Operation, Saved, Verdict, Violation
from tests.crm.helpers import read

BASE = "/services/data/v59.0"
dialect = SalesforceDialect()


def parse(method: str, path: str, body: Any = None, query: dict[str, str] | None = None) -> Any:
    raw = b"" if body is None else json.dumps(body).encode()
    return read(dialect, method, BASE + path + (f"?{urlencode(query)}" if query else ""), raw)


@pytest.mark.parametrize(
    ("method", "path", "body", "operation", "record_id", "external"),
    [
        ("POST", "/sobjects/Case", {"Subject": "x"}, Operation.CREATE, None, None),
        ("POST", "/sobjects/Case/", {"Subject": "x"}, Operation.CREATE, None, None),
        ("PATCH", "/sobjects/Case/500000000000001AAA", {"Status": "New"}, Operation.UPDATE,
         "500000000000001AAA", None),
        ("DELETE", "/sobjects/Case/500000000000001AAA", None, Operation.DELETE,
         "500000000000001AAA", None),
        ("PATCH", "/sobjects/Account/External_Id__c/A-1", {"Name": "Acme"}, Operation.UPSERT,
         None, ("External_Id__c", "A-1")),
        ("DELETE", "/sobjects/Account/External_Id__c/A-1", None, Operation.DELETE, None,
         ("External_Id__c", "A-1")),
    ],
)  # fmt: skip
def test_single_record_writes(
    method: str,
    path: str,
    body: Any,
    operation: Operation,
    record_id: str | None,
    external: tuple[str, str] | None,
) -> None:
    parsed = parse(method, path, body)
    assert parsed.shape is Shape.SINGLE
    [intent] = parsed.intents
    assert intent.operation is operation
    assert intent.object == path.split("/")[2]
    assert intent.record_id == record_id
    assert (intent.external_id_field, intent.external_id) == (external or (None, None))
    assert dict(intent.fields) == (body or {})


def test_any_api_version_and_the_attributes_key_is_not_a_field() -> None:
    parsed = read(
        dialect,
        "POST",
        "/services/data/v62.0/sobjects/Case",
        b'{"attributes": {"type": "Case"}, "Subject": "x"}',
        "application/json; charset=UTF-8",
    )
    assert dict(parsed.intents[0].fields) == {"Subject": "x"}


def test_reads_and_oauth_are_not_writes() -> None:
    one = parse("GET", "/sobjects/Case/500000000000001AAA")
    assert (one.shape, one.sobject, one.intents) == (Shape.READ, "Case", ())
    assert parse("GET", "/query", query={"q": "SELECT Id FROM Case"}).shape is Shape.READ
    assert read(dialect, "POST", "/services/oauth2/token", b"", "").shape is Shape.READ


def test_http_method_override_is_read_as_the_method_it_names() -> None:
    parsed = parse(
        "POST", "/sobjects/Case/500000000000001AAA", {"Status": "x"}, {"_HttpMethod": "PATCH"}
    )
    assert parsed.intents[0].operation is Operation.UPDATE


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/services/apexrest/refund"),
        ("POST", f"{BASE}/composite/tree/Account"),
        ("PATCH", f"{BASE}/sobjects/Case/500000000000001AAA/CaseComments"),
        ("POST", f"{BASE}/sobjects/Case/500000000000001AAA"),
        ("PUT", f"{BASE}/sobjects/Case/500000000000001AAA"),
    ],
)
def test_unknown_writes_are_refused_by_default_and_forwarded_when_configured(
    method: str, path: str
) -> None:
    with pytest.raises(UnsupportedEndpoint, match="does not know how to check"):
        read(dialect, method, path, b"{}", "application/json")
    lenient = SalesforceDialect(forward_unknown_writes=True)
    assert read(lenient, method, path, b"{}", "application/json").shape is Shape.READ
    # Inside a composite it would pass for a read, not be audited as unjudged: refused.
    sub = {"method": method, "url": path, "referenceId": "x", "body": {}}
    composite = json.dumps({"compositeRequest": [sub]}).encode()
    with pytest.raises(UnsupportedEndpoint, match="Subrequest x"):
        read(lenient, "POST", f"{BASE}/composite", composite, "application/json")


@pytest.mark.parametrize(
    ("method", "path", "instead"),
    [
        ("POST", f"{BASE}/ui-api/records", "POST /sobjects/{Object}"),
        ("PATCH", f"{BASE}/UI-API/records/500000000000001AAA", "PATCH or DELETE /sobjects"),
        ("POST", f"{BASE}/actions/standard/convertLead", "leave the action to a person"),
        ("POST", f"{BASE}/actions/custom/flow/Refund_Flow", "leave the action to a person"),
        ("POST", f"{BASE}/process/approvals", "leave them to a person"),
        ("POST", "/services/apexrest/refunds", "Apex REST runs the org's own code"),
        ("POST", f"{BASE}/tooling/sobjects/ApexClass", "no call to make there"),
        ("POST", f"{BASE}/chatter/feed-elements", "as a CaseComment"),
        ("POST", f"{BASE}/connect/communities/x/chatter/feed-elements", "as a CaseComment"),
        ("POST", f"{BASE}/graphql", "GET /query?q=SELECT"),
        ("POST", "/services/Soap/u/59.0", "use the REST sObject endpoints"),
        ("POST", f"{BASE}/composite/graph", "one /composite request"),
        ("POST", f"{BASE}/composite/tree/Account", "one /composite request"),
        ("POST", f"{BASE}/sobjects/Case/500000000000001AAA/quickActions", "PATCH or DELETE"),
        ("POST", f"{BASE}/something/new", "Use the sObject, sObject Collections or Composite"),
    ],
)
def test_an_endpoint_crm_guardrail_does_not_judge_is_refused_saying_what_to_send_instead(
    method: str, path: str, instead: str
) -> None:
    with pytest.raises(UnsupportedEndpoint) as refused:
        read(dialect, method, path, b"{}", "application/json")
    assert refused.value.status == 400
    assert instead in refused.value.message


def test_bad_bodies() -> None:
    with pytest.raises(MalformedBody, match="not valid JSON"):
        read(dialect, "POST", f"{BASE}/sobjects/Case", b"{oops", "application/json")
    with pytest.raises(UnsupportedMediaType, match="application/json"):
        read(dialect, "POST", f"{BASE}/sobjects/Case", b"<Case/>", "application/xml")
    with pytest.raises(MalformedBody, match="JSON object"):
        parse("POST", "/sobjects/Case", ["Subject"])
    with pytest.raises(MalformedBody, match="needs a JSON body"):
        parse("POST", "/sobjects/Case")


def test_collections() -> None:
    records = [
        {"attributes": {"type": "Case"}, "Subject": "a"},
        {"attributes": {"type": "Task"}, "Subject": "b"},
    ]
    parsed = parse("POST", "/composite/sobjects", {"allOrNone": True, "records": records})
    assert parsed.shape is Shape.COLLECTION
    assert [(i.object, i.ref) for i in parsed.intents] == [
        ("Case", "records[0]"),
        ("Task", "records[1]"),
    ]
    assert parsed.all_or_none

    update = parse(
        "PATCH",
        "/composite/sobjects",
        {
            "records": [
                {"attributes": {"type": "Case"}, "id": "500000000000001AAA", "Status": "New"}
            ]
        },
    )
    assert update.intents[0].record_id == "500000000000001AAA"
    assert dict(update.intents[0].fields) == {"Status": "New"}
    assert not update.all_or_none

    upsert = parse(
        "PATCH",
        "/composite/sobjects/Account/External_Id__c",
        {"records": [{"attributes": {"type": "Account"}, "External_Id__c": "A-1", "Name": "x"}]},
    )
    assert upsert.intents[0].operation is Operation.UPSERT
    assert upsert.intents[0].external_id == "A-1"

    delete = parse(
        "DELETE", "/composite/sobjects", query={"ids": "500000000000001AAA,003000000000001AAA"}
    )
    assert [i.record_id for i in delete.intents] == ["500000000000001AAA", "003000000000001AAA"]
    assert all(i.object == "" for i in delete.intents)  # named by the pipeline, from the prefix

    with pytest.raises(MalformedBody, match=r"attributes\.type"):
        parse("POST", "/composite/sobjects", {"records": [{"Subject": "a"}]})
    with pytest.raises(MalformedBody, match="has no 'id'"):
        parse("PATCH", "/composite/sobjects", {"records": [{"attributes": {"type": "Case"}}]})


def test_composite_subrequests_and_references() -> None:
    body = {
        "allOrNone": True,
        "compositeRequest": [
            {
                "method": "POST",
                "url": f"{BASE}/sobjects/Account",
                "referenceId": "acct",
                "body": {"Name": "Acme"},
            },
            {
                "method": "GET",
                "url": f"{BASE}/sobjects/Account/@{{acct.id}}",
                "referenceId": "read",
            },
            {
                "method": "POST",
                "url": f"{BASE}/sobjects/Case",
                "referenceId": "case",
                "body": {"Subject": "x", "AccountId": "@{acct.id}"},
            },
        ],
    }
    parsed = parse("POST", "/composite", body)
    assert parsed.shape is Shape.COMPOSITE
    assert [p.ref for p in parsed.parts] == ["acct", "read", "case"]
    assert [len(p.intents) for p in parsed.parts] == [1, 0, 1]
    case = parsed.intents[1]
    assert dict(case.references) == {"AccountId": "Account"}
    # A value a GET subrequest read is filled in by the CRM, unjudged: refused.
    body["compositeRequest"][2]["body"]["ContactId"] = "@{read.Id}"  # type: ignore[index]
    with pytest.raises(LookupUnresolved, match="Subrequest case"):
        parse("POST", "/composite", body)

    with pytest.raises(UnsupportedEndpoint, match="Subrequest x"):
        parse(
            "POST",
            "/composite",
            {
                "compositeRequest": [
                    {"method": "POST", "url": "/services/apexrest/a", "referenceId": "x"}
                ]
            },
        )


def _decision(violations: tuple[Violation, ...], n: int) -> Decision:
    return Decision("d-1", Verdict.BLOCK, "salesforce", (), violations, "v1")


def test_single_record_block_is_a_400_list_of_salesforce_errors() -> None:
    parsed = parse("POST", "/sobjects/Case", {"Status": "Open"})
    violation = Violation(
        "case-fields", "ParameterValidation.enum", "Status bad", ("Status",), intent=0
    )
    reply = dialect.render_block(parsed, _decision((violation,), 1))
    assert reply.status == 400
    [error] = json.loads(reply.body)
    assert error["errorCode"] == "GUARDRAIL_PARAMETER_INVALID"
    assert error["fields"] == ["Status"]
    assert "case-fields/ParameterValidation.enum" in error["message"]


def test_collection_block_reports_per_record_like_salesforce() -> None:
    records = [{"attributes": {"type": "Case"}, "Subject": "a"}] * 2
    for all_or_none in (True, False):
        parsed = parse(
            "POST", "/composite/sobjects", {"allOrNone": all_or_none, "records": records}
        )
        bad = Violation("p", "r", "bad subject", ("Subject",), intent=1)
        reply = dialect.render_block(parsed, _decision((bad,), 2))
        assert reply.status == 200
        first, second = json.loads(reply.body)
        assert first["success"] is False
        assert second["success"] is False
        assert second["errors"][0]["statusCode"] == "GUARDRAIL_PARAMETER_INVALID"
        expected = "ALL_OR_NONE_OPERATION_ROLLED_BACK"
        assert first["errors"][0]["statusCode"] == expected


def test_composite_block_refuses_whole_with_per_subrequest_reasons() -> None:
    body = {
        "compositeRequest": [
            {"method": "POST", "url": f"{BASE}/sobjects/Case", "referenceId": "a", "body": {}},
            {"method": "POST", "url": f"{BASE}/sobjects/Case", "referenceId": "b", "body": {}},
        ]
    }
    parsed = parse("POST", "/composite", body)
    bad = Violation("p", "r", "bad", intent=1)
    reply = dialect.render_block(parsed, _decision((bad,), 2))
    result = json.loads(reply.body)["compositeResponse"]
    assert [r["referenceId"] for r in result] == ["a", "b"]
    assert [r["httpStatusCode"] for r in result] == [400, 400]
    assert result[0]["body"][0]["errorCode"] == "PROCESSING_HALTED"
    assert result[1]["body"][0]["errorCode"] == "GUARDRAIL_PARAMETER_INVALID"


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/sobjects/Account/../Case",
        f"{BASE}/sobjects/./Case",
        f"{BASE}/sobjects/Case/500000000000001AAA/..",
    ],
)
def test_dot_segments_in_a_write_path_are_refused(path: str) -> None:
    with pytest.raises(AmbiguousRequest):
        read(dialect, "PATCH", path, b"{}", "application/json")


def test_a_write_answered_in_xml_is_refused_as_its_record_would_go_unaccounted() -> None:
    """Salesforce answers in XML when Accept asks for it: the proxy could not read which
    record a create made."""
    with pytest.raises(AmbiguousRequest, match="Accept"):
        read(dialect, "POST", f"{BASE}/sobjects/Case", b'{"Subject": "x"}', "application/json",
             headers={"Accept": "application/xml"})  # fmt: skip
    parsed = read(dialect, "GET", f"{BASE}/sobjects/Case/500000000000001AAA", content_type="",
                  headers={"Accept": "application/xml"})  # fmt: skip
    assert parsed.shape is Shape.READ


def test_an_upsert_by_id_naming_no_record_is_read_as_the_create_it_makes() -> None:
    """Left an upsert, a create-only policy (duplicate detection, say) would never meet it."""
    records = [
        {"attributes": {"type": "Case"}, "Subject": "New"},
        {"attributes": {"type": "Case"}, "Id": "500000000000001AAA", "Subject": "Named"},
    ]
    parsed = parse("PATCH", "/composite/sobjects/Case/Id", {"records": records})
    made, named = parsed.intents
    assert (made.operation, made.external_id_field, made.record_id) == (
        Operation.CREATE,
        None,
        None,
    )
    assert (named.operation, named.record_id) == (Operation.UPSERT, "500000000000001AAA")


@pytest.mark.parametrize(
    "name", ["\u017fubject", "Prior\u0131ty", " Priority", "Priority\n", "Sub-ject", "1Subject"]
)
def test_a_key_that_is_no_field_name_is_refused(name: str) -> None:
    """A CRM comparing names loosely (Java's equalsIgnoreCase takes the long s for an s, the
    dotless i for an i) could read it as the field a rule is written for."""
    with pytest.raises(MalformedBody, match="not a field name"):
        parse("PATCH", "/sobjects/Case/500000000000001AAA", {name: "High"})


def test_ids_and_versions_are_read_in_ascii_without_a_trailing_newline() -> None:
    assert not sfid.is_id("500000000000001AAA\n")
    with pytest.raises(UnsupportedEndpoint):
        read(
            dialect, "PATCH", "/services/data/v\u0665\u0669.0/sobjects/Case/x", b'{"Subject": "x"}'
        )


def test_a_collection_create_naming_a_record_is_refused() -> None:
    """Judged as a create, its id met no rule on the record it names."""
    record = {"attributes": {"type": "Case"}, "id": "500000000000001AAA", "Subject": "x"}
    with pytest.raises(MalformedBody, match="a create names none"):
        parse("POST", "/composite/sobjects", {"records": [record]})


def test_an_aggregate_querys_rows_are_no_records_read() -> None:
    """Its columns are aliases the query chose (``MAX(AccountId) AccountId`` grouped by a
    contact's id as ``Id``): they say nothing of a record's own fields, so whose a record is
    must not be read from them."""
    rows = [
        {"attributes": {"type": "AggregateResult"}, "Id": "003000000000002AAA",
         "AccountId": "001000000000001AAA"},
        {"attributes": {"type": "Contact", "url": f"{URL}/003000000000001AAA"},
         "Id": "003000000000001AAA", "AccountId": "001000000000001AAA"},
    ]  # fmt: skip
    body = json.dumps({"totalSize": 2, "done": True, "records": rows}).encode()
    assert [r.id for r in dialect.read_records(200, body)] == ["003000000000001AAA"]


URL = "/services/data/v59.0/sobjects/Contact"


def test_a_row_whose_id_is_not_the_record_it_names_is_no_record_read() -> None:
    """A column shown under Id (an alias) is not the record's id: the row's url says which
    record it is, and a row naming another record than its Id grounds neither."""
    rows = [
        {"attributes": {"type": "Contact", "url": f"{URL}/003000000000001AAA"},
         "Id": "003000000000002AAA", "AccountId": "001000000000001AAA"},
        {"attributes": {"type": "Contact", "url": f"{URL}/003000000000003AAA"},
         "Id": "not an id", "AccountId": "001000000000001AAA"},
        {"attributes": {"type": "Contact", "url": f"{URL}/003000000000004AAA"},
         "Id": "003000000000004", "AccountId": "001000000000001AAA"},
    ]  # fmt: skip
    body = json.dumps({"totalSize": 3, "done": True, "records": rows}).encode()
    assert [r.id for r in dialect.read_records(200, body)] == ["003000000000004"]


CASE_ID = "500000000000009AAA"
UPSERT = "/sobjects/Case/External_Id__c/C-9"
CONTACT_ID = "003000000000009AAA"


@pytest.mark.parametrize(
    ("status", "answer", "saved"),
    [
        (201, {"id": CASE_ID, "success": True, "errors": [], "created": True},
         Saved(CASE_ID, True)),
        (200, {"id": CASE_ID, "success": True, "errors": [], "created": False},
         Saved(CASE_ID, False)),
        (201, {"id": CASE_ID, "success": True, "errors": []}, Saved(CASE_ID, True)),  # < 46.0
        (204, None, Saved(None, False)),  # an update before API 46.0: no body
        (400, [{"errorCode": "REQUIRED_FIELD_MISSING", "message": "x"}], Saved()),
    ],
)  # fmt: skip
def test_an_upserts_answer_says_whether_the_record_was_created_or_updated(
    status: int, answer: Any, saved: Saved
) -> None:
    parsed = parse("PATCH", UPSERT, {"Subject": "x"})
    body = b"" if answer is None else json.dumps(answer).encode()
    assert dialect.saved(parsed, status, body) == (saved,)


def test_collection_and_composite_answers_say_per_record_whether_it_was_created() -> None:
    records = [{"attributes": {"type": "Case"}, "External_Id__c": f"C-{n}"} for n in (1, 2, 3)]
    collection = parse("PATCH", "/composite/sobjects/Case/External_Id__c",
                       {"allOrNone": False, "records": records})  # fmt: skip
    rows = [
        {"id": CASE_ID, "success": True, "errors": [], "created": False},
        {"id": "500000000000008AAA", "success": True, "errors": [], "created": True},
        {"success": False, "errors": [{"statusCode": "X", "message": "x"}], "created": False},
    ]
    assert dialect.saved(collection, 200, json.dumps(rows).encode()) == (
        Saved(CASE_ID, False), Saved("500000000000008AAA", True), Saved(),
    )  # fmt: skip
    composite = parse("POST", "/composite", {"collateSubrequests": False, "compositeRequest": [
        {"method": "PATCH", "url": BASE + UPSERT, "referenceId": "first", "body": {"Subject": "x"}},
        {"method": "PATCH", "url": f"{BASE}/sobjects/Contact/External_Id__c/P-9",
         "referenceId": "again", "body": {"LastName": "Doe"}},
        {"method": "PATCH", "url": f"{BASE}/sobjects/Case/{CASE_ID}", "referenceId": "byId",
         "body": {"Priority": "Low"}},
    ]})  # fmt: skip
    answer = {"compositeResponse": [
        {"referenceId": "first", "httpStatusCode": 201, "httpHeaders": {},
         "body": {"id": CASE_ID, "success": True, "errors": [], "created": True}},
        {"referenceId": "again", "httpStatusCode": 200, "httpHeaders": {},
         "body": {"id": CONTACT_ID, "success": True, "errors": [], "created": False}},
        {"referenceId": "byId", "httpStatusCode": 204, "httpHeaders": {}, "body": None},
    ]}  # fmt: skip
    assert dialect.saved(composite, 200, json.dumps(answer).encode()) == (
        Saved(CASE_ID, True), Saved(CONTACT_ID, False), Saved(CASE_ID, False),
    )  # fmt: skip


#: Headers that change what Salesforce does with a write, each with a value it documents.
BEHAVIOUR = {"Sforce-Auto-Assign": "FALSE", "Sforce-Duplicate-Rule-Header": "allowSave=true",
             "Sforce-Mru": "updateMru=false"}  # fmt: skip


@given(
    names=st.sets(st.sampled_from(sorted(BEHAVIOUR))),
    spelling=st.sampled_from([str, str.lower, str.upper]),
    conditional=st.booleans(),
    update=st.booleans(),
)
def test_a_write_read_back_in_a_composite_carries_the_headers_that_change_what_the_crm_does(
    names: set[str], spelling: Any, conditional: bool, update: bool
) -> None:
    """Salesforce gives a composite's subrequest none of the composite's headers but Accept,
    Authorization and Content-Type, and takes any other the resource takes in its
    httpHeaders: a write wrapped with its read-back keeps its assignment-rule, duplicate-rule
    and MRU headers (and its conditions), so the CRM makes the write that was judged."""
    headers = {spelling(name): BEHAVIOUR[name] for name in names}
    sent = {**headers, **({"If-Match": '"v1"'} if conditional else {})}
    target = f"{BASE}/sobjects/Case" + ("/500000000000001AAA" if update else "")
    request = dialect.canonical(RawRequest("PATCH" if update else "POST", target,
                                           CIMultiDict({"Content-Type": "application/json",
                                                        **sent}), b'{"Subject": "Router"}'))  # fmt: skip
    [intent] = dialect.parse(request).intents
    outbound = dialect.write_and_read(intent, request, ["Subject"], before=update)
    assert outbound is not None
    [write] = [s for s in json.loads(outbound.body)["compositeRequest"]
               if s["referenceId"] == WRITE]  # fmt: skip
    carried = {k.lower(): v for k, v in write.get("httpHeaders", {}).items()}
    assert carried == {k.lower(): v for k, v in sent.items()}


#: Header names the canonical reading looks at, in several spellings, and some it does not.
HEADER_NAMES = ["Authorization", "authorization", "X-SFDC-Session", "x_sfdc_session",
                "Sforce-Auto-Assign", "sforce_auto_assign", "Sforce-Mru", "X-Sfdc-Anything",
                "X-HTTP-Method-Override", "x_http_method", "Accept", "accept",
                "X-No-Response-Body", "x_no_response_body", "If-Match", "if-unmodified-since",
                "X-Forwarded-Host", "Forwarded", "x_original_url", "User-Agent", "X-Other"]  # fmt: skip
HEADER_VALUES = ["Bearer t", "FALSE", "TRUE", "updateMru=false", "*/*", "application/xml",
                 "false", "true", '"v1"', "", "x"]  # fmt: skip


def _refusal_or(read: Any) -> Any:
    try:
        return read()
    except (AmbiguousRequest, MalformedBody) as exc:
        return type(exc), str(exc)


@given(
    sent=st.lists(
        st.tuples(st.sampled_from(HEADER_NAMES), st.sampled_from(HEADER_VALUES)), max_size=6
    )
)
def test_what_a_requests_header_names_decide_is_what_reading_every_header_decides(
    sent: list[tuple[str, str]],
) -> None:
    """The canonical reading decides what the names alone decide once per list of names; it
    answers (and refuses) exactly as reading every header of every request does."""
    from guardrail.crm import salesforce

    headers = CIMultiDict([*sent, ("Content-Type", "application/json")])
    raw = RawRequest("PATCH", f"{BASE}/sobjects/Case/500000000000001AAA", headers, b"{}")

    def every_header() -> Any:
        salesforce._check_header_names(headers)
        salesforce.refuse_unreadable_answers(headers.items(), "Salesforce")
        behaviour = salesforce.behaviour_headers(headers.items())
        dropped = salesforce.dropped_headers(headers, [])
        return behaviour, dropped, salesforce._conditions(headers)

    def canonical() -> Any:
        request = dialect.canonical(raw)
        return dict(request.headers), request.drop_headers, dict(request.conditions)

    expected = _refusal_or(every_header)
    assert _refusal_or(canonical) == expected
    assert _refusal_or(canonical) == expected  # and again, its names' reading kept


def test_a_create_the_crm_took_without_naming_its_record_is_unnamed_not_skipped() -> None:
    """A create Salesforce answered as a success naming no record (a collection row, a
    composite subrequest or a row create without an id) saved a record the read-back cannot
    find: its read-back fails (Saved.unnamed), as a Zendesk job's tickets' do, rather than
    being skipped; an update answering no id is the record it named."""
    records = [{"attributes": {"type": "Case"}, "Subject": "x"},
               {"attributes": {"type": "Case"}, "Id": CASE_ID, "Subject": "y"}]  # fmt: skip
    collection = parse("POST", "/composite/sobjects", {"allOrNone": True, "records": records[:1]})
    update = parse("PATCH", "/composite/sobjects", {"allOrNone": True, "records": records[1:]})
    row = {"success": True, "errors": []}
    assert dialect.saved(collection, 200, json.dumps([row]).encode()) == (
        Saved(None, None, unnamed=True),
    )
    assert dialect.saved(update, 200, json.dumps([row]).encode()) == (Saved(CASE_ID),)
    single = parse("POST", "/sobjects/Case", {"Subject": "x"})
    assert dialect.saved(single, 201, json.dumps(row).encode()) == (
        Saved(None, True, unnamed=True),
    )
    composite = parse("POST", "/composite", {"compositeRequest": [
        {"method": "POST", "url": f"{BASE}/sobjects/Case", "referenceId": "new",
         "body": {"Subject": "x"}}]})  # fmt: skip
    answer = {"compositeResponse": [{"referenceId": "new", "httpStatusCode": 201,
                                     "httpHeaders": {}, "body": row}]}  # fmt: skip
    assert dialect.saved(composite, 200, json.dumps(answer).encode()) == (
        Saved(None, True, unnamed=True),
    )


def test_a_collection_answer_without_a_row_for_a_record_leaves_it_unverified_not_skipped() -> None:
    """Salesforce answers a collection with one result per record, in order; an answer with
    fewer rows (or a row of no shape) does not say the missing records were not saved, so they
    are what an answer naming no record is (an update: the record it named, read back; a
    create: unnamed, its read-back fails), not Saved() (refused, their read-back skipped), in a
    collection and in a composite's collection subrequest alike."""
    new = [{"attributes": {"type": "Case"}, "Subject": s} for s in ("x", "y")]
    named = [{"attributes": {"type": "Case"}, "Id": CASE_ID, "Subject": "z"}]
    row = {"id": CASE_ID, "success": True, "errors": []}
    creates = parse("POST", "/composite/sobjects", {"allOrNone": False, "records": new})
    updates = parse("PATCH", "/composite/sobjects", {"allOrNone": False, "records": named})
    for answer in ([row], [row, None], [row, "x"]):
        assert dialect.saved(creates, 200, json.dumps(answer).encode()) == (
            Saved(CASE_ID),
            Saved(None, None, unnamed=True),
        )
    for answer in ([], [None]):
        assert dialect.saved(updates, 200, json.dumps(answer).encode()) == (Saved(CASE_ID),)
    refused = {"success": False, "errors": [{"statusCode": "REQUIRED_FIELD_MISSING"}]}
    assert dialect.saved(creates, 200, json.dumps([row, refused]).encode()) == (
        Saved(CASE_ID),
        Saved(),
    )
    composite = parse("POST", "/composite", {"compositeRequest": [
        {"method": "POST", "url": f"{BASE}/composite/sobjects", "referenceId": "many",
         "body": {"allOrNone": False, "records": new}}]})  # fmt: skip
    answer = {"compositeResponse": [{"referenceId": "many", "httpStatusCode": 200,
                                     "httpHeaders": {}, "body": [row]}]}  # fmt: skip
    assert dialect.saved(composite, 200, json.dumps(answer).encode()) == (
        Saved(CASE_ID),
        Saved(None, None, unnamed=True),
    )
