"""Solving the customer's problem ticket is judged with what Zendesk does with it: it solves
every incident linked to the problem too, its solving comment added to each, so another
customer's incident linked to the customer's problem would be solved, and told the customer's
comment, unjudged. zenpy through the proxy with the shipped pack, to the Zendesk sandbox (which
solves a problem's incidents with it, as Zendesk does)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from zenpy.lib.api_objects import Comment, Ticket
from zenpy.lib.exception import APIException

from guardrail.sandbox.zendesk import ZENDESK_STORE
from guardrail.sandbox.zendesk.seed import ACME_ORG, ACME_USER, GLOBEX_USER
from guardrail.testing import Stack
from tests.helpers import ZendeskAgent, zendesk_problem

CUSTOMER = {"account_ids": [str(ACME_ORG)], "contact_ids": [str(ACME_USER)]}


def incident(stack: Stack, problem: int, requester: int) -> int:
    """A ticket ``requester`` raised, linked to ``problem`` as one of its incidents."""

    async def make() -> int:
        store = stack.crm_app[ZENDESK_STORE]
        made = store.create_ticket({"subject": "No internet", "requester_id": requester,
                                    "type": "incident", "problem_id": problem,
                                    "comment": {"body": "Router is down."}})  # fmt: skip
        return int(made["id"])

    return stack.call(make)


def tickets(stack: Stack) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        store = stack.crm_app[ZENDESK_STORE]
        return [{**t, "comments": store.comments(t["id"])} for t in store.records("ticket")]

    return stack.call(read)


@pytest.mark.parametrize("status", ["solved", "closed"])
def test_solving_a_problem_that_would_solve_another_customers_incident_is_refused(
    zendesk_stack: Stack, status: str
) -> None:
    problem = zendesk_problem(zendesk_stack, ACME_USER)
    theirs = incident(zendesk_stack, problem, GLOBEX_USER)
    zenpy = ZendeskAgent(zendesk_stack, CUSTOMER, reads=(f"/api/v2/tickets/{problem}.json",)
                         ).zenpy("agent-zendesk-problems")  # fmt: skip
    before = tickets(zendesk_stack)
    with pytest.raises(APIException) as raised:
        zenpy.tickets.update(Ticket(id=problem, status=status,
                                    comment=Comment(body="Fixed: your router was replaced.")))  # fmt: skip
    refusal = str(json.loads(str(raised.value)))
    assert f"problem ticket of {theirs}" in refusal
    assert tickets(zendesk_stack) == before


def test_a_problem_is_solved_once_each_incident_it_would_solve_was_solved_on_its_own(
    zendesk_stack: Stack,
) -> None:
    problem = zendesk_problem(zendesk_stack, ACME_USER)
    ours = incident(zendesk_stack, problem, ACME_USER)
    agent = ZendeskAgent(zendesk_stack, CUSTOMER, reads=(f"/api/v2/tickets/{problem}.json",
                                                          f"/api/v2/tickets/{ours}.json"))  # fmt: skip
    zenpy = agent.zenpy("agent-zendesk-problems")
    solved = Ticket(id=problem, status="solved", comment=Comment(body="Firmware rolled back."))
    with pytest.raises(APIException):
        zenpy.tickets.update(solved)
    zenpy.tickets.update(Ticket(id=ours, status="solved", comment=Comment(body="Back online.")))
    zenpy.tickets.update(solved)
    assert {t["id"]: t["status"] for t in tickets(zendesk_stack)}[problem] == "solved"


def test_a_job_status_grounds_no_ticket_it_names_only_by_id(zendesk_stack: Stack) -> None:
    """A job's results name records by id alone (any job in the account, of users or
    organizations too): read there, another customer's problem ticket was grounded with no
    organization to show whose it is, so the customer's ticket could be made its incident."""
    theirs = zendesk_problem(zendesk_stack, GLOBEX_USER)

    async def their_job() -> str:
        store = zendesk_stack.crm_app[ZENDESK_STORE]
        done = [{"id": theirs, "index": 0, "action": "update", "success": True}]
        return str(store.run_job(1, lambda: done)["id"])

    job = zendesk_stack.call(their_job)
    mine = f"/api/v2/tickets/{_acme_ticket(zendesk_stack)}.json"
    agent = ZendeskAgent(zendesk_stack, CUSTOMER, reads=(mine, f"/api/v2/job_statuses/{job}.json"))
    answer = agent.write("PUT", mine, {"ticket": {"type": "incident", "problem_id": theirs}})
    assert answer.status_code == 422, answer.text
    assert "/ProblemGrounded)" in answer.text


def _acme_ticket(stack: Stack) -> int:
    async def make() -> int:
        made = stack.crm_app[ZENDESK_STORE].create_ticket(
            {"subject": "Slow line", "requester_id": ACME_USER, "comment": {"body": "Slow."}}
        )
        return int(made["id"])

    return stack.call(make)


