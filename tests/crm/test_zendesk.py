"""The Zendesk dialect reads each write the way Zendesk executes it, and answers in Zendesk's
own error format."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from multidict import CIMultiDict

from guardrail.crm.base import RawRequest, Revert, Shape, dialect_for
from guardrail.crm.zendesk_schema import ticket_schema
from guardrail.errors import (
    AmbiguousRequest,
    InvalidSession,
    LookupFailed,
    LookupUnresolved,
    MalformedBody,
    RequestRejected,
    UnsupportedEndpoint,
    UnsupportedMediaType,
)
from guardrail.model import Decision, Operation, Saved, Verdict, Violation

ZD = dialect_for("zendesk")
FIELDS = "/api/v2/ticket_fields.json"


def parse(method: str, target: str, body: Any = None) -> Any:
    headers = CIMultiDict({"Content-Type": "application/json"} if body is not None else {})
    raw = json.dumps(body).encode() if body is not None else b""
    return ZD.parse(ZD.canonical(RawRequest(method, target, headers, raw)))


def test_a_private_comment_with_custom_fields_is_read_flat() -> None:
    parsed = parse("PUT", "/api/v2/tickets/7.json", {"ticket": {
        "status": "pending", "comment": {"body": "Called back.", "public": False},
        "custom_fields": [{"id": 360000101, "value": "billing"}],
    }})  # fmt: skip
    [intent] = parsed.intents
    assert (intent.object, intent.operation, intent.record_id) == ("ticket", Operation.UPDATE, "7")
    assert dict(intent.fields) == {
        "status": "pending",
        "comment.body": "Called back.",
        "comment.public": False,
        "custom_fields.360000101": "billing",
    }


def test_a_comment_without_public_is_public_as_zendesk_saves_it() -> None:
    [intent] = parse("POST", "/api/v2/tickets", {"ticket": {"comment": {"body": "Hi"}}}).intents
    assert intent.fields["comment.public"] is True


def test_update_many_by_ids_is_one_update_per_ticket() -> None:
    parsed = parse(
        "PUT", "/api/v2/tickets/update_many.json?ids=1,2", {"ticket": {"status": "open"}}
    )
    assert parsed.shape is Shape.COLLECTION
    assert [(i.record_id, i.ref) for i in parsed.intents] == [("1", "ids[0]"), ("2", "ids[1]")]


def test_a_merge_is_the_updates_it_makes() -> None:
    parsed = parse(
        "POST",
        "/api/v2/tickets/1/merge.json",
        {"ids": [2], "source_comment": "Merged.", "target_comment": "Merged in #2"},
    )
    assert [(i.record_id, dict(i.fields)) for i in parsed.intents] == [
        ("1", {"comment.body": "Merged in #2", "comment.public": False}),
        (
            "2",
            {
                "status": "closed",
                "additional_tags": ["closed_by_merge"],
                "comment.body": "Merged.",
                "comment.public": False,
            },
        ),
    ]


def test_create_or_update_a_user_by_email_is_an_upsert_to_look_up() -> None:
    [intent] = parse(
        "POST",
        "/api/v2/users/create_or_update.json",
        {"user": {"name": "Ada", "email": "ada@acme.example"}},
    ).intents
    assert (intent.operation, intent.external_id_field) == (Operation.UPSERT, "email")
    (lookup,) = ZD.lookups(intent, "/api/v2/users/create_or_update", ())
    assert lookup.startswith("/api/v2/users/search.json?query=email")


def test_a_create_or_update_setting_tags_is_looked_up_as_its_record_then_its_tags() -> None:
    """Its record first (the write it makes), then the fields its tags set: one look-up each."""
    target = "/api/v2/users/create_or_update.json"
    [intent] = parse("POST", target, {"user": {"email": "gus@globex.example",
                                               "tags": ["vip"]}}).intents  # fmt: skip
    (searched,) = ZD.lookups(intent, target, ())
    assert searched.startswith("/api/v2/users/search.json?query=email")
    found = json.dumps({"users": [{"id": 9, "email": "gus@globex.example"}]}).encode()
    update = ZD.resolved(intent, searched, 200, found)
    assert (update.operation, update.record_id) == (Operation.UPDATE, "9")
    assert ZD.lookups(update, target, {searched}) == (FIELDS,)
    assert ZD.resolved(update, FIELDS, 200, TICKET_FIELDS) == update
    assert ZD.lookups(update, target, {searched, FIELDS}) == ()


@pytest.mark.parametrize(
    ("resource", "record"),
    [
        ("users", {"name": "Ada", "email": "ada@acme.example", "external_id": "A-1"}),
        ("organizations", {"name": "Acme", "id": 5, "external_id": "ACME-1"}),
    ],
)
def test_a_create_or_update_naming_its_record_two_ways_is_refused(
    resource: str, record: dict[str, Any]
) -> None:
    with pytest.raises(AmbiguousRequest, match="one way"):
        parse("POST", f"/api/v2/{resource}/create_or_update.json", {resource[:-1]: record})


def test_a_lookup_value_that_is_no_text_is_refused_before_it_is_looked_up() -> None:
    """Half a surrogate pair reached the lookup's URL, which could not encode it: a 500."""
    with pytest.raises(MalformedBody, match="surrogate"):
        parse("POST", "/api/v2/users/create_or_update.json",
              {"user": {"name": "Ada", "email": "\ud800@acme.example"}})  # fmt: skip


