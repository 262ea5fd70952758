"""The sandbox instance's Table, Batch and Import Set APIs answer as ServiceNow documents."""

from __future__ import annotations

import base64
import json

import pytest

from guardrail.sandbox.servicenow import InstanceStore
from guardrail.sandbox.servicenow.seed import (
    ACME_ACCOUNT_ID,
    ACME_CASE_ID,
    ACME_CONTACT_ID,
    ACME_INCIDENT_ID,
    GROUP_IDS,
)
from guardrail.sandbox.servicenow.tables import Column, Kind
from tests.sandbox.servicenow.helpers import BASIC, Now

CASES = "/api/now/table/sn_customerservice_case"
NOT_AUTHENTICATED = {
    "error": {
        "message": "User Not Authenticated",
        "detail": "Required to provide Auth information",
    },
    "status": "failure",
}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"},
     {"Authorization": "Basic " + base64.b64encode(b"admin:wrong").decode()}],
)  # fmt: skip
async def test_calls_without_a_known_user_or_token_get_401(
    now: Now, headers: dict[str, str]
) -> None:
    status, body = await now.call("GET", CASES, headers=headers)
    assert (status, body) == (401, NOT_AUTHENTICATED)


async def test_a_bearer_token_from_oauth_is_accepted(now: Now) -> None:
    answer = await now.client.post(
        "/oauth_token.do",
        data={"grant_type": "password", "client_id": "sandbox-client",
              "client_secret": "sandbox-secret", "username": "admin",
              "password": "sandbox-password"},
    )  # fmt: skip
    token = (await answer.json())["access_token"]
    status, _ = await now.call("GET", CASES, headers={"Authorization": f"Bearer {token}"})
    assert status == 200


async def test_a_created_case_gets_a_sys_id_a_number_and_its_references(
    now: Now, store: InstanceStore
) -> None:
    status, body = await now.call(
        "POST",
        CASES,
        {"short_description": "Refund please", "account": ACME_ACCOUNT_ID,
         "contact": ACME_CONTACT_ID, "category": "billing", "u_not_a_field": "x"},
    )  # fmt: skip
    assert status == 201
    created = body["result"]
    assert len(created["sys_id"]) == 32
    assert created["number"].startswith("CS")
    assert created["account"] == {
        "link": f"http://{now.client.host}:{now.client.port}/api/now/table/customer_account/"
        f"{ACME_ACCOUNT_ID}",
        "value": ACME_ACCOUNT_ID,
    }
    assert now.headers["Location"].endswith(created["sys_id"])
    assert "u_not_a_field" not in store.get("sn_customerservice_case", created["sys_id"])  # type: ignore[operator]


async def test_display_values_show_labels_and_names(now: Now) -> None:
    status, body = await now.call(
        "GET",
        f"{CASES}/{ACME_CASE_ID}?sysparm_display_value=all&sysparm_exclude_reference_link=true",
    )
    assert status == 200
    record = body["result"]
    assert record["category"] == {"display_value": "Billing", "value": "billing"}
    assert record["account"] == {"display_value": "Acme Corp", "value": ACME_ACCOUNT_ID}
    assert record["assignment_group"]["display_value"] == "Billing"


async def test_an_update_returns_the_record_with_business_rules_applied(now: Now) -> None:
    status, body = await now.call(
        "PATCH", f"/api/now/table/incident/{ACME_INCIDENT_ID}", {"priority": "1", "impact": "1"}
    )
    assert status == 200
    assert body["result"]["priority"] == "2"  # impact 1, urgency 2: the lookup, not the write


