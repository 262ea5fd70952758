"""Who a Zendesk write pulls into a ticket or an organization, through the real proxy to the
sandbox with the shipped pack. A CC, an email CC, a follower, a ticket's requester or submitter
or a comment's author must be the verified customer, a user of the customer's organization or an
agent, read in the conversation: another customer, even read first, is refused and the sandbox
keeps the ticket as it was. An organization's domain names and ticket sharing (which add
people to it, or show them its tickets) are not changed by an agent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guardrail.sandbox.zendesk.seed import (
    ACME_ORG,
    ACME_TICKET,
    ACME_USER,
    AGENT_USER,
    GLOBEX_ORG,
    GLOBEX_USER,
)
from guardrail.testing import Stack
from tests.helpers import ZendeskAgent

PACK = Path(__file__).parent.parent / "policies" / "zendesk-contact-center"
CUSTOMER = {"account_ids": [str(ACME_ORG)], "contact_ids": [str(ACME_USER)]}
TICKET = f"/api/v2/tickets/{ACME_TICKET}.json"
READS = (TICKET, f"/api/v2/users/{GLOBEX_USER}.json", f"/api/v2/users/{AGENT_USER}.json")
# who may be named: the customer, an agent; never another customer (read or not) or a stranger
PEOPLE = {ACME_USER: True, AGENT_USER: True, GLOBEX_USER: False, 40_999: False}
FIELDS = ["collaborator_ids", "email_cc_ids", "follower_ids", "requester_id", "submitter_id",
          "comment.author_id"]  # fmt: skip
REFUSED = ("not the customer's own (the verified customer, a user of their organization",  # read
           "is not the customer you are talking to and was not read")  # never read  # fmt: skip


def ticket_write(field: str, person: int) -> tuple[str, str, dict[str, Any]]:
    """The request that names ``person`` in ``field``: an update of Acme's ticket, or (the
    submitter, set on create only) a new ticket for Acme's customer."""
    comment: dict[str, Any] = {"body": "Looping in the right people.", "public": False}
    if field == "submitter_id":
        new = {"requester_id": ACME_USER, "submitter_id": person, "comment": comment}
        return "POST", "/api/v2/tickets.json", {"ticket": new}
    if field == "requester_id":
        return "PUT", TICKET, {"ticket": {field: person, "comment": comment}}
    if field == "comment.author_id":
        return "PUT", TICKET, {"ticket": {"comment": {**comment, "author_id": person}}}
    return "PUT", TICKET, {"ticket": {field: [person], "comment": comment}}


SLOW = settings(
    max_examples=25, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip


@SLOW
@given(
    field=st.sampled_from(FIELDS),
    person=st.sampled_from(sorted(PEOPLE)),
)
def test_only_the_customers_own_users_or_agents_are_named_on_a_ticket(
    zendesk_stack: Stack, field: str, person: int
) -> None:
    agent = ZendeskAgent(zendesk_stack, CUSTOMER, reads=READS)
    before = (agent.records("ticket"), agent.records("comment"))
    answer = agent.write(*ticket_write(field, person))
    if PEOPLE[person] and (field, person) != ("follower_ids", ACME_USER):
        assert answer.status_code in (200, 201), answer.text
        return
    assert answer.status_code == 422, answer.text
    assert (agent.records("ticket"), agent.records("comment")) == before
    if PEOPLE[person]:  # Zendesk's own refusal: followers are agents
        assert "Followers: is invalid" in answer.text
    else:
        assert any(reason in answer.text for reason in REFUSED), answer.text


def test_cc_and_followers_the_pack_allows_land_in_the_sandbox(zendesk_stack: Stack) -> None:
    agent = ZendeskAgent(zendesk_stack, CUSTOMER, reads=READS)
    answer = agent.write(
        "PUT", TICKET, {"ticket": {"collaborator_ids": [ACME_USER], "follower_ids": [AGENT_USER],
                                   "comment": {"body": "Adding you.", "public": True}}},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    saved = answer.json()["ticket"]
    assert (saved["collaborator_ids"], saved["follower_ids"]) == ([ACME_USER], [AGENT_USER])


@pytest.mark.parametrize(
    "change",
    [
        {"domain_names": ["acme.example", "globex.example"]},
        {"shared_tickets": True},
        {"shared_comments": True},
    ],
)
def test_an_agent_cannot_widen_whom_an_organization_reaches(
    zendesk_stack: Stack, change: dict[str, Any]
) -> None:
    path = f"/api/v2/organizations/{ACME_ORG}.json"
    agent = ZendeskAgent(zendesk_stack, CUSTOMER, reads=(path,))
    before = agent.records("organization")
    answer = agent.write("PUT", path, {"organization": change})
    assert answer.status_code == 422, answer.text
    assert "a person changes them" in answer.text
    assert agent.records("organization") == before


def test_an_organizations_notes_may_change_with_its_sharing_sent_back_as_it_was(
    zendesk_stack: Stack,
) -> None:
    path = f"/api/v2/organizations/{ACME_ORG}.json"
    agent = ZendeskAgent(zendesk_stack, CUSTOMER, reads=(path,))
    sent = {"organization": {"shared_tickets": False, "domain_names": [], "notes": "Key."}}
    assert agent.write("PUT", path, sent).status_code == 200


@pytest.mark.parametrize(
    ("path", "record"),
    [(TICKET, "ticket"), (f"/api/v2/users/{ACME_USER}.json", "user")],
)
def test_a_ticket_or_user_is_not_moved_into_another_customers_organization_read_first(
    zendesk_stack: Stack, path: str, record: str
) -> None:
    agent = ZendeskAgent(
        zendesk_stack, CUSTOMER, reads=(path, f"/api/v2/organizations/{GLOBEX_ORG}.json")
    )
    before = agent.records(record)
    answer = agent.write("PUT", path, {record: {"organization_id": GLOBEX_ORG}})
    assert answer.status_code == 422, answer.text
    assert "organization_id" in answer.text
    assert agent.records(record) == before
