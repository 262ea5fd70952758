"""A ticket's tags set its drop-down fields (an option is its tag), so a write that sets them by
tags is judged as the field values they set, end to end: zenpy through the proxy, with the
shipped pack, to the Zendesk sandbox, which keeps tags and fields in step as Zendesk does. And,
as a property: whatever tags and fields a write mixes, every custom field the sandbox changes is
one an allowed, audited intent set to that value, and a value the pack refuses (a resolution
before the conversation has an outcome) is never saved."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from zenpy import Zenpy
from zenpy.lib.api_objects import Comment, CustomField, Ticket
from zenpy.lib.exception import APIException

from guardrail.sandbox.zendesk import ZENDESK_STORE
from guardrail.sandbox.zendesk.fields import (
    CONTACT_REASON_FIELD,
    REFUND_REASON_FIELD,
    RESOLUTION_FIELD,
)
from guardrail.sandbox.zendesk.seed import ACME_ORG, ACME_TICKET, ACME_USER
from guardrail.testing import Stack
from tests.helpers import ZendeskAgent, through_a_stack

CUSTOMER = {"account_ids": [str(ACME_ORG)], "contact_ids": [str(ACME_USER)]}
RESOLUTION = f"custom_fields.{RESOLUTION_FIELD}"


@pytest.fixture
def agent(zendesk_stack: Stack) -> ZendeskAgent:
    """A conversation of its own, the customer's ticket read (theirs to change)."""
    return ZendeskAgent(zendesk_stack, CUSTOMER, reads=(f"/api/v2/tickets/{ACME_TICKET}.json",))


@pytest.fixture
def zenpy(agent: ZendeskAgent) -> Zenpy:
    return agent.zenpy("agent-zendesk-tags")


def saved(stack: Stack, ticket_id: int = ACME_TICKET) -> dict[str, Any]:
    async def read() -> dict[str, Any]:
        return stack.crm_app[ZENDESK_STORE].fetch("ticket", ticket_id)

    return stack.call(read)


def field(ticket: dict[str, Any], field_id: int) -> Any:
    return next(f["value"] for f in ticket["custom_fields"] if f["id"] == field_id)


def refusal(raised: pytest.ExceptionInfo[APIException]) -> str:
    return str(json.loads(str(raised.value)))


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"custom_fields": [CustomField(id=RESOLUTION_FIELD,
                                                    value="refund_issued")]}, id="plainly"),
        pytest.param({"tags": ["refund_issued"]}, id="tags"),
        pytest.param({"additional_tags": ["vip", "refund_issued"]}, id="additional-tags"),
    ],
)  # fmt: skip
def test_a_resolution_set_by_its_tag_is_refused_as_plainly_set_it_is(
    zendesk_stack: Stack, zenpy: Zenpy, change: dict[str, Any]
) -> None:
    before = saved(zendesk_stack)
    with pytest.raises(APIException) as raised:
        zenpy.tickets.update(Ticket(id=ACME_TICKET, **change))
    assert raised.value.response.status_code == 422
    assert "ticket-resolution/ResolutionMatchesOutcome" in refusal(raised)
    assert saved(zendesk_stack) == before


def test_a_ticket_created_with_an_options_tag_is_judged_with_that_option(zenpy: Zenpy) -> None:
    ticket = Ticket(subject="Router", requester_id=ACME_USER, tags=["resolved"],
                    comment=Comment(body="Router reboots hourly.", public=False))  # fmt: skip
    with pytest.raises(APIException) as raised:
        zenpy.tickets.create(ticket)
    assert "ticket-resolution/ResolutionMatchesOutcome" in refusal(raised)


