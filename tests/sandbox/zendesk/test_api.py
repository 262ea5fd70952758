"""The Zendesk sandbox answers as Zendesk's Support API does: shapes, statuses and errors."""

from __future__ import annotations

import base64
from typing import Any

from guardrail.sandbox.zendesk.fields import CONTACT_REASON_FIELD, REFUND_AMOUNT_FIELD
from guardrail.sandbox.zendesk.seed import (
    ACME_ORG,
    ACME_TICKET,
    ACME_USER,
    AGENT_USER,
    BILLING_GROUP,
    GLOBEX_ORG,
    GLOBEX_TICKET,
    GLOBEX_USER,
)
from tests.helpers import FULLWIDTH
from tests.sandbox.zendesk.helpers import Api


def _custom(ticket: dict[str, Any], field_id: int) -> object:
    return next(f["value"] for f in ticket["custom_fields"] if f["id"] == field_id)


async def test_a_ticket_is_created_shown_updated_with_a_private_note_and_deleted(zd: Api) -> None:
    status, body = await zd.call("POST", "/tickets.json", {"ticket": {
        "subject": "Refund", "comment": {"body": "Charged twice."}, "requester_id": ACME_USER,
        "group_id": BILLING_GROUP,
        "custom_fields": [{"id": CONTACT_REASON_FIELD, "value": "billing"}],
    }})  # fmt: skip
    assert status == 201
    ticket = body["ticket"]
    assert isinstance(ticket["id"], int)
    assert ticket["organization_id"] == ACME_ORG
    assert _custom(ticket, CONTACT_REASON_FIELD) == "billing"
    assert ticket["url"].endswith(f"/api/v2/tickets/{ticket['id']}.json")

    status, body = await zd.call("PUT", f"/tickets/{ticket['id']}.json", {"ticket": {
        "status": "pending", "comment": {"body": "Checked the invoice.", "public": False},
        "custom_fields": [{"id": REFUND_AMOUNT_FIELD, "value": "12.50"}],
    }})  # fmt: skip
    assert status == 200
    assert body["ticket"]["status"] == "pending"
    assert _custom(body["ticket"], CONTACT_REASON_FIELD) == "billing"  # kept
    status, body = await zd.call("GET", f"/tickets/{ticket['id']}/comments.json")
    assert [c["public"] for c in body["comments"]] == [True, False]

    assert (await zd.call("DELETE", f"/tickets/{ticket['id']}.json"))[0] == 204
    assert await zd.call("GET", f"/tickets/{ticket['id']}.json") == (
        404, {"error": "RecordNotFound", "description": "Not found"},
    )  # fmt: skip


async def test_a_ticket_with_a_bad_value_is_refused_as_record_invalid(zd: Api) -> None:
    before = zd.store.records("ticket")
    status, body = await zd.call("POST", "/tickets.json", {"ticket": {
        "comment": {"body": "x"}, "requester_id": 999, "priority": "whenever",
        "custom_fields": [{"id": CONTACT_REASON_FIELD, "value": "nonsense"}],
    }})  # fmt: skip
    assert status == 422
    assert body["error"] == "RecordInvalid"
    assert body["description"] == "Record validation errors"
    assert set(body["details"]) == {"requester", "priority", "base"}
    assert body["details"]["requester"] == [
        {"description": "Requester: is invalid", "error": "InvalidValue"}
    ]
    assert zd.store.records("ticket") == before


async def test_a_ticket_without_a_comment_is_refused(zd: Api) -> None:
    status, body = await zd.call("POST", "/tickets.json", {"ticket": {"subject": "x"}})
    assert status == 422
    assert body["details"]["description"][0]["error"] == "BlankValue"


async def test_a_bad_credential_gets_zendesks_401(zd: Api) -> None:
    wrong = base64.b64encode(b"agent@sandbox.example/token:nope").decode()
    for header in (f"Basic {wrong}", "Bearer nope", ""):
        status, body = await zd.call("GET", "/tickets.json", headers={"Authorization": header})
        assert (status, body) == (401, {"error": "Couldn't authenticate you"})
    customer = base64.b64encode(b"ada@acme.example/token:sandbox-api-token").decode()
    status, _ = await zd.call(
        "GET", "/tickets.json", headers={"Authorization": f"Basic {customer}"}
    )
    assert status == 401
    status, _ = await zd.call(
        "GET", "/tickets.json", headers={"Authorization": "Bearer sandbox-oauth-token"}
    )
    assert status == 200


