"""A ticket's ``description`` is its first comment: a create without a ``comment`` makes it the
first comment, and Zendesk ignores it on an update (the attribute is read-only once the ticket
exists), so the proxy judges an update as saying nothing there, beside any comment it adds:
what it judges is what lands. Through the real proxy with the shipped pack, to the Zendesk
sandbox."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from guardrail.sandbox.zendesk.seed import ACME_ORG, ACME_USER
from guardrail.testing import Stack
from tests.helpers import ZendeskAgent, zendesk_ticket

CUSTOMER = {"account_ids": [str(ACME_ORG)], "contact_ids": [str(ACME_USER)]}
SAID = "Rebooted it remotely."


@pytest.mark.parametrize(
    ("ticket", "added"),
    [
        ({"description": SAID}, None),
        ({"description": "Ignored.", "comment": {"body": SAID}}, SAID),
    ],
    ids=["description-alone", "description-and-comment"],
)
def test_a_description_on_an_update_is_judged_as_zendesk_saves_it_not_as_a_comment(
    zendesk_stack: Stack, ticket: dict[str, Any], added: str | None
) -> None:
    made = zendesk_ticket(zendesk_stack, ACME_USER)
    path = f"/api/v2/tickets/{made}.json"
    agent = ZendeskAgent(zendesk_stack, CUSTOMER, reads=(path,))
    answer = agent.write("PUT", path, {"ticket": ticket})
    assert answer.status_code == 200, answer.text
    comments = [c["body"] for c in agent.records("comment") if c["ticket_id"] == made]
    assert comments == ["Router reboots hourly.", *([added] if added else [])]
    decision = answer.headers["x-guardrail-decision-id"]
    record = httpx.get(f"{zendesk_stack.admin_url}/guardrail/v1/decisions/{decision}", timeout=10)
    [intent] = record.json()["intents"]
    assert intent["fields"].get("comment.body") == added
    assert "description" not in intent["fields"]