@pytest.mark.parametrize(
    "tags",
    [pytest.param(["vip refund_issued"], id="two-words"), pytest.param(["REFUND_ISSUED"], id="case"),
     pytest.param(["vip\trefund_issued"], id="tab")],
)  # fmt: skip
def test_a_resolution_tag_spelled_as_zendesk_reads_it_is_refused_as_plainly_set_it_is(
    zendesk_stack: Stack, zenpy: Zenpy, tags: list[str]
) -> None:
    """Zendesk saves a tag lower-cased and splits it at spaces, so a text holding an option's
    tag among other words, or in capitals, selects that option all the same."""
    before = saved(zendesk_stack)
    with pytest.raises(APIException) as raised:
        zenpy.tickets.update(Ticket(id=ACME_TICKET, additional_tags=tags))
    assert "ticket-resolution/ResolutionMatchesOutcome" in refusal(raised)
    assert saved(zendesk_stack) == before


@pytest.mark.parametrize(
    ("change", "why"),
    [
        pytest.param({"remove_tags": ["technical"]}, "remove_tags removes", id="remove-tags"),
        pytest.param({"tags": ["technical", "billing"]}, "select both", id="two-options"),
        pytest.param(
            {"tags": ["billing"],
             "custom_fields": [CustomField(id=CONTACT_REASON_FIELD, value="technical")]},
            "while custom_fields sets it", id="disagreeing",
        ),
    ],
)  # fmt: skip
def test_tags_that_cannot_be_read_one_way_are_refused_saying_to_use_custom_fields(
    zendesk_stack: Stack, zenpy: Zenpy, change: dict[str, Any], why: str
) -> None:
    before = saved(zendesk_stack)
    with pytest.raises(APIException) as raised:
        zenpy.tickets.update(Ticket(id=ACME_TICKET, **change))
    assert why in refusal(raised)
    assert "Set the field by custom_fields" in refusal(raised)
    assert saved(zendesk_stack) == before


def test_tags_land_with_the_fields_they_set_judged_and_audited(
    zendesk_stack: Stack, zenpy: Zenpy, agent: ZendeskAgent
) -> None:
    zenpy.tickets.update(Ticket(id=ACME_TICKET, additional_tags=["technical"]))
    assert field(saved(zendesk_stack), CONTACT_REASON_FIELD) == "technical"
    zenpy.tickets.update(Ticket(id=ACME_TICKET, tags=["vip"]))  # replaces: the reason goes
    ticket = saved(zendesk_stack)
    assert (field(ticket, CONTACT_REASON_FIELD), ticket["tags"]) == (None, ["vip"])
    admin = f"{zendesk_stack.admin_url}/guardrail/v1/decisions"
    [latest] = httpx.get(f"{admin}?conversation={agent.conversation}&limit=1", timeout=10).json()[
        "decisions"
    ]
    [intent] = httpx.get(f"{admin}/{latest['decision_id']}", timeout=10).json()["intents"]
    assert intent["fields"][f"custom_fields.{CONTACT_REASON_FIELD}"] is None


@pytest.mark.parametrize(("kind", "record_id"), [("users", ACME_USER), ("organizations", ACME_ORG)])
def test_a_users_or_organizations_tag_that_would_select_an_option_on_their_tickets_is_refused(
    zendesk_stack: Stack, zenpy: Zenpy, agent: ZendeskAgent, kind: str, record_id: int
) -> None:
    """Zendesk adds a user's tags, and their organization's, to their tickets (user and
    organization tagging), so a resolution's tag on the customer would resolve their next
    ticket unjudged. An option's tag is refused there; any other tag lands."""
    agent.client.get(f"/api/v2/{kind}/{record_id}.json").raise_for_status()
    before = agent.records(kind[:-1])
    answer = agent.write("PUT", f"/api/v2/{kind}/{record_id}.json",
                         {kind[:-1]: {"tags": ["vip", "refund_issued"]}})  # fmt: skip
    assert answer.status_code == 400, answer.text
    assert "refund_issued" in answer.text
    assert "tags to their tickets" in answer.text
    assert agent.records(kind[:-1]) == before
    for tags in (["vip"], []):  # lands; then as it was, for the module's other tests
        answer = agent.write("PUT", f"/api/v2/{kind}/{record_id}.json", {kind[:-1]: {"tags": tags}})
        assert answer.status_code == 200, answer.text


# -- the property -------------------------------------------------------------------------------