async def test_a_parent_incidents_new_state_is_carried_to_its_child_incidents(
    now: Now, store: InstanceStore
) -> None:
    """In Progress and Resolved are carried (resolved: with the parent's resolution code and
    notes); a closed child is left alone, and a parent closed carries nothing."""
    parent = f"/api/now/table/incident/{ACME_INCIDENT_ID}"
    made = []
    for state in ("1", "7"):
        _, body = await now.call("POST", "/api/now/table/incident", {
            "short_description": "Wifi down too", "parent_incident": ACME_INCIDENT_ID,
            "state": state,
        })  # fmt: skip
        made.append(body["result"]["sys_id"])
    child, closed = (store.get("incident", i) or {} for i in made)
    await now.call("PATCH", parent, {"state": "2"})
    assert (store.get("incident", made[0]) or {})["state"] == "2"
    await now.call("PATCH", parent, {"state": "6", "close_code": "Solved (Permanently)",
                                     "close_notes": "Router replaced."})  # fmt: skip
    resolved = store.get("incident", made[0]) or {}
    assert (resolved["state"], resolved["close_code"], resolved["close_notes"]) == (
        "6", "Solved (Permanently)", "Router replaced."
    )  # fmt: skip
    assert store.get("incident", made[1]) == closed
    await now.call("PATCH", parent, {"state": "7"})
    assert (store.get("incident", made[0]) or {})["state"] == "6"
    assert child["state"] == "1"


async def test_a_journal_note_is_added_and_reads_back_empty_as_a_value(
    now: Now, store: InstanceStore
) -> None:
    await now.call("PATCH", f"{CASES}/{ACME_CASE_ID}", {"work_notes": "Called the customer"})
    _, body = await now.call("GET", f"{CASES}/{ACME_CASE_ID}?sysparm_display_value=all")
    shown = body["result"]["work_notes"]
    assert shown["value"] == ""
    assert shown["display_value"].endswith(" - admin (Work notes)\nCalled the customer\n\n")
    assert store.notes("sn_customerservice_case", ACME_CASE_ID, "work_notes") == [
        "Called the customer"
    ]


async def test_lists_take_an_encoded_query_fields_and_a_limit(now: Now) -> None:
    status, body = await now.call(
        "GET",
        f"{CASES}?sysparm_query=category=billing^ORcategory=technical^ORDERBYDESCnumber"
        "&sysparm_fields=number,category&sysparm_limit=1",
    )
    assert status == 200
    assert now.headers["X-Total-Count"] == "2"
    assert body["result"] == [{"number": "CS0001002", "category": "technical"}]


@pytest.mark.parametrize(
    ("method", "path", "status", "message"),
    [
        ("GET", "/api/now/table/no_such_table", 400, "Invalid table no_such_table"),
        ("GET", f"{CASES}/{'0' * 32}", 404, "No Record found"),
        ("PATCH", f"{CASES}/{'0' * 32}", 404, "No Record found"),
        ("DELETE", f"{CASES}/{'0' * 32}", 404, "No Record found"),
        ("POST", "/api/now/table/sys_dictionary", 403, "Operation Failed"),
    ],
)
async def test_errors_have_servicenows_shape(
    now: Now, method: str, path: str, status: int, message: str
) -> None:
    got, body = await now.call(method, path, {} if method != "GET" else None)
    assert got == status
    assert body["status"] == "failure"
    assert body["error"]["message"] == message
    assert set(body["error"]) == {"message", "detail"}


async def test_the_batch_api_runs_each_request_and_answers_it_base64(
    now: Now, store: InstanceStore
) -> None:
    def encoded(body: object) -> str:
        return base64.b64encode(json.dumps(body).encode()).decode()

    status, body = await now.call(
        "POST",
        "/api/now/v1/batch",
        {"batch_request_id": 7, "rest_requests": [
            {"id": "a", "method": "POST", "url": "/api/now/table/incident",
             "body": encoded({"short_description": "Printer jam"})},
            {"id": "b", "method": "PATCH", "url": f"{CASES}/{'0' * 32}", "body": encoded({})},
        ]},
    )  # fmt: skip
    assert status == 200
    assert body["batch_request_id"] == "7"
    first, second = body["serviced_requests"]
    assert (first["id"], first["status_code"], second["status_code"]) == ("a", 201, 404)
    created = json.loads(base64.b64decode(first["body"]))["result"]
    assert store.get("incident", created["sys_id"]) is not None
    assert body["unserviced_requests"] == []


