"""A new Zendesk user whose write names no organization is put by Zendesk in the organization
whose domain names hold their email's domain ("automatically assign them to an organization by
their email address domain"), whoever's it is: an agent of one customer would add a person to
another customer's organization, though the same write naming that organization is refused.
The proxy cannot tell which organization that is, so a user made with an email (by
``POST /users``, or a ``create_or_update`` that creates) must name its organization, and is
then judged with it; an update, which Zendesk maps nothing on, is judged as it is."""

from __future__ import annotations

import pytest

from guardrail.sandbox.zendesk.seed import ACME_ORG, ACME_USER, GLOBEX_ORG
from guardrail.testing import Stack
from tests.helpers import ZendeskAgent

CUSTOMER = {"account_ids": [str(ACME_ORG)], "contact_ids": [str(ACME_USER)]}
ROUTES = ["/api/v2/users.json", "/api/v2/users/create_or_update.json"]


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize("email", ["mallory@globex.example", "bo@acme.example"])
def test_a_user_made_with_an_email_and_no_organization_is_refused_saying_to_name_it(
    zendesk_stack: Stack, path: str, email: str
) -> None:
    agent = ZendeskAgent(zendesk_stack, CUSTOMER)
    before = agent.records("user")
    for organization in ({}, {"organization_id": None}):
        answer = agent.write("POST", path, {"user": {"name": "New", "email": email,
                                                     **organization}})  # fmt: skip
        assert answer.status_code == 400, answer.text
        assert "organization_id" in answer.json()["description"]
    assert agent.records("user") == before


@pytest.mark.parametrize("path", ROUTES)
def test_a_user_made_in_the_customers_organization_lands_there(
    zendesk_stack: Stack, path: str
) -> None:
    agent = ZendeskAgent(zendesk_stack, CUSTOMER)
    answer = agent.write(
        "POST",
        path,
        {
            "user": {
                "name": "Bo",
                "email": f"bo{len(path)}@acme.example",
                "organization_id": ACME_ORG,
            }
        },
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["user"]["organization_id"] == ACME_ORG


def test_a_user_named_into_another_customers_organization_is_refused(
    zendesk_stack: Stack,
) -> None:
    agent = ZendeskAgent(zendesk_stack, CUSTOMER)
    answer = agent.write("POST", ROUTES[0], {"user": {
        "name": "Mallory", "email": "mallory2@globex.example", "organization_id": GLOBEX_ORG,
    }})  # fmt: skip
    assert answer.status_code == 422, answer.text


def test_a_user_made_without_an_email_joins_no_organization_and_needs_none(
    zendesk_stack: Stack,
) -> None:
    agent = ZendeskAgent(zendesk_stack, CUSTOMER)
    answer = agent.write("POST", ROUTES[0], {"user": {"name": "Walk-in", "phone": "+15550123"}})
    assert answer.status_code == 201, answer.text
    assert answer.json()["user"]["organization_id"] is None


def test_an_update_of_the_customers_own_user_by_email_needs_no_organization(
    zendesk_stack: Stack,
) -> None:
    agent = ZendeskAgent(zendesk_stack, CUSTOMER)
    answer = agent.write("POST", ROUTES[1], {"user": {"email": "ada@acme.example",
                                                      "phone": "+15550124"}})  # fmt: skip
    assert answer.status_code == 200, answer.text
