"""Which group a Zendesk ticket lands in is judged however the write puts it there: an
organization's group (``group_id``) puts every new ticket of its users in that group, so an
agent setting it routes the customer's next tickets where no ticket write of theirs was judged.
zenpy through the proxy with the shipped pack, to the Zendesk sandbox (which routes a new
ticket by its organization's group, as Zendesk documents)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from zenpy import Zenpy
from zenpy.lib.api_objects import Organization
from zenpy.lib.exception import APIException

from guardrail.sandbox.zendesk import ZENDESK_STORE
from guardrail.sandbox.zendesk.fields import CONTACT_REASON_FIELD
from guardrail.sandbox.zendesk.seed import (
    ACME_ORG,
    ACME_TICKET,
    ACME_USER,
    AGENT_USER,
    ESCALATIONS_GROUP,
    RETENTION_GROUP,
)
from guardrail.testing import Stack
from tests.helpers import ZendeskAgent

CUSTOMER = {"account_ids": [str(ACME_ORG)], "contact_ids": [str(ACME_USER)]}
ORGANIZATION = f"/api/v2/organizations/{ACME_ORG}.json"


@pytest.fixture
def agent(zendesk_stack: Stack) -> ZendeskAgent:
    """A conversation of its own, the customer's organization read."""
    return ZendeskAgent(zendesk_stack, CUSTOMER, reads=(ORGANIZATION,))


@pytest.fixture
def zenpy(agent: ZendeskAgent) -> Zenpy:
    return agent.zenpy("agent-zendesk-routing")


def organization(stack: Stack) -> dict[str, Any]:
    async def read() -> dict[str, Any]:
        return stack.crm_app[ZENDESK_STORE].fetch("organization", ACME_ORG)

    return stack.call(read)


@pytest.mark.parametrize("group", [RETENTION_GROUP, str(RETENTION_GROUP)])
def test_an_organizations_group_that_would_route_its_new_tickets_is_refused(
    zendesk_stack: Stack, zenpy: Zenpy, group: int | str
) -> None:
    before = organization(zendesk_stack)
    with pytest.raises(APIException) as raised:
        zenpy.organizations.update(Organization(id=ACME_ORG, group_id=group))
    assert raised.value.response.status_code == 422
    assert "organization-group-unchanged/GroupUnchanged" in str(json.loads(str(raised.value)))
    assert organization(zendesk_stack) == before


def test_a_new_organization_is_made_without_a_group(zenpy: Zenpy) -> None:
    with pytest.raises(APIException) as raised:
        zenpy.organizations.create(Organization(name="Initech", group_id=RETENTION_GROUP))
    assert "organization-group-unchanged/GroupUnchanged" in str(json.loads(str(raised.value)))


def test_an_organization_sent_back_with_the_group_it_has_is_saved(agent: ZendeskAgent) -> None:
    sent = {"organization": {"group_id": None, "notes": "Prefers email."}}
    assert agent.write("PUT", ORGANIZATION, sent).status_code == 200, sent


def test_an_assignee_set_without_the_group_that_zendesk_would_then_set_is_refused(
    zendesk_stack: Stack,
) -> None:
    """Zendesk puts a ticket assigned to an agent in the agent's group when the write names
    none, so the group is judged only where the write names it: assignee_id goes with
    group_id."""
    path = f"/api/v2/tickets/{ACME_TICKET}.json"
    agent = ZendeskAgent(zendesk_stack, CUSTOMER, reads=(path, f"/api/v2/users/{AGENT_USER}.json"))
    before = agent.records("ticket")
    answer = agent.write("PUT", path, {"ticket": {"assignee_id": AGENT_USER}})
    assert answer.status_code == 422, answer.text
    assert "ticket-assignee-group/GroupWithAssignee" in answer.text
    assert agent.records("ticket") == before
    routed = {"assignee_id": AGENT_USER, "group_id": ESCALATIONS_GROUP,
              "custom_fields": [{"id": CONTACT_REASON_FIELD, "value": "complaint"}]}  # fmt: skip
    assert agent.write("PUT", path, {"ticket": routed}).status_code == 200
