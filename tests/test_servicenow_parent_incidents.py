"""A write to the customer's own incident is judged with what the instance carries to its child
incidents: a parent's new state (in progress, or resolved with its resolution code and notes)
is set on each child too, so when another customer's incident is a child of the customer's,
moving the parent moves theirs unjudged. pysnc through the proxy with the shipped pack, to the
sandbox instance (which syncs children with their parent, as the platform documents)."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pysnc.exceptions import RequestException

from guardrail.sandbox.servicenow import INSTANCE, InstanceStore
from guardrail.sandbox.servicenow.seed import (
    ACME_ACCOUNT_ID,
    ACME_CONTACT_ID,
    ACME_INCIDENT_ID,
    GLOBEX_CONTACT_ID,
)
from guardrail.testing import Stack

_conversations = itertools.count()


@pytest.fixture
def store(servicenow_stack: Stack) -> Iterator[InstanceStore]:
    instance: InstanceStore = servicenow_stack.crm_app[INSTANCE]
    yield instance
    for row in instance.records("incident"):  # the module's other tests start from the seed
        if row["parent_incident"] == ACME_INCIDENT_ID:
            del instance.rows["incident"][row["sys_id"]]
    instance.rows["incident"][ACME_INCIDENT_ID]["state"] = "1"


def child(servicenow_stack: Stack, caller: str) -> str:
    """A child incident of Acme's, called in by ``caller``; its sys_id."""

    async def make() -> str:
        store: InstanceStore = servicenow_stack.crm_app[INSTANCE]
        values = {"short_description": "Wifi down here too", "caller_id": caller,
                  "parent_incident": ACME_INCIDENT_ID}  # fmt: skip
        return store.insert("incident", values, user="system")["sys_id"]

    return servicenow_stack.call(make)


def client(stack: Stack) -> Any:
    """pysnc in a conversation with Acme's verified contact, Acme's incident read."""
    name = f"sn-parent-{next(_conversations)}"
    httpx.put(
        f"{stack.admin_url}/guardrail/v1/conversations/{name}",
        json={"channel": "voice", "turns": [{"role": "customer", "text": "Wifi is back, thanks."}],
              "customer": {"account_ids": [ACME_ACCOUNT_ID], "contact_ids": [ACME_CONTACT_ID],
                           "verified": True}},
        timeout=10,
    ).raise_for_status()  # fmt: skip
    made = stack.servicenow(conversation=name, agent="agent-parent-incidents")
    made.GlideRecord("incident").get(ACME_INCIDENT_ID)
    return made


@pytest.mark.parametrize("state", ["2", "6"])
def test_moving_a_parent_incident_that_would_move_another_customers_child_is_refused(
    servicenow_stack: Stack, store: InstanceStore, state: str
) -> None:
    theirs = child(servicenow_stack, GLOBEX_CONTACT_ID)
    before = copy.deepcopy(store.rows)
    parent = client(servicenow_stack).GlideRecord("incident")
    assert parent.get(ACME_INCIDENT_ID)
    parent.state = state
    with pytest.raises(RequestException) as caught:
        parent.update()
    message = caught.value.args[0]["error"]["message"]
    assert "parent incident of" in message
    assert theirs in message
    assert store.rows == before


def test_a_parent_moves_once_each_child_it_would_move_was_moved_on_its_own(
    servicenow_stack: Stack, store: InstanceStore
) -> None:
    ours = child(servicenow_stack, ACME_CONTACT_ID)
    made = client(servicenow_stack)
    parent = made.GlideRecord("incident")
    assert parent.get(ACME_INCIDENT_ID)
    parent.state = "2"
    with pytest.raises(RequestException):
        parent.update()
    mine = made.GlideRecord("incident")
    assert mine.get(ours)
    mine.state = "2"
    mine.update()
    parent.update()
    assert store.rows["incident"][ACME_INCIDENT_ID]["state"] == "2"