async def test_an_import_set_row_is_transformed_into_its_table(
    now: Now, store: InstanceStore
) -> None:
    status, body = await now.call(
        "POST", "/api/now/import/u_incident_import", {"u_short_description": "Imported"}
    )
    assert status == 201
    [result] = body["result"]
    assert store.get("incident", result["sys_id"])["short_description"] == "Imported"  # type: ignore[index]


async def test_the_dictionary_and_choices_describe_the_tables(now: Now) -> None:
    _, fields = await now.call(
        "GET",
        "/api/now/table/sys_dictionary?sysparm_query=name=sn_customerservice_case^element=assignment_group",
    )
    [field] = fields["result"]
    assert (field["internal_type"], field["reference"]) == ("reference", "sys_user_group")
    _, choices = await now.call(
        "GET",
        "/api/now/table/sys_choice?sysparm_query=name=sn_customerservice_case^element=category",
    )
    assert {c["value"] for c in choices["result"]} >= {"billing", "technical"}


async def test_an_aborting_business_rule_refuses_the_write(now: Now, store: InstanceStore) -> None:
    answer = await now.client.put(
        "/_sandbox/business_rules",
        data=json.dumps({"business_rules": [{"name": "No closing by API", "table": "incident",
                         "condition": {"state": "7"}, "abort": "Close from the UI."}]}),
    )  # fmt: skip
    assert answer.status == 200
    before = dict(store.get("incident", ACME_INCIDENT_ID) or {})
    status, body = await now.call(
        "PATCH", f"/api/now/table/incident/{ACME_INCIDENT_ID}", {"state": "7"}
    )
    assert status == 403
    assert "No closing by API" in body["error"]["detail"]
    assert store.get("incident", ACME_INCIDENT_ID) == before


def test_seeded_groups_have_fixed_ids(store: InstanceStore) -> None:
    assert store.get("sys_user_group", GROUP_IDS["Billing"])["name"] == "Billing"  # type: ignore[index]


async def test_a_user_whose_class_is_changed_becomes_a_record_of_that_table(now: Now) -> None:
    """Setting a record's Class (sys_class_name) reclassifies it, as the platform documents for
    CIs: the sys_id stays, the record moves to the new class's table with its fields."""
    status, body = await now.call("POST", "/api/now/table/sys_user",
                                  {"user_name": "sam", "last_name": "Sample"})  # fmt: skip
    sys_id = body["result"]["sys_id"]
    status, body = await now.call(
        "PATCH", f"/api/now/table/sys_user/{sys_id}",
        {"sys_class_name": "customer_contact", "account": ACME_ACCOUNT_ID},
    )  # fmt: skip
    assert status == 200
    assert (body["result"]["sys_class_name"], body["result"]["account"]["value"]) == (
        "customer_contact", ACME_ACCOUNT_ID,
    )  # fmt: skip
    status, body = await now.call("GET", f"/api/now/table/customer_contact/{sys_id}")
    assert (status, body["result"]["last_name"]) == (200, "Sample")


async def test_a_contact_is_read_changed_and_deleted_through_sys_user_which_it_extends(
    now: Now,
) -> None:
    """customer_contact extends sys_user: its records are sys_user records too, read and
    written through either table (through sys_user, as a user: its own fields only)."""
    user = f"/api/now/table/sys_user/{ACME_CONTACT_ID}"
    status, body = await now.call("GET", user)
    assert (status, body["result"]["sys_class_name"]) == (200, "customer_contact")
    status, body = await now.call("PATCH", user, {"email": "jane@new.example", "account": ""})
    assert status == 200
    status, body = await now.call("GET", f"/api/now/table/customer_contact/{ACME_CONTACT_ID}")
    assert body["result"]["email"] == "jane@new.example"
    assert body["result"]["account"]["value"] == ACME_ACCOUNT_ID  # not a user's field: kept
    assert (await now.call("DELETE", user))[0] == 204
    assert (await now.call("GET", f"/api/now/table/customer_contact/{ACME_CONTACT_ID}"))[0] == 404


