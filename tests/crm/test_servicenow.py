"""The ServiceNow dialect reads each request once, the way the instance will execute it."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from guardrail.crm.base import Shape
from guardrail.crm.servicenow import ServiceNowDialect
from guardrail.errors import (
    AmbiguousRequest,
    LookupFailed,
    MalformedBody,
    RecordNotFound,
    RequestRejected,
    UnsupportedEndpoint,
    UnsupportedMediaType,
)
from guardrail.model import Decision, Operation, Saved, Verdict, Violation
from tests.crm.helpers import read

SYS_ID = "0123456789abcdef0123456789abcdef"
dialect = ServiceNowDialect()


def body(value: Any) -> bytes:
    return json.dumps(value).encode()


def item(ref: str, method: str, url: str, payload: Any = None) -> dict[str, Any]:
    found: dict[str, Any] = {"id": ref, "method": method, "url": url,
                             "headers": [{"name": "Content-Type", "value": "application/json"}]}  # fmt: skip
    if payload is not None:
        found["body"] = base64.b64encode(body(payload)).decode()
    return found


@pytest.mark.parametrize("api", ["/api/now/table", "/api/now/v1/table", "/api/now/v2/table"])
def test_table_api_writes_are_read_as_intents(api: str) -> None:
    created = read(dialect, "POST", f"{api}/incident", body({"short_description": "x"}))
    updated = read(dialect, "PUT", f"{api}/incident/{SYS_ID}", body({"state": 2}))
    deleted = read(dialect, "DELETE", f"{api}/incident/{SYS_ID}", content_type="")
    assert created.intents[0].operation is Operation.CREATE
    assert (updated.intents[0].operation, updated.intents[0].record_id) == (
        Operation.UPDATE,
        SYS_ID,
    )
    assert deleted.intents[0].operation is Operation.DELETE


def test_a_write_whose_answer_is_json_passes_whatever_else_it_accepts() -> None:
    for accept in (
        "application/json",
        "*/*",
        "text/plain, application/json;q=0.5",
        "application/*",
        "application/json, application/xml;q=0.5",
    ):
        parsed = read(dialect, "POST", "/api/now/table/incident", body({"x": 1}),
                      headers={"Accept": accept, "X-no-response-body": "false"})  # fmt: skip
        assert parsed.intents


def test_values_are_read_as_the_instance_stores_them() -> None:
    parsed = read(dialect, "PATCH", f"/api/now/table/incident/{SYS_ID}",
                  body({"state": 2, "active": True, "close_notes": None, "impact": 1.0}))  # fmt: skip
    assert parsed.intents[0].fields == {"state": "2", "active": "true", "close_notes": "",
                                        "impact": "1"}  # fmt: skip


def test_a_parameter_that_changes_the_write_rides_on_the_intent() -> None:
    parsed = read(dialect, "POST", "/api/now/table/incident?sysparm_suppress_auto_sys_field=true",
                  body({"short_description": "x"}))  # fmt: skip
    assert parsed.intents[0].headers == {"sysparm_suppress_auto_sys_field": "true"}


def test_reads_record_their_table_and_write_nothing() -> None:
    parsed = read(
        dialect, "GET", "/api/now/table/incident?sysparm_query=active=true", content_type=""
    )
    assert (parsed.shape, parsed.reads) == (Shape.READ, frozenset({"incident"}))


@pytest.mark.parametrize("version", ["", "/v1", "/v2"])
def test_the_import_set_api_is_refused_even_where_unknown_writes_are_forwarded(
    version: str,
) -> None:
    forwarding = ServiceNowDialect(forward_unknown_writes=True)
    with pytest.raises(UnsupportedEndpoint, match="Import Set"):
        read(forwarding, "POST", f"/api/now{version}/import/u_incident_import",
             body({"u_short_description": "x"}))  # fmt: skip


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_a_write_across_domains_says_so_on_its_intent(method: str) -> None:
    payload = body({"state": "2"}) if method == "PATCH" else b""
    parsed = read(dialect, method, f"/api/now/table/incident/{SYS_ID}?sysparm_query_no_domain=true",
                  payload, content_type="application/json" if payload else "")  # fmt: skip
    assert parsed.intents[0].headers == {"sysparm_query_no_domain": "true"}


@pytest.mark.parametrize(
    "url",
    ["/api/now/table/incident?sysparm_query=sys_created_on>javascript:gs.daysAgo(1)",
     "/api/now/table/incident?sysparm_query=active=true^caller_id=JavaScript :gs.getUserID()"],
)  # fmt: skip
def test_a_query_that_runs_script_on_the_instance_is_refused_even_on_a_read(url: str) -> None:
    with pytest.raises(AmbiguousRequest, match="javascript"):
        read(dialect, "GET", url, content_type="")
    batch = {"rest_requests": [item("a", "GET", url)]}
    with pytest.raises(AmbiguousRequest, match="javascript"):
        read(dialect, "POST", "/api/now/v1/batch", body(batch))


@pytest.mark.parametrize(
    "query",
    ["sysparm_fields=number,caller_id.email", "sysparm_query=caller_id.email=a@b.example",
     "sysparm_query=active=true^ORDERBYcaller_id.name"],
)  # fmt: skip
def test_a_read_that_dot_walks_to_another_table_cannot_name_what_it_shows(query: str) -> None:
    parsed = read(dialect, "GET", f"/api/now/table/incident?{query}", content_type="")
    assert parsed.reads is None
    plain = read(dialect, "GET", "/api/now/table/incident?sysparm_query=email=a@b.example",
                 content_type="")  # fmt: skip
    assert plain.reads == frozenset({"incident"})
    if query.startswith("sysparm_fields"):  # a write's answer shows them too
        listed = f"/api/now/table/incident?{query},sys_id"  # a create's answer names its record
        written = read(dialect, "POST", listed, body({"x": 1}))
        assert written.reads is None


def test_each_batch_request_is_read_as_the_request_it_is() -> None:
    parsed = read(dialect, "POST", "/api/now/v1/batch", body({"batch_request_id": 1, "rest_requests": [
        item("a", "POST", "/api/now/table/incident", {"short_description": "x"}),
        item("b", "GET", "/api/now/table/sn_customerservice_case?sysparm_limit=1"),
        item("c", "PATCH", f"/api/now/table/incident/{SYS_ID}?sysparm_display_value=all", {"urgency": "2"}),
    ]}))  # fmt: skip
    assert (parsed.shape, parsed.all_or_none) == (Shape.COLLECTION, False)
    assert [(p.ref, len(p.intents)) for p in parsed.parts] == [("a", 1), ("b", 0), ("c", 1)]
    assert [i.ref for i in parsed.intents] == ["a", "c"]
    assert parsed.reads == frozenset({"incident", "sn_customerservice_case"})


OTHER = "fedcba9876543210fedcba9876543210"
#: Writes the instance is asked about first (the children a parent's move or delete changes,
#: the class of a record written through a base table), and a write before each that may change
#: the answer: the same table's, or a base table's.
ASKED_FIRST = [
    ("PATCH", f"/api/now/table/incident/{SYS_ID}", {"state": "6"}),
    ("DELETE", f"/api/now/table/sn_customerservice_case/{SYS_ID}", None),
    ("PATCH", f"/api/now/table/task/{SYS_ID}", {"short_description": "x"}),
]
BEFORE = {
    "incident": ("PATCH", f"/api/now/table/incident/{OTHER}", {"parent_incident": SYS_ID}),
    "sn_customerservice_case": (
        "POST",
        "/api/now/table/sn_customerservice_case",
        {"parent": SYS_ID},
    ),
    "task": ("PATCH", f"/api/now/table/incident/{OTHER}", {"short_description": "y"}),
}


@pytest.mark.parametrize(
    ("method", "url", "payload"), ASKED_FIRST, ids=["move", "delete", "base-table"]
)
def test_a_batch_write_asked_about_after_a_write_that_may_change_the_answer_is_refused(
    method: str, url: str, payload: Any
) -> None:
    earlier = item("a", *BEFORE[url.split("/")[4]])
    later = item("b", method, url, payload)
    with pytest.raises(AmbiguousRequest, match=r"Batch request b: .* on its own"):
        read(dialect, "POST", "/api/now/v1/batch", body({"rest_requests": [earlier, later]}))
    first = read(dialect, "POST", "/api/now/v1/batch", body({"rest_requests": [later, earlier]}))
    assert [i.ref for i in first.intents] == ["b", "a"]


@pytest.mark.parametrize(
    ("method", "target", "payload", "headers", "error"),
    [
        ("POST", "/api/now/import/u_incident_import", {"u_short_description": "x"}, {}, UnsupportedEndpoint),
        ("POST", "/api/now/table/incident?sysparm_input_display_value=true",
         {"assignment_group": "Billing"}, {}, AmbiguousRequest),
        ("POST", "/api/now/table/incident?SYSPARM_INPUT_DISPLAY_VALUE=True",
         {"assignment_group": "Billing"}, {}, AmbiguousRequest),
        ("POST", "/api/now/table/incident", {"x": 1}, {"X-HTTP-Method-Override": "DELETE"}, AmbiguousRequest),
        ("POST", "/api/now/table/../table/incident", {"x": 1}, {}, AmbiguousRequest),
        ("POST", "/api/now/table/incident?sysparm_fields=a&SYSPARM_FIELDS=b", {"x": 1}, {}, AmbiguousRequest),
        ("PATCH", "/api/now/table/incident/INC0010001", {"state": "2"}, {}, MalformedBody),
        ("POST", "/api/now/table/incident", {"caller_id": {"value": SYS_ID}}, {}, MalformedBody),
        ("POST", "/api/now/table/incident", [{"x": 1}], {}, MalformedBody),
        ("POST", "/api/now/ui/meta/incident", {"x": 1}, {}, UnsupportedEndpoint),
        ("POST", "/api/now/v1/batch", {"rest_requests": [item("a", "POST", "/api/now/v1/batch", {})]}, {},
         UnsupportedEndpoint),
        ("POST", "/api/now/v1/batch", {"rest_requests": [item("a", "POST", "/api/now/import/u_x", {})]}, {},
         UnsupportedEndpoint),
        ("POST", "/api/now/v1/batch", {"rest_requests": [item("a", "GET", "/api/now/table/x"),
                                                         item("a", "GET", "/api/now/table/y")]}, {},
         MalformedBody),
        ("POST", "/api/now/v1/batch", {"rest_requests": [
            {**item("a", "PATCH", f"/api/now/table/incident/{SYS_ID}", {"state": "2"}),
             "headers": [{"name": "X-HTTP-Method-Override", "value": "DELETE"}]}]}, {}, AmbiguousRequest),
        ("POST", "/api/now/v1/batch", {"rest_requests": [
            {**item("a", "PATCH", f"/api/now/table/incident/{SYS_ID}"), "body": "not base64!"}]}, {},
         MalformedBody),
        ("POST", "/api/now/v1/batch", {"rest_requests": [
            {**item("a", "PATCH", f"/api/now/table/incident/{SYS_ID}"),
             "body": base64.b64encode(b'{"state": "2", "state": "7"}').decode()}]}, {}, MalformedBody),
        ("POST", "/api/now/v1/batch", {"rest_requests": [
            {**item("a", "POST", "/api/now/table/incident", {"x": 1}), "headers": []}]}, {},
         UnsupportedMediaType),
        ("PATCH", f"/api/now/table/incident/{SYS_ID}?sysparm_foo=1", {"state": "2"}, {},
         AmbiguousRequest),
        ("POST", "/api/now/table/incident?sysparm_query_no_domain=true", {"x": 1}, {},
         AmbiguousRequest),
        ("PATCH", f"/api/now/table/incident/{SYS_ID}?_method=DELETE", {"state": "2"}, {},
         AmbiguousRequest),
        ("POST", "/api/now/v1/batch", {"rest_requests": [
            item("a", "PATCH", f"/api/now/table/incident/{SYS_ID}?_method=DELETE", {"state": "2"})]},
         {}, AmbiguousRequest),
        ("POST", "/api/now/table/incident", {"x": 1},
         {"Content-Type": "application/json; charset=iso-8859-1"}, UnsupportedMediaType),
        ("POST", "/api/now/table/incident", {"x": 1}, {"X-no-response-body": "true"},
         AmbiguousRequest),
        ("PATCH", f"/api/now/table/incident/{SYS_ID}?sysparm_fields=a#x", {"x": 1}, {},
         AmbiguousRequest),
        ("POST", "/api/now/v1/batch", {"rest_requests": [
            item("a", "PATCH", f"/api/now/table/incident/{SYS_ID}#x", {"state": "2"})]}, {},
         AmbiguousRequest),
        ("PATCH", f"/api/now/table/incident/{SYS_ID}", {"x": 1},
         {"Accept": "application/xml, application/json;q=0"}, AmbiguousRequest),
        ("POST", "/api/now/v1/batch", {"rest_requests": [
            {**item("a", "POST", "/api/now/table/incident", {"x": 1}),
             "headers": [{"name": "Content-Type", "value": "application/json"},
                         {"name": "Accept", "value": "application/xml"}]}]}, {},
         AmbiguousRequest),
    ],
    ids=["import-set", "display-value-input", "display-value-input-spelled", "override-header", "dot-segment", "parameter-twice",
         "not-a-sys-id", "reference-object", "not-an-object", "unknown-endpoint", "nested-batch",
         "import-in-batch", "batch-id-twice", "override-in-batch", "batch-body-not-base64",
         "batch-body-key-twice", "batch-body-not-json", "undocumented-parameter",
         "parameter-of-another-method", "override-parameter", "override-parameter-in-batch",
         "charset-not-utf8", "no-response-body", "fragment", "fragment-in-batch", "xml-answer", "xml-answer-in-batch"],
)  # fmt: skip
def test_requests_the_instance_could_read_otherwise_are_refused(
    method: str, target: str, payload: Any, headers: dict[str, str], error: type[RequestRejected]
) -> None:
    with pytest.raises(error):
        read(dialect, method, target, body(payload), headers=headers)


def test_a_block_is_servicenows_error_naming_the_rule_and_the_field() -> None:
    parsed = read(dialect, "POST", "/api/now/table/incident", body({"category": "x"}))
    violation = Violation("incident-fields", "ParameterValidation.enum", "Use one of: inquiry.",
                          ("category",), intent=0)  # fmt: skip
    decision = Decision("d-1", Verdict.BLOCK, "servicenow", parsed.intents, (violation,), "v1")
    reply = dialect.render_block(parsed, decision)
    answer = json.loads(reply.body)
    assert reply.status == 400
    assert answer["status"] == "failure"
    assert answer["error"]["message"] == (
        "Blocked by crm-guardrail (incident-fields/ParameterValidation.enum): Use one of: inquiry."
    )
    assert "Fields: category." in answer["error"]["detail"]


def test_saved_ids_and_reads_come_from_the_instances_answers() -> None:
    created = read(dialect, "POST", "/api/now/table/incident", body({"short_description": "x"}))
    answer = body({"result": {"sys_id": SYS_ID, "caller_id": {"value": "f" * 32, "link": "x"}}})
    assert dialect.saved(created, 201, answer) == (Saved(SYS_ID),)
    [record] = dialect.read_records(200, body({"result": [{"sys_id": {"value": SYS_ID, "display_value": SYS_ID},
                                                           "sys_class_name": "incident",
                                                           "caller_id": {"value": "f" * 32}}]}))  # fmt: skip
    assert (record.object, record.id, record.fields["caller_id"]) == ("incident", SYS_ID, "f" * 32)


@pytest.mark.parametrize(
    ("target", "content_type"),
    [
        (f"/api/now/attachment/file?table_name=incident&table_sys_id={SYS_ID}", "image/png"),
        ("/api/now/attachment/upload", "multipart/form-data; boundary=x"),
        ("/api/now/v1/email", "text/plain"),
    ],
)
def test_an_endpoint_it_does_not_judge_is_refused_as_such_whatever_its_body(
    target: str, content_type: str
) -> None:
    """Named as the endpoint it is, saying where to write instead, not as a body to resend as
    JSON (which would not make it judged)."""
    with pytest.raises(UnsupportedEndpoint, match="Write through the Table API"):
        read(dialect, "POST", target, b"\x89PNG...", content_type=content_type)


@pytest.mark.parametrize("path", ["/api/now/table/incident", "/api/now/v1/batch"])
def test_a_table_or_batch_write_whose_body_is_not_json_is_refused_as_such(path: str) -> None:
    with pytest.raises(UnsupportedMediaType, match="send the body as application/json"):
        read(dialect, "POST", path, b"short_description=x", "application/x-www-form-urlencoded")


@pytest.mark.parametrize("method", ["POST", "PATCH", "PUT"])
def test_a_write_that_moves_its_record_into_another_table_is_refused(method: str) -> None:
    target = "/api/now/table/sys_user" + ("" if method == "POST" else f"/{SYS_ID}")
    with pytest.raises(AmbiguousRequest, match="reclassifies"):
        read(dialect, method, target, body({"sys_class_name": "customer_contact"}))
    batch = {"rest_requests": [item("r1", method, target, {"sys_class_name": "incident"})]}
    with pytest.raises(AmbiguousRequest, match=r"Batch request r1: .*reclassifies"):
        read(dialect, "POST", "/api/now/v1/batch", body(batch))
    same = read(dialect, method, target, body({"sys_class_name": "sys_user", "name": "x"}))
    assert same.intents[0].object == "sys_user"


def test_a_write_through_a_base_table_is_judged_as_its_records_own_class() -> None:
    [delete] = read(dialect, "DELETE", f"/api/now/table/sys_user/{SYS_ID}", content_type="").intents
    (lookup,) = dialect.lookups(delete, "", ())
    assert lookup == f"/api/now/table/sys_user/{SYS_ID}?sysparm_fields=sys_class_name"
    contact = body({"result": {"sys_class_name": "customer_contact"}})
    assert dialect.resolved(delete, lookup, 200, contact).object == "customer_contact"
    with pytest.raises(RecordNotFound):  # no such record: the instance's own not-found
        dialect.resolved(delete, lookup, 404, b"{}")
    with pytest.raises(LookupFailed):
        dialect.resolved(delete, lookup, 500, b"{}")
    [made] = read(dialect, "POST", "/api/now/table/task", body({"x": "y"})).intents
    assert dialect.lookups(made, "", ()) == ()  # a create makes a record of the table it names


def test_an_update_in_any_table_is_judged_as_its_records_own_class() -> None:
    """Any table may be extended (an admin's case type extends the case table), and the
    instance writes a record of the child class through its parent's table: an update's class
    is asked whatever table names it, and the write judged as one to that class."""
    [update] = read(
        dialect, "PATCH", f"/api/now/table/incident/{SYS_ID}", body({"impact": "2"})
    ).intents
    (lookup,) = dialect.lookups(update, "", ())
    assert lookup == f"/api/now/table/incident/{SYS_ID}?sysparm_fields=sys_class_name"
    assert (
        dialect.resolved(update, lookup, 200, body({"result": {"sys_class_name": "incident"}}))
        == update
    )
    major = body({"result": {"sys_class_name": "u_major_incident"}})
    assert dialect.resolved(update, lookup, 200, major).object == "u_major_incident"
    assert dialect.lookups(update, "", {lookup}) == ()


def test_a_delete_asks_which_fields_reference_its_table_or_any_it_extends() -> None:
    """A reference to ``task`` may name an incident: the tables the record's extends are
    asked first (dot-walked up ``super_class``), then the fields referencing any of them; an
    answer that does not say, or a hierarchy deeper than asked, is refused."""
    [delete] = read(dialect, "DELETE", f"/api/now/table/interaction/{SYS_ID}",
                    content_type="").intents  # fmt: skip
    (classed,) = dialect.lookups(delete, "", ())  # first its record's class: its own
    assert classed == f"/api/now/table/interaction/{SYS_ID}?sysparm_fields=sys_class_name"
    interaction = body({"result": {"sys_class_name": "interaction"}})
    assert dialect.resolved(delete, classed, 200, interaction) == delete
    (lineage,) = dialect.lookups(delete, "", {classed})
    assert lineage.startswith("/api/now/table/sys_db_object?sysparm_query=name%3Dinteraction")
    assert "super_class.super_class.name" in lineage
    walked = [f"super_class.{'super_class.' * n}name" for n in range(8)]
    deep = {"name": "interaction", **dict.fromkeys(walked, "base")}
    with pytest.raises(AmbiguousRequest, match="extends 8 tables or more"):
        dialect.resolved(delete, lineage, 200, body({"result": [deep]}))
    for status, answer in ((200, {"result": []}), (200, {"result": [{"name": "task"}]}),
                           (500, {})):  # fmt: skip
        with pytest.raises(LookupFailed, match="which tables interaction extends"):
            dialect.resolved(delete, lineage, status, body(answer))
    two = {"name": "interaction", walked[0]: "u_base", walked[1]: "task", walked[2]: ""}
    delete = dialect.resolved(delete, lineage, 200, body({"result": [two]}))
    assert delete.extends == ("u_base", "task")
    (fields,) = dialect.lookups(delete, "", {classed, lineage})
    assert "referenceINinteraction,u_base,task&" in fields
    named = body({"result": [{"name": "interaction", "element": "u_link"}]})
    with pytest.raises(AmbiguousRequest, match=r"interaction extends u_base, task"):
        dialect.resolved(delete, fields, 200, named)
    assert dialect.resolved(delete, fields, 200, body({"result": []})) == delete


CHILD = "fedcba9876543210fedcba9876543210"


@pytest.mark.parametrize("table", ["incident", "task"])
def test_an_incident_update_moving_a_child_incident_with_it_is_refused(table: str) -> None:
    """The instance carries a parent incident's new state to its children: they are asked
    for (through a base table, once the record is known to be an incident) and any is refused."""
    [write] = read(dialect, "PATCH", f"/api/now/table/{table}/{SYS_ID}",
                   body({"state": "6", "close_notes": "Fixed."})).intents  # fmt: skip
    (asked,) = dialect.lookups(write, "", ())  # its class first: an incident
    incident = body({"result": {"sys_class_name": "incident"}})
    write = dialect.resolved(write, asked, 200, incident)
    answered = {asked}
    (lookup,) = dialect.lookups(write, "", answered)
    assert lookup.startswith("/api/now/table/incident?sysparm_query=parent_incident=" + SYS_ID)
    assert "%5EstateNOT%20IN7%2C8%5Estate%21=6" in lookup
    children = body({"result": [{"sys_id": CHILD, "number": "INC0010002"}]})
    with pytest.raises(AmbiguousRequest, match=f"parent incident of INC0010002 \\({CHILD}\\)"):
        dialect.resolved(write, lookup, 200, children)
    assert dialect.resolved(write, lookup, 200, body({"result": []})) == write
    assert dialect.lookups(write, "", {*answered, lookup}) == ()
    with pytest.raises(LookupFailed):
        dialect.resolved(write, lookup, 500, b"{}")


@pytest.mark.parametrize("fields", [{"state": "7"}, {"state": "1"}, {"close_notes": "x"}])
def test_an_incident_update_carrying_nothing_to_children_asks_only_its_class(
    fields: dict[str, str],
) -> None:
    [write] = read(dialect, "PATCH", f"/api/now/table/incident/{SYS_ID}", body(fields)).intents
    (classed,) = dialect.lookups(write, "", ())
    assert classed.endswith("?sysparm_fields=sys_class_name")
    assert dialect.lookups(write, "", {classed}) == ()


@pytest.mark.parametrize("shown", ["true", "True", "yes"])
def test_a_read_of_display_values_alone_is_refused_alone_or_in_a_batch(shown: str) -> None:
    target = f"/api/now/table/customer_contact/{SYS_ID}?sysparm_display_value={shown}"
    with pytest.raises(AmbiguousRequest, match="sysparm_display_value=all"):
        read(dialect, "GET", target, content_type="")
    batch = {"rest_requests": [item("r1", "GET", target)]}
    with pytest.raises(AmbiguousRequest, match="Batch request r1: sysparm_display_value"):
        read(dialect, "POST", "/api/now/v1/batch", body(batch))
    for values in ("all", "false", "ALL"):
        plain = f"/api/now/table/customer_contact/{SYS_ID}?sysparm_display_value={values}"
        assert read(dialect, "GET", plain, content_type="").shape is Shape.READ


@pytest.mark.parametrize(
    "accept",
    ["application/xml, application/json;q=0.5", "application/json;q=0.2, text/xml;q=0.9",
     "application/*;q=0.9, application/json;q=0.1", "application/xml, application/json",
     "application/json;q=0.5, application/xml;q=0.5", "application/json;q=x"],
)  # fmt: skip
def test_a_write_whose_answer_xml_may_be_is_refused_whatever_json_it_accepts(accept: str) -> None:
    """The instance answers in the type Accept prefers; JSON accepted less, or no more, than
    XML named for itself is an answer the proxy could not read (a create's record named by no
    audited intent)."""
    with pytest.raises(AmbiguousRequest, match="Accept"):
        read(dialect, "POST", "/api/now/table/incident", body({"x": 1}),
             headers={"Accept": accept})  # fmt: skip