def test_an_update_many_linking_an_incident_before_solving_its_problem_is_refused(
    zendesk_stack: Stack,
) -> None:
    """Zendesk is asked which incidents solving the problem solves before update_many runs, and
    the job runs its tickets in order: the customer's ticket linked first was solved with the
    problem, its comment added, unjudged. Refused, saying to send the solve on its own."""
    problem = zendesk_problem(zendesk_stack, ACME_USER)
    ours = _acme_ticket(zendesk_stack)
    agent = ZendeskAgent(zendesk_stack, CUSTOMER, reads=(f"/api/v2/tickets/{problem}.json",
                                                          f"/api/v2/tickets/{ours}.json"))  # fmt: skip
    before = tickets(zendesk_stack)
    answer = agent.write("PUT", "/api/v2/tickets/update_many.json", {"tickets": [
        {"id": ours, "type": "incident", "problem_id": problem},
        {"id": problem, "status": "solved", "comment": {"body": "Fixed.", "public": True}},
    ]})  # fmt: skip
    assert answer.status_code == 400, answer.text
    assert "tickets[1]" in answer.json()["description"], answer.text
    assert "on its own" in answer.json()["description"], answer.text
    assert tickets(zendesk_stack) == before


def test_an_update_many_reopening_an_incident_before_solving_its_problem_is_refused(
    zendesk_stack: Stack,
) -> None:
    """An incident solved when Zendesk is asked is no incident solving the problem would
    solve; reopened by the job first, it is solved again with the problem's comment."""
    problem = zendesk_problem(zendesk_stack, ACME_USER)
    ours = incident(zendesk_stack, problem, ACME_USER)
    agent = ZendeskAgent(zendesk_stack, CUSTOMER, reads=(f"/api/v2/tickets/{problem}.json",
                                                          f"/api/v2/tickets/{ours}.json"))  # fmt: skip
    solved = agent.write("PUT", f"/api/v2/tickets/{ours}.json", {"ticket": {
        "status": "solved", "comment": {"body": "Back online.", "public": True}}})  # fmt: skip
    assert solved.status_code == 200, solved.text
    before = tickets(zendesk_stack)
    answer = agent.write("PUT", "/api/v2/tickets/update_many.json", {"tickets": [
        {"id": ours, "status": "open"},
        {"id": problem, "status": "solved", "comment": {"body": "Fixed.", "public": True}},
    ]})  # fmt: skip
    assert answer.status_code == 400, answer.text
    assert tickets(zendesk_stack) == before


def test_solving_several_tickets_in_one_update_many_is_judged_and_lands(
    zendesk_stack: Stack,
) -> None:
    """Solving writes no link and reopens nothing, so each solve's look-up stays true."""
    problem = zendesk_problem(zendesk_stack, ACME_USER)
    ours = _acme_ticket(zendesk_stack)
    agent = ZendeskAgent(zendesk_stack, CUSTOMER, reads=(f"/api/v2/tickets/{problem}.json",
                                                          f"/api/v2/tickets/{ours}.json"))  # fmt: skip
    answer = agent.write("PUT", f"/api/v2/tickets/update_many.json?ids={ours},{problem}",
                         {"ticket": {"status": "solved"}})  # fmt: skip
    assert answer.status_code == 200, answer.text
    statuses = {t["id"]: t["status"] for t in tickets(zendesk_stack)}
    assert statuses[ours] == statuses[problem] == "solved"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("PUT", "/api/v2/tickets/{problem}.json", {"ticket": {"custom_status_id": 9}}),
     ("PUT", "/api/v2/tickets/update_many.json?ids={problem}", {"ticket": {"custom_status_id": "9"}}),
     ("PUT", "/api/v2/tickets/update_many.json", {"tickets": [{"id": "{problem}", "custom_status_id": 9}]}),
     ("POST", "/api/v2/tickets.json", {"ticket": {"subject": "x", "comment": {"body": "x"},
                                                  "custom_status_id": 9}}),
     ("POST", "/api/v2/tickets/create_many.json", {"tickets": [{"subject": "x", "custom_status_id": 9}]})],
)  # fmt: skip
def test_a_ticket_write_setting_a_custom_status_is_refused_saying_to_set_status(
    zendesk_stack: Stack, method: str, path: str, body: dict[str, Any]
) -> None:
    """A custom status sets the ticket's status to its category (a solved one solves the
    problem and its incidents), which only the account's custom statuses say: judged, the
    write set no status at all. Refused whatever the pack's schema allows."""
    problem = zendesk_problem(zendesk_stack, ACME_USER)
    incident(zendesk_stack, problem, GLOBEX_USER)
    agent = ZendeskAgent(zendesk_stack, CUSTOMER, reads=(f"/api/v2/tickets/{problem}.json",))
    before = tickets(zendesk_stack)
    sent = json.loads(json.dumps(body).replace('"{problem}"', str(problem)))
    answer = agent.write(method, path.format(problem=problem), sent)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "GUARDRAIL_AMBIGUOUS_REQUEST", answer.text
    assert "send status" in answer.json()["description"], answer.text
    assert tickets(zendesk_stack) == before