async def test_each_table_names_the_one_it_extends_read_by_dot_walking(now: Now) -> None:
    """``sys_db_object.super_class`` references the record of the table a table extends, and
    a dot-walked field (``super_class.name``) reads the referenced record's field."""
    fields = "name,super_class.name,super_class.super_class.name"
    _, body = await now.call(
        "GET", f"/api/now/table/sys_db_object?sysparm_query=nameINincident,task&sysparm_fields={fields}"
    )  # fmt: skip
    assert sorted(body["result"], key=lambda r: r["name"]) == [
        {"name": "incident", "super_class.name": "task", "super_class.super_class.name": ""},
        {"name": "task", "super_class.name": "", "super_class.super_class.name": ""},
    ]


async def test_a_reference_to_a_table_names_a_record_of_one_extending_it(
    now: Now, store: InstanceStore
) -> None:
    """An incident is a task: read and listed through ``task``, linked under its own table from
    a field referencing ``task``, and deleting it clears that field, as every reference to it."""
    store.add_field("interaction", Column("u_follow_up", "Follow-up", Kind.REFERENCE, 32,
                                          reference="task"))  # fmt: skip
    status, body = await now.call(
        "POST", "/api/now/table/interaction", {"u_follow_up": ACME_INCIDENT_ID}
    )
    link = body["result"]["u_follow_up"]["link"]
    assert link.endswith(f"/api/now/table/incident/{ACME_INCIDENT_ID}")
    status, task = await now.call("GET", f"/api/now/table/task/{ACME_INCIDENT_ID}")
    assert (status, task["result"]["sys_class_name"]) == (200, "incident")
    _, tasks = await now.call("GET", "/api/now/table/task?sysparm_fields=sys_id")
    assert {ACME_INCIDENT_ID, ACME_CASE_ID} <= {t["sys_id"] for t in tasks["result"]}
    assert (await now.call("DELETE", f"/api/now/table/task/{ACME_INCIDENT_ID}"))[0] == 204
    assert store.get("interaction", body["result"]["sys_id"])["u_follow_up"] == ""  # type: ignore[index]


@pytest.mark.parametrize(
    ("accept", "answered"),
    [
        ("application/xml, application/json;q=0.5", "application/xml"),
        ("application/json;q=0.2, text/xml;q=0.9", "application/xml"),
        ("application/*;q=0.9, application/json;q=0.1", "application/xml"),
        ("application/xml", "application/xml"),
        ("application/json, application/xml;q=0.5", "application/json"),
        ("text/plain, application/json;q=0.5", "application/json"),
        ("application/*", "application/json"),
        ("*/*", "application/json"),
        ("", "application/json"),
    ],
)
async def test_the_instance_answers_in_the_type_accept_prefers(
    now: Now, accept: str, answered: str
) -> None:
    """Content negotiation: of JSON and XML, the type with the higher quality (the most
    specific range naming it decides); the one listed first on a tie; JSON when a range
    both match (``*/*``) or nothing decides."""
    response = await now.client.get("/api/now/table/incident", headers={**BASIC, "Accept": accept})
    assert response.content_type == answered


@pytest.mark.parametrize(
    ("table", "holder"),
    [("incident", "sn_customerservice_case"), ("sn_customerservice_case", "incident"),
     ("sn_customerservice_case", "sn_customerservice_case"), ("customer_contact", "sys_user")],
)  # fmt: skip
async def test_a_create_naming_a_sys_id_its_table_hierarchy_holds_is_refused(
    now: Now, store: InstanceStore, table: str, holder: str
) -> None:
    """A hierarchy's records share its base table's storage (task holds incidents and cases,
    sys_user contacts), whose unique key is the sys_id: a create naming one that another record
    of the hierarchy holds, in any of its tables, fails as the database refuses it."""
    held = store.records(holder)[0]["sys_id"]
    before = {name: dict(rows) for name, rows in store.rows.items()}
    status, body = await now.call("POST", f"/api/now/table/{table}", {"sys_id": held})
    assert status == 403, body
    assert "Unique Key violation" in json.dumps(body)
    assert {name: dict(rows) for name, rows in store.rows.items()} == before
