"""Deleting an agent hands their tickets that are not closed to the admin deleting them
(Zendesk's "Downgrading and removing an agent": "If you don't reassign open tickets before
removing the agent, then the tickets are reassigned to the admin removing the agent"), so the
delete changes every customer's tickets the agent held, which no intent of the request names.
Whether a user may be deleted is a policy's to say (the shipped pack never deletes one; this
test's policy allows it), but what the delete does beside its record is not: zenpy through
the proxy to the sandbox (which reassigns as Zendesk documents): the delete is refused, naming
the tickets, and every record is kept; an agent holding none is deleted as before."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from zenpy.lib.exception import APIException

from guardrail.sandbox.zendesk import ZENDESK_STORE, ZendeskStore
from guardrail.sandbox.zendesk.seed import AGENT_EMAIL, GLOBEX_USER
from guardrail.testing import Stack
from tests.helpers import deletes_allowed, zendesk_stack_with


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("zendesk-agent-deletes")
    with zendesk_stack_with(directory, deletes_allowed(directory, "zendesk", ["user"])) as running:
        yield running


def an_agent(stack: Stack, holding: str | None) -> int:
    """A new agent, assigned a Globex ticket in ``holding`` status (None: no ticket)."""

    async def make() -> int:
        store: ZendeskStore = stack.crm_app[ZENDESK_STORE]
        agent = store.create_user({"name": "Leaving Agent", "role": "agent"})["id"]
        if holding is not None:
            ticket = store.create_ticket({"comment": "Router down.", "requester_id": GLOBEX_USER})
            store.update_ticket(ticket["id"], {"assignee_id": agent, "status": holding})
        return int(agent)

    return stack.call(make)


def client(stack: Stack) -> Any:
    return stack.zendesk(conversation="zd-agent-delete", agent="agent-deletes",
                         email=AGENT_EMAIL, token="sandbox-api-token")  # fmt: skip


@pytest.mark.parametrize("many", [False, True], ids=["delete", "destroy_many"])
def test_deleting_an_agent_who_holds_a_ticket_that_is_not_closed_is_refused(
    stack: Stack, many: bool
) -> None:
    store: ZendeskStore = stack.crm_app[ZENDESK_STORE]
    agent = an_agent(stack, "open")
    before = copy.deepcopy(store.records("ticket"))
    zenpy = client(stack)
    user = zenpy.users(id=agent)
    with pytest.raises(APIException) as caught:
        zenpy.users.delete([user] if many else user)  # a list: destroy_many?ids=
    assert "reassign" in str(caught.value)
    assert store.get("user", agent) is not None
    assert store.records("ticket") == before


@pytest.mark.parametrize("holding", [None, "closed"])
def test_an_agent_holding_no_ticket_that_is_not_closed_is_deleted(
    stack: Stack, holding: str | None
) -> None:
    store: ZendeskStore = stack.crm_app[ZENDESK_STORE]
    agent = an_agent(stack, holding)
    zenpy = client(stack)
    zenpy.users.delete(zenpy.users(id=agent))
    assert store.get("user", agent) is None
