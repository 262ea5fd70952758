"""A create's answer says which record it made: crm-guardrail audits the create under that
sys_id, reads it back, and counts it as made in the conversation. ``sysparm_fields`` shapes
the answer to the fields it lists (and ``sysparm_view`` to a form's, overridden by
``sysparm_fields``), so a create asking for fields without ``sys_id`` made a record no audited
intent named, as ``X-no-response-body`` would. Such a create, alone or in a batch, is refused,
saying to list sys_id; one listing it is made and named. Raw HTTP through the proxy with the
shipped pack, to the sandbox instance."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guardrail.sandbox.servicenow import INSTANCE, InstanceStore
from guardrail.sandbox.servicenow.seed import ACME_CONTACT_ID
from guardrail.testing import Stack
from tests.helpers import Sent, Wire, acme_on_the_line

FIELDS = st.lists(
    st.sampled_from(["number", "short_description", "state", "caller_id", "SYS_ID", " sys_id",
                     "sys_id.value", "caller_id.sys_id"]),
    min_size=1, max_size=3, unique=True,
)  # fmt: skip


def incidents(stack: Stack) -> set[str]:
    store: InstanceStore = stack.crm_app[INSTANCE]
    return {row["sys_id"] for row in store.records("incident")}


def create(stack: Stack, query: str, batched: bool) -> tuple[int, bytes, dict[str, str]]:
    record = json.dumps({"short_description": "Wifi down", "caller_id": ACME_CONTACT_ID}).encode()
    target = f"/api/now/table/incident?{query}"
    if batched:
        item = {"id": "a", "method": "POST", "url": target, "body": base64.b64encode(record).decode(),
                "headers": [{"name": "Content-Type", "value": "application/json"}]}  # fmt: skip
        target, record = "/api/now/v1/batch", json.dumps({"rest_requests": [item]}).encode()
    acme_on_the_line(stack, "invariant", "My wifi is down.")  # the conversation Wire names
    answer = Wire(stack).send(Sent("POST", target, record, (("Content-Type", "application/json"),)))
    return answer.status, answer.body, answer.headers


@settings(max_examples=20, deadline=None)
@given(fields=FIELDS, view=st.booleans(), batched=st.booleans())
def test_a_create_whose_answer_leaves_out_its_sys_id_is_refused(
    servicenow_stack: Stack, fields: list[str], view: bool, batched: bool
) -> None:
    before = incidents(servicenow_stack)
    query = "sysparm_fields=" + quote(",".join(fields), safe=",") + ("&sysparm_view=ess" * view)
    status, body, _ = create(servicenow_stack, query, batched)
    assert status == 400, body
    assert "sys_id" in json.loads(body)["error"]["message"]
    assert incidents(servicenow_stack) == before


@pytest.mark.parametrize("query", ["sysparm_fields=sys_id,number", "sysparm_fields=number,sys_id",
                                   "sysparm_view=ess&sysparm_fields=sys_id", ""])  # fmt: skip
def test_a_create_whose_answer_names_its_record_is_made_and_audited_under_it(
    servicenow_stack: Stack, query: str
) -> None:
    before = incidents(servicenow_stack)
    status, body, headers = create(servicenow_stack, query, batched=False)
    assert status == 201, body
    [made] = incidents(servicenow_stack) - before
    decision = httpx.get(
        f"{servicenow_stack.admin_url}/guardrail/v1/decisions/"
        f"{headers['x-guardrail-decision-id']}", timeout=10,
    ).json()  # fmt: skip
    assert [i.get("saved_id") for i in decision["intents"]] == [made]