def test_a_create_or_update_by_a_number_is_looked_up_as_its_text() -> None:
    body = {"user": {"name": "Ada", "external_id": 777}}
    [intent] = parse("POST", "/api/v2/users/create_or_update.json", body).intents
    assert (intent.operation, intent.external_id) == (Operation.UPSERT, "777")
    with pytest.raises(MalformedBody):
        parse("POST", "/api/v2/users/create_or_update.json",
              {"user": {"name": "Ada", "email": " ada@acme.example"}})  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [
        {"ticket": {"comment": {"body": "x"}, "requester": {"email": "a@b.c"}}},
        {"ticket": {"custom_fields": [{"id": 1, "value": "a"}, {"id": 1, "value": "b"}]}},
        {"ticket": {"custom_fields": [], "fields": []}},
        {"tickets": []},
    ],
)
def test_what_cannot_be_read_one_way_is_refused(body: Any) -> None:
    with pytest.raises(MalformedBody):
        parse("POST", "/api/v2/tickets.json", body)


@pytest.mark.parametrize(
    ("method", "target"),
    [
        ("PUT", "/api/v2/tickets/7.json?ticket[priority]=urgent"),
        ("POST", "/api/v2/tickets.json?async=true"),
        ("PUT", "/api/v2/tickets/update_many.json?ids=7&external_ids=a"),
        ("PUT", "/api/v2/tickets/update_many.json?IDS=7"),
        ("PUT", "/api/v2/tickets/update_many.json?ids=7#8"),
        ("PUT", "/api/v2/tickets/7.json?_method=DELETE"),
        ("GET", "/api/v2/tickets/7.json?_method=DELETE"),
    ],
)
def test_a_query_parameter_zendesk_could_read_into_the_write_is_refused(
    method: str, target: str
) -> None:
    body = {"ticket": {"status": "open"}} if method != "GET" else None
    with pytest.raises(RequestRejected):
        parse(method, target, body)


def test_a_write_on_behalf_of_another_user_says_so_on_its_intents() -> None:
    headers = CIMultiDict({"Content-Type": "application/json", "X-On-Behalf-Of": " 40003"})
    body = b'{"ticket": {"status": "open"}}'
    parsed = ZD.parse(ZD.canonical(RawRequest("PUT", "/api/v2/tickets/7.json", headers, body)))
    assert parsed.intents[0].headers == {"X-On-Behalf-Of": "40003"}
    for name in ("X_On_Behalf_Of", "X_HTTP_Method_Override"):
        sent = CIMultiDict({"Content-Type": "application/json", name: "40003"})
        with pytest.raises(AmbiguousRequest):
            ZD.canonical(RawRequest("PUT", "/api/v2/tickets/7.json", sent, body))


def test_a_body_in_another_charset_than_utf8_is_refused() -> None:
    headers = CIMultiDict({"Content-Type": "application/json; charset=utf-16"})
    raw = RawRequest("PUT", "/api/v2/tickets/7.json", headers, b'{"ticket": {"status": "open"}}')
    with pytest.raises(UnsupportedMediaType):
        ZD.canonical(raw)