async def test_bulk_calls_answer_a_queued_job_that_completes_with_results(zd: Api) -> None:
    status, body = await zd.call("POST", "/tickets/create_many.json", {"tickets": [
        {"comment": {"body": "one"}, "requester_id": ACME_USER},
        {"comment": {"body": "two"}, "requester_id": 999},
    ]})  # fmt: skip
    assert status == 200
    assert body["job_status"]["status"] == "queued"
    status, body = await zd.call("GET", f"/job_statuses/{body['job_status']['id']}.json")
    job = body["job_status"]
    assert (job["status"], job["total"], job["progress"]) == ("completed", 2, 2)
    assert job["results"][0]["index"] == 0
    assert isinstance(job["results"][0]["id"], int)
    assert job["results"][1]["error"] == "TicketCreateFailed"

    status, body = await zd.call(
        "PUT", f"/tickets/update_many.json?ids={ACME_TICKET},{GLOBEX_TICKET}",
        {"ticket": {"priority": "high"}},
    )  # fmt: skip
    assert status == 200
    assert {zd.store.fetch("ticket", i)["priority"] for i in (ACME_TICKET, GLOBEX_TICKET)} == {
        "high"
    }
    status, body = await zd.call(
        "PUT", "/tickets/update_many.json", {"tickets": [{"id": ACME_TICKET, "status": "pending"}]}
    )
    job = (await zd.call("GET", f"/job_statuses/{body['job_status']['id']}.json"))[1]
    assert job["job_status"]["results"] == [
        {"id": ACME_TICKET, "index": 0, "action": "update", "success": True, "status": "Updated"}
    ]


async def test_merge_closes_the_sources_into_the_target(zd: Api) -> None:
    status, _body = await zd.call(
        "POST", f"/tickets/{ACME_TICKET}/merge.json", {"ids": [GLOBEX_TICKET]}
    )
    assert status == 200
    source = zd.store.fetch("ticket", GLOBEX_TICKET)
    assert source["status"] == "closed"
    assert "closed_by_merge" in source["tags"]


async def test_a_merge_with_a_private_ticket_adds_private_comments_whatever_it_asks(
    zd: Api,
) -> None:
    """ "Comments are private and can't be modified" when any merged ticket is private."""
    made = [
        zd.store.create_ticket({"subject": "Router", "requester_id": ACME_USER,
                                "comment": {"body": "Reboots.", "public": public}})["id"]
        for public in (True, False, True, True)
    ]  # fmt: skip
    asked = {"target_comment_is_public": True, "source_comment_is_public": True}
    for target, source in ((made[0], made[1]), (made[2], made[3])):
        status, _body = await zd.call(
            "POST", f"/tickets/{target}/merge.json", {"ids": [source], **asked}
        )
        assert status == 200
    added = [[c["public"] for c in zd.store.comments(t)][-1] for t in made]
    assert added == [False, False, True, True]


async def test_users_and_organizations_create_update_and_create_or_update(zd: Api) -> None:
    status, body = await zd.call(
        "POST", "/organizations.json", {"organization": {"name": "Initech"}}
    )
    assert status == 201
    org = body["organization"]["id"]
    status, body = await zd.call(
        "POST", "/users.json",
        {"user": {"name": "Peter", "email": "peter@initech.example", "organization_id": org}},
    )  # fmt: skip
    assert status == 201
    assert body["user"]["role"] == "end-user"
    user = body["user"]["id"]
    status, body = await zd.call(
        "POST", "/users/create_or_update.json",
        {"user": {"name": "Peter Gibbons", "email": "PETER@initech.example"}},
    )  # fmt: skip
    assert (status, body["user"]["id"], body["user"]["name"]) == (200, user, "Peter Gibbons")
    status, body = await zd.call("POST", "/users.json", {"user": {"name": "P2",
                                 "email": "peter@initech.example"}})  # fmt: skip
    assert status == 422
    assert body["details"]["email"][0]["error"] == "DuplicateValue"
    status, _ = await zd.call(
        "PUT", f"/organizations/{org}.json", {"organization": {"notes": "VIP"}}
    )
    assert status == 200
    assert zd.store.fetch("organization", org)["notes"] == "VIP"


