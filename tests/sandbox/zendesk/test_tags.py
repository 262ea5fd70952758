"""The Zendesk sandbox keeps a ticket's tags and its tag-backed custom fields in step, as Zendesk
does: a drop-down option is its tag, so selecting an option adds its tag (and drops the field's
other option tags), adding an option's tag selects it, and removing it clears the field."""

from __future__ import annotations

from typing import Any

from guardrail.sandbox.zendesk.fields import CONTACT_REASON_FIELD, RESOLUTION_FIELD
from guardrail.sandbox.zendesk.seed import ACME_ORG, ACME_TICKET, ACME_USER
from tests.sandbox.zendesk.helpers import Api


def _custom(ticket: dict[str, Any], field_id: int) -> object:
    return next(f["value"] for f in ticket["custom_fields"] if f["id"] == field_id)


async def _update(zd: Api, changes: dict[str, Any]) -> dict[str, Any]:
    status, body = await zd.call("PUT", f"/tickets/{ACME_TICKET}.json", {"ticket": changes})
    assert status == 200, body
    return dict(body["ticket"])


async def test_an_options_tag_selects_it_and_selecting_an_option_adds_its_tag(zd: Api) -> None:
    ticket = await _update(zd, {"additional_tags": ["vip", "technical"]})
    assert _custom(ticket, CONTACT_REASON_FIELD) == "technical"
    assert set(ticket["tags"]) == {"vip", "technical"}

    ticket = await _update(zd, {"custom_fields": [{"id": CONTACT_REASON_FIELD,
                                                   "value": "billing"}]})  # fmt: skip
    assert set(ticket["tags"]) == {"vip", "billing"}  # the other option's tag is gone

    ticket = await _update(zd, {"tags": ["vip", "refund_issued"]})
    assert _custom(ticket, CONTACT_REASON_FIELD) is None  # its tag was not kept
    assert _custom(ticket, RESOLUTION_FIELD) == "refund_issued"


async def test_a_tag_is_saved_lower_cased_and_split_at_spaces(zd: Api) -> None:
    """Zendesk saves a text with spaces as one tag per word (a multi-word tag is split), and
    tags lower-cased: an option's tag so spelled selects it."""
    ticket = await _update(zd, {"tags": ["VIP Technical", "vip"]})
    assert ticket["tags"] == ["technical", "vip"]
    assert _custom(ticket, CONTACT_REASON_FIELD) == "technical"
    ticket = await _update(zd, {"remove_tags": ["Technical\tvip"]})
    assert (ticket["tags"], _custom(ticket, CONTACT_REASON_FIELD)) == ([], None)


async def test_removing_an_options_tag_clears_its_field(zd: Api) -> None:
    await _update(zd, {"additional_tags": ["technical"]})
    ticket = await _update(zd, {"remove_tags": ["technical", "absent"]})
    assert _custom(ticket, CONTACT_REASON_FIELD) is None
    assert "technical" not in ticket["tags"]


async def test_a_ticket_created_with_an_options_tag_has_the_option_selected(zd: Api) -> None:
    status, body = await zd.call("POST", "/tickets.json", {"ticket": {
        "subject": "Tagged", "comment": {"body": "Hello."}, "tags": ["return"],
    }})  # fmt: skip
    assert status == 201
    assert _custom(body["ticket"], CONTACT_REASON_FIELD) == "return"


async def test_an_added_options_tag_replaces_the_option_the_field_held(zd: Api) -> None:
    await _update(zd, {"additional_tags": ["technical"]})
    ticket = await _update(zd, {"additional_tags": ["return"]})
    assert _custom(ticket, CONTACT_REASON_FIELD) == "return"
    assert "technical" not in ticket["tags"]


async def test_a_new_ticket_takes_its_requesters_and_their_organizations_tags(zd: Api) -> None:
    """Zendesk adds a user's tags, and their organization's, to their tickets; an option's tag
    among them selects it."""
    await zd.call("PUT", f"/users/{ACME_USER}.json", {"user": {"tags": ["vip", "refund_issued"]}})
    await zd.call("PUT", f"/organizations/{ACME_ORG}.json", {"organization": {"tags": ["gold"]}})
    status, body = await zd.call("POST", "/tickets.json", {"ticket": {
        "subject": "Again", "comment": {"body": "Hello."}, "requester_id": ACME_USER,
    }})  # fmt: skip
    assert status == 201
    assert set(body["ticket"]["tags"]) == {"vip", "refund_issued", "gold"}
    assert _custom(body["ticket"], RESOLUTION_FIELD) == "refund_issued"