@pytest.mark.parametrize(
    ("markup", "said"),
    [
        ("Card 41<b></b>11 1111 1111 1111.", "Card 4111 1111 1111 1111."),
        ("Card 4&#49;11&nbsp;1111.", "Card 4111 1111."),
        ('<p title="4111 1111 1111 1111">Noted.</p><!-- 123-45-6789 -->',
         "Noted.\n4111 1111 1111 1111\n 123-45-6789 "),
        # markup the comment saves and never shows, as an HTML comment: kept, and read
        ("<p>Noted.</p><?card 4111 1111 1111 1111?>", "Noted.\ncard 4111 1111 1111 1111?"),
        ("<p>Noted.</p><![CDATA[4111 1111 1111 1111]]>", "Noted.\nCDATA[4111 1111 1111 1111"),
        ("<!DOCTYPE 4111 1111 1111 1111><p>Noted.</p>", "Noted.\nDOCTYPE 4111 1111 1111 1111"),
        ("<p>Noted.</p 4111 1111 1111 1111>", "Noted.\n 4111 1111 1111 1111"),
        # text HTML keeps (a < before no tag name) that a cruder reader drops as a tag: read
        # both ways
        ("Card 41<11>11 1111 1111 1111.", "Card 41<11>11 1111 1111 1111.\nCard 4111 1111 1111 1111."),
    ],
)  # fmt: skip
def test_an_html_comment_is_judged_as_what_it_says_and_keeps(markup: str, said: str) -> None:
    body = {"ticket": {"comment": {"html_body": markup, "public": False}}}
    [intent] = parse("PUT", "/api/v2/tickets/7.json", body).intents
    assert intent.fields["comment.body"] == said


def test_a_side_load_shows_objects_the_proxy_cannot_name() -> None:
    assert parse("GET", "/api/v2/tickets/7.json").reads == frozenset({"ticket"})
    assert parse("GET", "/api/v2/tickets/7.json?include=users,organizations").reads is None


def test_deletes_of_users_organizations_and_many_tickets_are_judged_one_per_record() -> None:
    [user] = parse("DELETE", "/api/v2/users/7.json").intents
    assert (user.object, user.operation, user.record_id) == ("user", Operation.DELETE, "7")
    many = parse("DELETE", "/api/v2/tickets/destroy_many.json?ids=3,4")
    assert [(i.object, i.record_id, i.ref) for i in many.intents] == [
        ("ticket", "3", "ids[0]"), ("ticket", "4", "ids[1]")
    ]  # fmt: skip
    [org] = parse("DELETE", "/api/v2/organizations/destroy_many?external_ids=ACME-1").intents
    assert (org.operation, org.external_id_field, org.external_id) == (
        Operation.DELETE, "external_id", "ACME-1"
    )  # fmt: skip
    # looked up as Zendesk finds it, then judged as the delete of that record
    found = json.dumps({"organizations": [{"id": 9, "external_id": "acme-1"}]}).encode()
    (searched,) = ZD.lookups(org, "/api/v2/organizations/destroy_many", ())
    assert ZD.resolved(org, searched, 200, found).record_id == "9"
    with pytest.raises(LookupUnresolved, match="nothing to delete"):
        ZD.resolved(org, searched, 200, b'{"organizations": []}')


@pytest.mark.parametrize(
    ("target", "body", "taken"),
    [
        ("/api/v2/users/7.json", {"user": {"id": 7, "name": "Ada"}}, True),  # as zenpy sends it
        ("/api/v2/users/destroy_many.json?ids=7,8", {"users": [{"id": 7}, {"id": 8}]}, True),
        ("/api/v2/users/7.json", {"user": {"id": 8}}, False),  # another record
        ("/api/v2/users/destroy_many.json?ids=7,8", {"users": [{"id": 8}, {"id": 7}]}, False),
        ("/api/v2/users/destroy_many.json?ids=7", {"users": [{"id": 7}], "ids": "8"}, False),
        ("/api/v2/tickets/3.json", {"tickets": [{"id": 3}]}, False),
        ("/api/v2/users/destroy_many.json", {"ids": "7,8"}, False),
    ],
)
def test_a_delete_body_is_taken_only_when_it_restates_the_records_the_url_names(
    target: str, body: Any, taken: bool
) -> None:
    if taken:
        assert parse("DELETE", target, body).intents
    else:
        with pytest.raises((AmbiguousRequest, MalformedBody)):
            parse("DELETE", target, body)


