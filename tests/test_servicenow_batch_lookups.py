"""A batch is judged as the instance runs it: item after item, each on what the ones before it
left. The instance is asked before a write is judged (which child incidents a parent's new
state moves, which class a record written through a base table is), but it is asked before the
batch runs, so an item after another write to the same table would be judged on an answer that
item may have changed: a batch making the customer's second incident a child of the first, then
moving the first, moved the second too, unjudged. Such a batch is refused, saying to send the
item on its own; sent one by one, the same writes are judged as they land. Raw HTTP through the
proxy with the shipped pack, to the sandbox instance."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterator

import pytest

from guardrail.sandbox.servicenow import INSTANCE, InstanceStore
from guardrail.sandbox.servicenow.seed import ACME_CONTACT_ID, ACME_INCIDENT_ID
from guardrail.testing import Stack
from tests.helpers import Sent, Wire, acme_on_the_line

TABLE = "/api/now/table/incident"
JSON = (("Content-Type", "application/json"),)


@pytest.fixture
def second(servicenow_stack: Stack) -> Iterator[str]:
    """Another incident of Acme's, read in the conversation beside the first; its sys_id."""
    store: InstanceStore = servicenow_stack.crm_app[INSTANCE]

    async def make() -> str:
        values = {"short_description": "Printer offline", "caller_id": ACME_CONTACT_ID}
        return store.insert("incident", values, user="system")["sys_id"]

    made = servicenow_stack.call(make)
    acme_on_the_line(servicenow_stack, "invariant", "The wifi and the printer are both down.")
    for sys_id in (ACME_INCIDENT_ID, made):
        assert Wire(servicenow_stack).send(Sent("GET", f"{TABLE}/{sys_id}")).status == 200
    yield made
    del store.rows["incident"][made]
    store.rows["incident"][ACME_INCIDENT_ID]["state"] = "1"


def item(ref: str, sys_id: str, fields: dict[str, str]) -> dict[str, object]:
    return {"id": ref, "method": "PATCH", "url": f"{TABLE}/{sys_id}",
            "body": base64.b64encode(json.dumps(fields).encode()).decode(),
            "headers": [{"name": "Content-Type", "value": "application/json"}]}  # fmt: skip


def test_a_batch_moving_a_parent_it_gave_a_child_before_is_refused(
    servicenow_stack: Stack, second: str
) -> None:
    store: InstanceStore = servicenow_stack.crm_app[INSTANCE]
    before = copy.deepcopy(store.rows)
    batch = {"rest_requests": [item("child", second, {"parent_incident": ACME_INCIDENT_ID}),
                               item("parent", ACME_INCIDENT_ID, {"state": "2"})]}  # fmt: skip
    answer = Wire(servicenow_stack).send(
        Sent("POST", "/api/now/v1/batch", json.dumps(batch).encode(), JSON)
    )
    assert answer.status == 400, answer.body
    message = json.loads(answer.body)["error"]["message"]
    assert message.startswith("Batch request parent:"), message
    assert "on its own" in message, message
    assert store.rows == before


def test_the_same_writes_one_by_one_are_judged_as_they_land(
    servicenow_stack: Stack, second: str
) -> None:
    wire = Wire(servicenow_stack)
    made_child = {"parent_incident": ACME_INCIDENT_ID}
    child = wire.send(Sent("PATCH", f"{TABLE}/{second}", json.dumps(made_child).encode(), JSON))
    assert child.status == 200, child.body
    moved = wire.send(Sent("PATCH", f"{TABLE}/{ACME_INCIDENT_ID}", b'{"state": "2"}', JSON))
    assert moved.status == 400, moved.body
    assert "parent incident of" in json.loads(moved.body)["error"]["message"]