async def test_a_new_ticket_of_an_organizations_user_is_put_in_its_group(zd: Api) -> None:
    """Zendesk: "New tickets from users in this organization are automatically put in this
    group" (the organization's group_id); a ticket naming its own group keeps it."""
    status, _ = await zd.call("PUT", f"/organizations/{ACME_ORG}.json",
                              {"organization": {"group_id": str(BILLING_GROUP)}})  # fmt: skip
    assert status == 200
    new = {"subject": "Hi", "comment": {"body": "Hello."}, "requester_id": ACME_USER}
    status, body = await zd.call("POST", "/tickets.json", {"ticket": new})
    assert (status, body["ticket"]["group_id"]) == (201, BILLING_GROUP)
    status, body = await zd.call("POST", "/tickets.json", {"ticket": {**new, "group_id": None}})
    assert (status, body["ticket"]["group_id"]) == (201, None)
    status, body = await zd.call("POST", "/tickets.json",
                                 {"ticket": {"comment": {"body": "Hi"}, "requester_id": GLOBEX_USER}})  # fmt: skip
    assert (status, body["ticket"]["group_id"]) == (201, None)


async def test_ticket_fields_list_dropdown_options(zd: Api) -> None:
    status, body = await zd.call("GET", "/ticket_fields.json")
    assert status == 200
    reason = next(f for f in body["ticket_fields"] if f["id"] == CONTACT_REASON_FIELD)
    assert reason["type"] == "tagger"
    assert "billing" in [o["value"] for o in reason["custom_field_options"]]


async def test_search_finds_a_customers_tickets(zd: Api) -> None:
    status, body = await zd.call("GET", f"/search.json?query=type:ticket requester_id:{ACME_USER}")
    assert status == 200
    assert [(r["result_type"], r["id"]) for r in body["results"]] == [("ticket", ACME_TICKET)]


async def test_an_unknown_endpoint_is_zendesks_404(zd: Api) -> None:
    status, body = await zd.call("GET", "/nothing_here.json")
    assert (status, body["error"]) == (404, "InvalidEndpoint")


async def test_client_credentials_issue_a_bearer_token_zendesk_accepts(zd: Api) -> None:
    answer = await zd.client.post(
        "/oauth/tokens",
        json={
            "grant_type": "client_credentials",
            "client_id": "sandbox-client",
            "client_secret": "sandbox-secret",
        },
    )
    assert answer.status == 200
    token = (await answer.json())["access_token"]
    status, _ = await zd.call("GET", "/tickets.json", headers={"Authorization": f"Bearer {token}"})
    assert status == 200
    wrong = await zd.client.post(
        "/oauth/tokens",
        data={
            "grant_type": "client_credentials",
            "client_id": "sandbox-client",
            "client_secret": "nope",
        },
    )
    assert wrong.status == 401


async def test_a_safe_update_of_a_ticket_changed_since_is_a_409(zd: Api) -> None:
    stamp = zd.store.fetch("ticket", ACME_TICKET)["updated_at"]
    fresh = {"ticket": {"priority": "low", "safe_update": True, "updated_stamp": stamp}}
    assert (await zd.call("PUT", f"/tickets/{ACME_TICKET}.json", fresh))[0] == 200
    stale = {"ticket": {"priority": "high", "safe_update": True,
                        "updated_stamp": "2000-01-01T00:00:00Z"}}  # fmt: skip
    status, body = await zd.call("PUT", f"/tickets/{ACME_TICKET}.json", stale)
    assert (status, body["error"]) == (409, "UpdateConflict")
    assert zd.store.fetch("ticket", ACME_TICKET)["priority"] == "low"


async def test_a_new_email_on_update_is_a_secondary_one_zendesk_finds_the_user_by(
    zd: Api,
) -> None:
    status, body = await zd.call(
        "PUT", f"/users/{GLOBEX_USER}.json", {"user": {"email": "gus.home@globex.example"}}
    )
    assert (status, body["user"]["email"]) == (200, "gus@globex.example")
    status, body = await zd.call("GET", "/users/search.json?query=email:GUS.HOME@globex.example")
    assert [u["id"] for u in body["users"]] == [GLOBEX_USER]
    status, body = await zd.call(
        "POST", "/users/create_or_update.json",
        {"user": {"name": "Gus", "email": "gus.home@globex.example", "phone": "0"}},
    )  # fmt: skip
    assert (status, body["user"]["id"], body["user"]["phone"]) == (200, GLOBEX_USER, "0")


async def test_an_external_id_is_found_as_text_in_any_case(zd: Api) -> None:
    status, body = await zd.call("GET", "/organizations/search.json?external_id=globex-1")
    assert status == 200
    assert [o["id"] for o in body["organizations"]] == [GLOBEX_ORG]