def test_an_unknown_write_endpoint_is_refused() -> None:
    with pytest.raises(UnsupportedEndpoint):
        parse("POST", "/api/v2/macros.json", {"macro": {}})


def test_a_block_is_zendesks_record_invalid_with_details_per_field() -> None:
    parsed = parse("POST", "/api/v2/tickets", {"ticket": {"comment": {"body": "x"}}})
    violation = Violation("notes", "NoCard", "Remove the card number.", ("comment.body",), intent=0)
    decision = Decision("d1", Verdict.BLOCK, "zendesk", parsed.intents, (violation,), "v1")
    reply = ZD.render_block(parsed, decision)
    assert reply.status == 422
    body = json.loads(reply.body)
    assert (body["error"], body["description"]) == ("RecordInvalid", "Record validation errors")
    [detail] = body["details"]["comment.body"]
    assert "notes/NoCard" in detail["description"]
    assert "Remove the card number." in detail["description"]


def test_an_unknown_agent_token_is_zendesks_401() -> None:
    reply = ZD.render_error(InvalidSession("unknown"))
    assert (reply.status, json.loads(reply.body)) == (401, {"error": "Couldn't authenticate you"})


def test_the_agent_presents_its_token_as_bearer_or_as_an_api_token() -> None:
    basic = base64.b64encode(b"agent@x.example/token:tok-1").decode()
    assert ZD.agent_token({"Authorization": f"Basic {basic}"}) == "tok-1"
    assert ZD.agent_token({"Authorization": "Bearer tok-2"}) == "tok-2"
    password = base64.b64encode(b"agent@x.example:hunter2").decode()
    assert ZD.agent_token({"Authorization": f"Basic {password}"}) is None


def test_a_search_read_records_every_result_with_flat_custom_fields() -> None:
    body = {"results": [{"id": 5, "result_type": "ticket", "organization_id": 9,
                         "custom_fields": [{"id": 360000101, "value": "billing"}]}]}  # fmt: skip
    [read] = ZD.read_records(200, json.dumps(body).encode())
    assert (read.object, read.id, read.fields["custom_fields.360000101"]) == (
        "ticket",
        "5",
        "billing",
    )


def test_the_ticket_schema_types_each_custom_field_from_the_describe() -> None:
    schema = ticket_schema([
        {"id": 360000101, "type": "tagger", "title": "Reason",
         "custom_field_options": [{"value": "billing"}]},
        {"id": 360000102, "type": "decimal", "title": "Refund amount"},
        {"id": 3, "type": "priority", "title": "Priority", "removable": False,
         "custom_field_options": [{"value": "high"}]},
    ])  # fmt: skip
    assert schema["properties"]["custom_fields.360000101"]["enum"] == ["billing", None]
    assert "number" in schema["properties"]["custom_fields.360000102"]["type"]
    assert schema["properties"]["priority"]["enum"] == ["high", None]
    assert schema["additionalProperties"] is False


def test_a_revert_sets_back_what_the_save_changed_only_if_nobody_changed_it_since() -> None:
    [intent] = parse("PUT", "/api/v2/tickets/7.json", {"ticket": {"priority": "high"}}).intents
    before = {"priority": "normal", "custom_fields.360000101": "billing", "updated_at": "t0"}
    after = {"priority": "low", "custom_fields.360000101": "other", "updated_at": "t1"}
    undo = Revert("7", False, before, after, {"priority", "custom_fields.360000101"})
    request = ZD.canonical(RawRequest("PUT", "/api/v2/tickets/7.json", CIMultiDict(), b""))
    outbound = ZD.revert(request, intent, undo)
    assert outbound is not None
    assert (outbound.method, outbound.target) == ("PUT", "/api/v2/tickets/7.json")
    assert json.loads(outbound.body or b"") == {"ticket": {
        "priority": "normal", "custom_fields": [{"id": 360000101, "value": "billing"}],
        "safe_update": True, "updated_stamp": "t1",
    }}  # fmt: skip
    assert (ZD.reverted(200), ZD.reverted(409), ZD.reverted(422)) == (
        "success", "lost_race", "failed",
    )  # fmt: skip


