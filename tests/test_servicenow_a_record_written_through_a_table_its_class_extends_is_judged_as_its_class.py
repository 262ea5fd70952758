"""A ServiceNow record is judged as the class it is, through whichever table it is written: any
table may be extended (an admin's case type extends the case table, a callback the interaction
table), and the instance writes a record of the child class through its parent's table as
well as through its own. Judged as the parent's, such a write escaped every policy of the
child's table, and the operator's choice to refuse writes to tables no policy covers
(``unmatched_writes: block``, the default): an admin's callback no policy names was written
through ``interaction``. Property: every record the instance changes belongs to an allowed,
audited intent naming its record and its class, for updates alone or in a batch, through the
record's own table or through the one it extends. Raw HTTP through the proxy with the pack's
schemas and safeguards, to the sandbox instance."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from guardrail.sandbox.servicenow import INSTANCE, InstanceStore
from guardrail.sandbox.servicenow.seed import ACME_CASE_ID, ACME_INCIDENT_ID, ACME_INTERACTION_ID
from guardrail.sandbox.servicenow.tables import Table
from guardrail.testing import Stack
from tests.helpers import (
    Answer,
    Sent,
    Wire,
    servicenow_safeguards_pack,
    servicenow_stack_with,
    through_a_stack,
)

#: Tables the pack covers that no base table list names, each with its own seed record.
PARENTS = {
    "interaction": ACME_INTERACTION_ID,
    "sn_customerservice_case": ACME_CASE_ID,
    "incident": ACME_INCIDENT_ID,
}
#: The admin's record of a table extending the parent (``u_<parent>_ext``), by a fixed sys_id.
CHILD_ID = "c0ffee00c0ffee00c0ffee00c0ffee00"
JSON = (("Content-Type", "application/json"),)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("servicenow-extended")
    policies = servicenow_safeguards_pack(directory / "policies")
    with servicenow_stack_with(directory, policies) as running:
        yield running


def _child(parent: str) -> str:
    return f"u_{parent}_ext"


def _reset(store: InstanceStore, parent: str) -> Any:
    async def reset() -> None:
        store.reset()
        store.add_table(Table(_child(parent), "Admin's", {}, "number"), extends=parent)
        values = {"sys_id": CHILD_ID, "short_description": "Admin's record"}
        store.insert(_child(parent), values, user="system")
        store.changes.clear()

    return reset


def _request(method: str, table: str, sys_id: str, batched: bool) -> Sent:
    target = f"/api/now/table/{table}/{sys_id}"
    body = json.dumps({"short_description": "Changed by the agent"}).encode()
    if not batched:
        return Sent(method, target, body, JSON)
    item = {"id": "1", "method": method, "url": target, "body": base64.b64encode(body).decode(),
            "headers": [{"name": "Content-Type", "value": "application/json"}]}  # fmt: skip
    batch = json.dumps({"batch_request_id": "b", "rest_requests": [item]}).encode()
    return Sent("POST", "/api/now/v1/batch", batch, JSON)


@through_a_stack(60)
@given(
    parent=st.sampled_from(sorted(PARENTS)),
    whose=st.sampled_from(["the admin's", "the parent's own"]),
    through=st.sampled_from(["parent", "own table"]),
    method=st.sampled_from(["PATCH", "PUT"]),
    batched=st.booleans(),
)
def test_every_record_the_instance_changes_was_judged_as_its_class(
    stack: Stack, parent: str, whose: str, through: str, method: str, batched: bool
) -> None:
    store: InstanceStore = stack.crm_app[INSTANCE]
    stack.call(_reset(store, parent))
    admins = whose == "the admin's"
    sys_id = CHILD_ID if admins else PARENTS[parent]
    table = _child(parent) if admins and through == "own table" else parent
    sent = _request(method, table, sys_id, batched)
    answer: Answer = stack.call(_in_a_thread(Wire(stack), sent))
    changed = list(store.changes)
    event(f"{whose} through {through}: {answer.headers.get('x-guardrail-decision')}")
    assert answer.status < 500, answer.body
    if not changed:
        return
    decision_id = answer.headers.get("x-guardrail-decision-id")
    assert decision_id, f"changed {changed} without a decision"
    url = f"{stack.admin_url}/guardrail/v1/decisions/{decision_id}"
    decision = httpx.get(url, timeout=10).json()
    assert decision["decision"] == "allow", decision
    judged = {(i["object"], i["record_id"]) for i in decision["intents"]}
    for change in changed:
        assert (change.sobject, change.record_id) in judged, (
            f"{method} {table}/{sys_id} changed {change}, judged as {judged}"
        )


def _in_a_thread(wire: Wire, sent: Sent) -> Any:
    """The blocking send, run off the stack's loop (which serves the proxy and the sandbox)."""

    async def send() -> Answer:
        return await asyncio.to_thread(wire.send, sent)

    return send