async def test_an_incident_is_linked_to_a_problem_ticket_and_to_nothing_else(zd: Api) -> None:
    status, body = await zd.call("POST", "/tickets.json", {"ticket": {
        "subject": "Outage", "type": "problem", "comment": {"body": "Routers down."},
    }})  # fmt: skip
    problem = body["ticket"]["id"]
    status, body = await zd.call("PUT", f"/tickets/{ACME_TICKET}.json", {"ticket": {
        "type": "incident", "problem_id": problem,
    }})  # fmt: skip
    assert (status, body["ticket"]["problem_id"]) == (200, problem)
    status, body = await zd.call("PUT", f"/tickets/{ACME_TICKET}.json", {"ticket": {
        "problem_id": GLOBEX_TICKET,
    }})  # fmt: skip
    assert status == 422
    assert "problem_id" in body["details"]


async def test_solving_a_problem_ticket_solves_its_incidents_with_its_comment(zd: Api) -> None:
    status, body = await zd.call("POST", "/tickets.json", {"ticket": {
        "subject": "Outage", "type": "problem", "comment": {"body": "Routers down."},
    }})  # fmt: skip
    problem = body["ticket"]["id"]
    for ticket in (ACME_TICKET, GLOBEX_TICKET):
        await zd.call("PUT", f"/tickets/{ticket}.json",
                      {"ticket": {"type": "incident", "problem_id": problem}})  # fmt: skip
    status, body = await zd.call("GET", f"/tickets/{problem}/incidents.json")
    assert (status, sorted(t["id"] for t in body["tickets"])) == (200, [ACME_TICKET, GLOBEX_TICKET])
    await zd.call("PUT", f"/tickets/{problem}.json", {"ticket": {
        "status": "solved", "comment": {"body": "Firmware rolled back.", "public": True},
    }})  # fmt: skip
    for ticket in (ACME_TICKET, GLOBEX_TICKET):
        assert zd.store.fetch("ticket", ticket)["status"] == "solved"
        assert zd.store.comments(ticket)[-1]["body"] == "Firmware rolled back."


async def test_a_comment_not_saying_is_as_public_as_the_tickets_first(zd: Api) -> None:
    """ "The initial value set on ticket creation persists for any additional comment unless
    you change it" (a comment's public)."""
    for first in (False, True):
        _, body = await zd.call("POST", "/tickets.json", {"ticket": {
            "subject": "Router", "comment": {"body": "Opened.", "public": first},
        }})  # fmt: skip
        made = body["ticket"]["id"]
        for comment in ("As text.", {"body": "Unsaid."}, {"body": "Said.", "public": True}):
            await zd.call("PUT", f"/tickets/{made}.json", {"ticket": {"comment": comment}})
        _, body = await zd.call("GET", f"/tickets/{made}/comments.json")
        assert [c["public"] for c in body["comments"]] == [first, first, first, True]


async def test_a_ticket_assigned_to_an_agent_alone_goes_to_the_agents_group(zd: Api) -> None:
    """Zendesk's own rule: a ticket assigned to an agent but not a group is put in the agent's
    group; a group the write names is kept."""
    agent = zd.store.fetch("user", AGENT_USER)
    status, body = await zd.call("PUT", f"/tickets/{ACME_TICKET}.json",
                                 {"ticket": {"assignee_id": AGENT_USER}})  # fmt: skip
    assert (status, body["ticket"]["group_id"]) == (200, agent["default_group_id"])
    status, body = await zd.call("PUT", f"/tickets/{GLOBEX_TICKET}.json",
                                 {"ticket": {"assignee_id": AGENT_USER,
                                             "group_id": BILLING_GROUP}})  # fmt: skip
    assert (status, body["ticket"]["group_id"]) == (200, BILLING_GROUP)


async def test_an_id_is_read_in_ascii_digits_only_as_rails_reads_it(zd: Api) -> None:
    wide = str(ACME_ORG).translate(FULLWIDTH)
    assert (await zd.call("PUT", f"/organizations/{wide}.json", {"organization": {}}))[0] == 404
    assert (await zd.call("DELETE", f"/organizations/destroy_many.json?ids={wide}"))[0] == 400
    status, _ = await zd.call("PUT", "/tickets/update_many.json",
                              {"tickets": [{"id": str(ACME_TICKET).translate(FULLWIDTH)}]})  # fmt: skip
    assert status == 400
    status, _ = await zd.call("POST", f"/tickets/{GLOBEX_TICKET}/merge.json",
                              {"ids": [str(ACME_TICKET).translate(FULLWIDTH)]})  # fmt: skip
    assert status == 400
    changed = {"ticket": {"requester_id": str(ACME_USER).translate(FULLWIDTH)}}
    assert (await zd.call("PUT", f"/tickets/{ACME_TICKET}.json", changed))[0] == 422
    assert zd.store.changes == []