#: Ticket fields as Zendesk lists them: a drop-down, a checkbox with a tag, a multi-select, and a
#: system field whose options are no tags.
TICKET_FIELDS = json.dumps({"ticket_fields": [
    {"id": 11, "type": "tagger", "removable": True, "active": True,
     "custom_field_options": [{"value": "billing"}, {"value": "technical"}]},
    {"id": 12, "type": "checkbox", "removable": True, "active": True, "tag": "vip_customer"},
    {"id": 13, "type": "multiselect", "removable": True, "active": True,
     "custom_field_options": [{"value": "router"}, {"value": "modem"}]},
    {"id": 14, "type": "tagger", "removable": True, "active": False,
     "custom_field_options": [{"value": "retired"}]},
    {"id": 1, "type": "status", "removable": False,
     "custom_field_options": [{"value": "solved"}]},
], "next_page": None}).encode()  # fmt: skip


def tagged(method: str, target: str, ticket: dict[str, Any]) -> Any:
    [intent] = parse(method, target, {"ticket": ticket}).intents
    assert ZD.lookups(intent, target, ()) == (FIELDS,)
    return ZD.resolved(intent, FIELDS, 200, TICKET_FIELDS)


def test_a_tickets_tags_are_judged_as_the_custom_fields_they_set() -> None:
    added = tagged("PUT", "/api/v2/tickets/7.json", {"additional_tags": ["technical", "x"]})
    assert added.fields["custom_fields.11"] == "technical"
    assert "custom_fields.12" not in added.fields  # additional tags clear nothing
    replaced = tagged(
        "PUT", "/api/v2/tickets/7.json", {"tags": ["vip_customer", "modem", "solved"]}
    )
    assert {k: v for k, v in replaced.fields.items() if k.startswith("custom")} == {
        "custom_fields.11": None,  # its option's tag is no longer on the ticket: cleared
        "custom_fields.12": True,
        "custom_fields.13": ["modem"],
    }
    created = tagged("POST", "/api/v2/tickets.json", {"comment": "x", "tags": ["billing"]})
    assert {k for k in created.fields if k.startswith("custom")} == {"custom_fields.11"}
    plain = parse("PUT", "/api/v2/tickets/7.json", {"ticket": {"status": "open"}})
    assert ZD.lookups(plain.intents[0], "/api/v2/tickets/7.json", ()) == ()


def test_tags_are_read_as_zendesk_saves_them_lower_cased_one_per_word() -> None:
    words = tagged("PUT", "/api/v2/tickets/7.json", {"additional_tags": ["vip Technical"]})
    assert words.fields["custom_fields.11"] == "technical"
    replaced = tagged("PUT", "/api/v2/tickets/7.json", {"tags": ["VIP_CUSTOMER\tmodem"]})
    assert (replaced.fields["custom_fields.12"], replaced.fields["custom_fields.13"]) == (
        True, ["modem"]
    )  # fmt: skip
    with pytest.raises(AmbiguousRequest, match="'technical' is an option"):
        ZD.resolved(parse("PUT", "/api/v2/users/7.json",
                          {"user": {"tags": ["vip TECHNICAL"]}}).intents[0],
                    FIELDS, 200, TICKET_FIELDS)  # fmt: skip


@pytest.mark.parametrize(
    "ticket",
    [
        {"tags": ["billing", "technical"]},
        {"tags": ["billing technical"]},
        {"remove_tags": ["vip_customer"]},
        {"additional_tags": ["router"]},
        {"tags": ["billing"], "custom_fields": [{"id": 11, "value": "technical"}]},
        {"tags": [], "custom_fields": [{"id": 12, "value": True}]},
        {"tags": "billing technical"},
    ],
)
def test_tags_that_set_fields_two_ways_or_partly_are_refused(ticket: dict[str, Any]) -> None:
    with pytest.raises(AmbiguousRequest, match="Set the field by custom_fields"):
        tagged("PUT", "/api/v2/tickets/7.json", ticket)


