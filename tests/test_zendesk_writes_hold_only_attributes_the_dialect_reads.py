"""A Zendesk write is judged as the dialect reads it, whatever the pack's schema allows. Zendesk
acts on attributes the dialect does not read as what they do (``assignee_email`` assigns the
ticket to whoever has that email, ``macro_ids`` applies macros that set anything, ``raw_subject``
is the subject shown, a user's ``default_group_id`` routes what is assigned to them), so a pack
whose schema leaves ``additionalProperties`` open must not let them through unjudged: the dialect
refuses any attribute it does not read, in Zendesk's error format, naming it. The shipped pack
with its schemas opened, through the real proxy (zenpy, and Zendesk's JSON API) to the sandbox."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from zenpy.lib.api_objects import Comment, Ticket
from zenpy.lib.exception import APIException

from guardrail.crm.zendesk_schema import ATTRIBUTES
from guardrail.sandbox.zendesk.seed import ACME_ORG, ACME_TICKET, ACME_USER, BILLING_GROUP
from guardrail.testing import Stack
from tests.helpers import ZendeskAgent, through_a_stack, zendesk_stack_with

PACK = Path(__file__).parent.parent / "policies" / "zendesk-contact-center"
CUSTOMER = {"account_ids": [str(ACME_ORG)], "contact_ids": [str(ACME_USER)]}
TICKET = f"/api/v2/tickets/{ACME_TICKET}.json"
USER = f"/api/v2/users/{ACME_USER}.json"
NOTE = {"body": "Noted.", "public": False}
#: Attributes Zendesk documents and acts on, which the dialect does not read.
UNREAD = [
    ("PUT", TICKET, "ticket", {"assignee_email": "agent@sandbox.example", "comment": NOTE}),
    ("PUT", TICKET, "ticket", {"macro_ids": [1], "comment": NOTE}),
    ("PUT", TICKET, "ticket", {"raw_subject": "{{dc.refund_approved}}", "comment": NOTE}),
    ("POST", "/api/v2/tickets.json", "ticket",
     {"via_followup_source_id": ACME_TICKET, "requester_id": ACME_USER, "comment": NOTE}),
    ("PUT", USER, "user", {"custom_role_id": 1}),
    ("PUT", USER, "user", {"default_group_id": BILLING_GROUP}),
    ("PUT", f"/api/v2/organizations/{ACME_ORG}.json", "organization", {"Name": "Acme Ltd"}),
]  # fmt: skip


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The shipped pack, its schemas open to any other attribute."""
    pack = tmp_path_factory.mktemp("open") / "pack"
    shutil.copytree(PACK, pack)
    for schema in (pack / "schemas").glob("*.json"):
        opened = {**json.loads(schema.read_text()), "additionalProperties": True}
        schema.write_text(json.dumps(opened))
    with zendesk_stack_with(tmp_path_factory.mktemp("zendesk-open"), pack) as running:
        yield running


@pytest.fixture
def agent(stack: Stack) -> ZendeskAgent:
    return ZendeskAgent(
        stack, CUSTOMER, reads=(TICKET, USER, f"/api/v2/organizations/{ACME_ORG}.json")
    )


def _snapshot(agent: ZendeskAgent) -> dict[str, Any]:
    return {obj: agent.records(obj) for obj in ("ticket", "user", "organization", "comment")}


def test_a_write_of_attributes_the_dialect_reads_lands(agent: ZendeskAgent) -> None:
    answer = agent.write("PUT", TICKET, {"ticket": {"priority": "high", "comment": NOTE}})
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(("method", "path", "obj", "record"), UNREAD,
                         ids=[next(iter(r)) for *_, r in UNREAD])  # fmt: skip
def test_an_attribute_the_dialect_does_not_read_is_refused_naming_it(
    agent: ZendeskAgent, method: str, path: str, obj: str, record: dict[str, Any]
) -> None:
    before = _snapshot(agent)
    answer = agent.write(method, path, {obj: record})
    assert answer.status_code == 400, answer.text
    error = answer.json()
    assert next(iter(record)) in error["description"], error
    assert _snapshot(agent) == before


def test_zenpy_gets_its_usual_exception_for_such_an_attribute(agent: ZendeskAgent) -> None:
    zenpy = agent.zenpy("agent-open")
    user = zenpy.users(id=ACME_USER)
    user.default_group_id = BILLING_GROUP
    before = _snapshot(agent)
    with pytest.raises(APIException, match="default_group_id"):
        zenpy.users.update(user)
    misspelt = Ticket(requester_id=ACME_USER, priorty="high", comment=Comment(body="Hi."))
    with pytest.raises(APIException) as refused:
        zenpy.tickets.create(misspelt)
    assert refused.value.response.status_code == 400
    assert "Did you mean priority?" in json.loads(str(refused.value))["description"]
    assert _snapshot(agent) == before


@through_a_stack(20)
@given(name=st.from_regex(r"[a-z][a-z_]{0,24}", fullmatch=True))
def test_no_attribute_outside_the_dialects_reading_reaches_zendesk(stack: Stack, name: str) -> None:
    if name in ATTRIBUTES["ticket"] or name in ("comment", "custom_fields", "fields"):
        return
    agent = ZendeskAgent(stack, CUSTOMER, reads=(TICKET,))
    before = _snapshot(agent)
    answer = agent.write("PUT", TICKET, {"ticket": {name: "1", "comment": NOTE}})
    assert answer.status_code == 400, answer.text
    assert name in answer.json()["description"]
    assert _snapshot(agent) == before