async def test_a_new_user_naming_no_organization_joins_the_one_of_their_email_domain(
    zd: Api,
) -> None:
    status, body = await zd.call("POST", "/users.json",
                                 {"user": {"name": "Gia", "email": "gia@globex.example"}})  # fmt: skip
    assert (status, body["user"]["organization_id"]) == (201, GLOBEX_ORG)
    status, body = await zd.call("POST", "/users.json", {"user": {
        "name": "Hal", "email": "hal@globex.example", "organization_id": ACME_ORG,
    }})  # fmt: skip
    assert (status, body["user"]["organization_id"]) == (201, ACME_ORG)


async def test_collaborators_by_email_make_the_users_no_one_has_as_zendesk_documents(
    zd: Api,
) -> None:
    """Zendesk: "The collaborators parameter takes an array consisting of a combination of user ids,
    email addresses, or objects containing a name and email property ... to create the user on
    the fly" (Creating and managing requests: Setting collaborators); an update adds them by
    ``additional_collaborators``. An email a user has names that user."""
    before = len(zd.store.records("user"))
    status, body = await zd.call("POST", "/tickets.json", {"ticket": {
        "subject": "CC", "comment": {"body": "Copying people in."},
        "collaborators": [GLOBEX_USER, "new.person@elsewhere.example",
                          {"name": "Someone Else", "email": "someone@elsewhere.example"}],
    }})  # fmt: skip
    assert status == 201, body
    users = {u["email"]: u for u in zd.store.records("user")}
    made = [users["new.person@elsewhere.example"], users["someone@elsewhere.example"]]
    assert len(users) == before + 2
    assert [u["role"] for u in made] == ["end-user", "end-user"]
    assert made[1]["name"] == "Someone Else"
    assert body["ticket"]["collaborator_ids"] == [GLOBEX_USER, *(u["id"] for u in made)]

    ticket = body["ticket"]["id"]
    status, body = await zd.call("PUT", f"/tickets/{ticket}.json", {"ticket": {
        "additional_collaborators": ["someone@elsewhere.example", "third@elsewhere.example"],
    }})  # fmt: skip
    assert status == 200, body
    third = next(u for u in zd.store.records("user") if u["email"] == "third@elsewhere.example")
    assert body["ticket"]["collaborator_ids"] == [GLOBEX_USER, *(u["id"] for u in made),
                                                  third["id"]]  # fmt: skip

    status, body = await zd.call("PUT", f"/tickets/{ticket}.json",
                                 {"ticket": {"additional_collaborators": [999999]}})  # fmt: skip
    assert status == 422, body


async def test_deleting_an_agent_hands_their_open_tickets_to_the_one_deleting_them(
    zd: Api,
) -> None:
    """As Zendesk documents ("Downgrading and removing an agent"): an agent's tickets that are
    not closed go to the admin removing them; a closed one keeps its assignee; a user who
    requested a ticket that is not closed is kept."""
    _, made = await zd.call("POST", "/users.json", {"user": {"name": "Leo", "role": "agent"}})
    leaving = made["user"]["id"]
    held = {}
    for status in ("open", "closed"):
        _, body = await zd.call("POST", "/tickets.json", {"ticket": {
            "comment": {"body": "Router down."}, "requester_id": GLOBEX_USER,
            "assignee_id": leaving, "status": status,
        }})  # fmt: skip
        held[status] = body["ticket"]["id"]
    status, body = await zd.call("GET", f"/users/{leaving}/tickets/assigned.json")
    assert (status, sorted(t["id"] for t in body["tickets"])) == (200, sorted(held.values()))
    assert (await zd.call("DELETE", f"/users/{leaving}.json"))[0] == 200
    assert zd.store.fetch("ticket", held["open"])["assignee_id"] == AGENT_USER
    assert zd.store.fetch("ticket", held["closed"])["assignee_id"] == leaving
    status, body = await zd.call("DELETE", f"/users/{GLOBEX_USER}.json")
    assert status == 422
    assert "requester on" in body["details"]["base"][0]["description"]