@pytest.mark.parametrize(
    ("status", "body"),
    [(500, b"{}"), (200, b"not json"), (200, b'{"ticket_fields": [], "next_page": "p2"}')],
)
def test_tags_whose_fields_zendesk_does_not_list_fail_closed(status: int, body: bytes) -> None:
    [intent] = parse("PUT", "/api/v2/tickets/7.json", {"ticket": {"tags": ["x"]}}).intents
    with pytest.raises(LookupFailed):
        ZD.resolved(intent, FIELDS, status, body)
    with pytest.raises(InvalidSession):
        ZD.resolved(intent, FIELDS, 401, b"{}")


def test_an_endpoint_it_does_not_judge_is_refused_as_such_whatever_its_body() -> None:
    """An upload (zenpy's attachments.upload) is named as the endpoint it is, not as a body to
    resend as JSON; a ticket write in another media type is refused as such."""
    upload = RawRequest("POST", "/api/v2/uploads.json?filename=a.png",
                        CIMultiDict({"Content-Type": "image/png"}), b"\x89PNG...")  # fmt: skip
    with pytest.raises(UnsupportedEndpoint, match="does not know how to check POST"):
        ZD.parse(ZD.canonical(upload))
    form = RawRequest("PUT", "/api/v2/tickets/7.json",
                      CIMultiDict({"Content-Type": "application/x-www-form-urlencoded"}),
                      b"ticket[status]=solved")  # fmt: skip
    with pytest.raises(UnsupportedMediaType, match="send the body as application/json"):
        ZD.parse(ZD.canonical(form))


@pytest.mark.parametrize("kind", ["users", "organizations"])
def test_a_user_or_organization_tagged_with_a_ticket_fields_option_is_refused(kind: str) -> None:
    """Zendesk adds their tags to their tickets, where an option's tag sets the field."""
    target = f"/api/v2/{kind}/7.json"
    [intent] = parse("PUT", target, {kind[:-1]: {"tags": ["vip", "technical"]}}).intents
    assert ZD.lookups(intent, target, ()) == (FIELDS,)
    with pytest.raises(AmbiguousRequest, match="'technical' is an option"):
        ZD.resolved(intent, FIELDS, 200, TICKET_FIELDS)
    [plain] = parse("PUT", target, {kind[:-1]: {"tags": ["vip"]}}).intents
    assert ZD.resolved(plain, FIELDS, 200, TICKET_FIELDS) is plain
    [named] = parse("PUT", target, {kind[:-1]: {"name": "Ada"}}).intents
    assert ZD.lookups(named, target, ()) == ()


@pytest.mark.parametrize(
    ("target", "body"),
    [("/api/v2/tickets/7.json", {"ticket": {"status": "solved"}}),
     ("/api/v2/tickets/update_many.json?ids=7", {"ticket": {"status": "closed"}}),
     ("/api/v2/tickets/9/merge.json", {"ids": [7]})],
)  # fmt: skip
def test_a_write_solving_a_ticket_asks_which_incidents_it_would_solve(
    target: str, body: dict[str, Any]
) -> None:
    """Solving a problem ticket solves its incidents: one not solved yet refuses the write."""
    method = "POST" if "merge" in target else "PUT"
    [write] = [i for i in parse(method, target, body).intents if i.record_id == "7"]
    answered: set[str] = set()
    if "merge" in target:  # a merge tags each ticket it closes: the fields tags set come first
        assert ZD.lookups(write, target, ()) == (FIELDS,)
        answered.add(FIELDS)
    (incidents,) = ZD.lookups(write, target, answered)
    assert incidents == "/api/v2/tickets/7/incidents.json"
    listed = {"tickets": [{"id": 8, "status": "open"}, {"id": 5, "status": "solved"}],
              "next_page": None}  # fmt: skip
    with pytest.raises(AmbiguousRequest, match="problem ticket of 8: solving it"):
        ZD.resolved(write, incidents, 200, json.dumps(listed).encode())
    solved = {"tickets": [{"id": 5, "status": "solved"}], "next_page": None}
    assert ZD.resolved(write, incidents, 200, json.dumps(solved).encode()) == write
    with pytest.raises(AmbiguousRequest, match="and more"):
        ZD.resolved(write, incidents, 200, json.dumps({**solved, "next_page": "p2"}).encode())
    with pytest.raises(LookupFailed):
        ZD.resolved(write, incidents, 500, b"{}")
    assert ZD.lookups(write, target, {incidents, *answered}) == ()