FIELDS = {CONTACT_REASON_FIELD: ["billing", "technical"],
          REFUND_REASON_FIELD: ["goodwill"], RESOLUTION_FIELD: ["resolved", "escalated"]}  # fmt: skip
TAG = st.sampled_from([v for vs in FIELDS.values() for v in vs] + ["vip", "x"])
#: A tag as a client may spell it: as Zendesk saves it, upper-cased, or two words in one text
#: (Zendesk lower-cases a tag and splits it at spaces).
SPELLED = st.one_of(TAG, TAG.map(str.upper), st.tuples(TAG, TAG).map(" ".join))
TAGS = st.lists(SPELLED, max_size=3, unique=True)


@st.composite
def writes(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A ticket create or update mixing tags, additional_tags, remove_tags and custom fields."""
    ticket: dict[str, Any] = {"comment": {"body": "Checked the router.", "public": False}}
    for name in draw(st.lists(st.sampled_from(["tags", "additional_tags", "remove_tags"]),
                              max_size=2, unique=True)):  # fmt: skip
        ticket[name] = draw(TAGS)
    if draw(st.booleans()):
        field_id = draw(st.sampled_from(sorted(FIELDS)))
        value = draw(st.sampled_from([*FIELDS[field_id], None]))
        ticket["custom_fields"] = [{"id": field_id, "value": value}]
    if draw(st.booleans()):
        return "update", ticket
    return "create", {**ticket, "requester_id": ACME_USER}


def fields_of(stack: Stack) -> dict[int, dict[str, Any]]:
    async def read() -> dict[int, dict[str, Any]]:
        tickets = stack.crm_app[ZENDESK_STORE].records("ticket")
        return {t["id"]: {f"custom_fields.{f['id']}": f["value"] for f in t["custom_fields"]}
                for t in tickets}  # fmt: skip

    return stack.call(read)


@through_a_stack(60)
@given(write=writes(), start=TAGS)
def test_every_custom_field_zendesk_changes_through_tags_was_judged_and_allowed(
    zendesk_stack: Stack, write: tuple[str, dict[str, Any]], start: list[str]
) -> None:
    async def fresh() -> int:  # the customer's, tagged (no resolution: none was judged)
        tags = [t for t in start if not set(t.lower().split()) & {*FIELDS[RESOLUTION_FIELD]}]
        made = zendesk_stack.crm_app[ZENDESK_STORE].create_ticket(
            {"subject": "Tags", "comment": {"body": "Hi"}, "requester_id": ACME_USER, "tags": tags}
        )
        return int(made["id"])

    ticket_id = zendesk_stack.call(fresh)
    agent = ZendeskAgent(zendesk_stack, CUSTOMER, reads=(f"/api/v2/tickets/{ticket_id}.json",))
    before = fields_of(zendesk_stack)
    kind, ticket = write
    method, path = ("PUT", f"/api/v2/tickets/{ticket_id}.json") if kind == "update" else (
        "POST", "/api/v2/tickets.json")  # fmt: skip
    answer = agent.write(method, path, {"ticket": ticket})
    decision = answer.headers.get("x-guardrail-decision")
    event(f"{kind}: {decision} {answer.status_code}")
    where = f"{method} {path} {ticket} -> {answer.status_code} {answer.text[:300]}"
    assert answer.status_code < 500, where
    after = fields_of(zendesk_stack)
    assert not any(f.get(RESOLUTION) for f in after.values()), where
    changed = [{k: v for k, v in after[i].items() if before.get(i, {}).get(k) != v}
               for i in after if after[i] != before.get(i)]  # fmt: skip
    if not any(changed):
        return
    assert decision == "allow", where
    admin = f"{zendesk_stack.admin_url}/guardrail/v1/decisions"
    record = httpx.get(f"{admin}/{answer.headers['x-guardrail-decision-id']}", timeout=10)
    [intent] = record.json()["intents"]
    [fields] = [c for c in changed if c]
    for name, value in fields.items():
        assert name in intent["fields"], (where, name)
        assert intent["fields"][name] == value, (where, name)