@pytest.mark.parametrize(
    "earlier",
    [{"id": 8, "problem_id": 7}, {"id": 8, "problem_id": "7", "type": "incident"},
     {"id": 8, "status": "open"}, {"id": 8, "status": "pending"}],
)  # fmt: skip
def test_a_solve_in_update_many_after_a_write_that_may_add_an_incident_is_refused(
    earlier: dict[str, Any],
) -> None:
    """Zendesk is asked which incidents the solve solves before the job runs; the ticket
    before it, linked or reopened first, would be solved with it unjudged."""
    solve = {"id": 7, "status": "solved"}
    with pytest.raises(AmbiguousRequest, match=r"Record tickets\[1\]: .* on its own"):
        parse("PUT", "/api/v2/tickets/update_many.json", {"tickets": [earlier, solve]})
    reverse = parse("PUT", "/api/v2/tickets/update_many.json", {"tickets": [solve, earlier]})
    assert [i.record_id for i in reverse.intents] == ["7", "8"]


def test_solves_and_writes_that_link_nothing_in_update_many_are_read_as_sent() -> None:
    tickets = [{"id": 8, "status": "solved", "problem_id": None}, {"id": 7, "status": "closed"}]
    parsed = parse("PUT", "/api/v2/tickets/update_many.json", {"tickets": tickets})
    assert [i.record_id for i in parsed.intents] == ["8", "7"]
    by_ids = parse(
        "PUT", "/api/v2/tickets/update_many.json?ids=8,7", {"ticket": {"status": "solved"}}
    )
    assert [i.record_id for i in by_ids.intents] == ["8", "7"]


def test_a_write_solving_a_ticket_and_setting_tags_asks_both_in_turn() -> None:
    target = "/api/v2/tickets/7.json"
    [write] = parse("PUT", target, {"ticket": {"status": "solved", "tags": ["vip"]}}).intents
    assert ZD.lookups(write, target, ()) == (FIELDS,)
    assert ZD.lookups(write, target, {FIELDS}) == ("/api/v2/tickets/7/incidents.json",)
    [other] = parse("PUT", target, {"ticket": {"status": "pending"}}).intents
    assert ZD.lookups(other, target, ()) == ()


def test_a_comment_not_saying_whether_it_is_public_is_as_public_as_the_tickets_first() -> None:
    """On a create it is public, as Zendesk saves the first comment; on an update it is the
    first comment's visibility, looked up."""
    [made] = parse("POST", "/api/v2/tickets.json", {"ticket": {"comment": "Hi"}}).intents
    assert made.fields["comment.public"] is True
    target = "/api/v2/tickets/7.json"
    [said] = parse("PUT", target, {"ticket": {"comment": {"body": "x", "public": True}}}).intents
    assert ZD.lookups(said, target, ()) == ()
    for comment in ("Refunded $5.", {"body": "Refunded $5."}, {"html_body": "<b>Refunded</b>"}):
        [write] = parse("PUT", target, {"ticket": {"comment": comment}}).intents
        assert "comment.public" not in write.fields
        (first,) = ZD.lookups(write, target, ())
        assert first == "/api/v2/tickets/7/comments.json?sort_order=asc&per_page=1"
        private = json.dumps({"comments": [{"id": 1, "public": False}]}).encode()
        assert ZD.resolved(write, first, 200, private).fields["comment.public"] is False
        assert ZD.lookups(write, target, {first}) == ()
        with pytest.raises(LookupFailed, match="Say it"):
            ZD.resolved(write, first, 200, b'{"comments": []}')


@pytest.mark.parametrize(("status", "created"), [(201, True), (200, False)])
def test_a_create_or_updates_answer_says_whether_the_user_was_created(
    status: int, created: bool
) -> None:
    """Zendesk answers 201 Created when it made the user, 200 when it updated one it found."""
    parsed = parse("POST", "/api/v2/users/create_or_update.json",
                   {"user": {"name": "Ada", "email": "ada@acme.example"}})  # fmt: skip
    answer = json.dumps({"user": {"id": 41, "name": "Ada", "email": "ada@acme.example"}})
    assert ZD.saved(parsed, status, answer.encode()) == (Saved("41", created),)
