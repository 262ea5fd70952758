"""Whether a Zendesk comment is a public reply or a private note is judged as Zendesk saves it:
a comment that does not say takes the visibility of the ticket's first comment ("The initial
value set on ticket creation persists for any additional comment unless you change it"), so on
a ticket opened with a private note it is a private note, whose facts must come from the
conversation. Through the real proxy with the shipped pack, to the Zendesk sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from guardrail.sandbox.zendesk import ZENDESK_STORE
from guardrail.sandbox.zendesk.seed import ACME_ORG, ACME_USER
from guardrail.testing import Stack
from tests.helpers import ZendeskAgent

CUSTOMER = {"account_ids": [str(ACME_ORG)], "contact_ids": [str(ACME_USER)]}
UNSAID = "Customer agreed to a refund of $500 for order 99887."  # never said in the call


def ticket(stack: Stack, public: bool) -> int:
    """Acme's ticket, opened with a public or a private first comment."""

    async def make() -> int:
        made = stack.crm_app[ZENDESK_STORE].create_ticket({
            "subject": "Router", "requester_id": ACME_USER,
            "comment": {"body": "Router reboots hourly.", "public": public},
        })  # fmt: skip
        return int(made["id"])

    return stack.call(make)


@pytest.mark.parametrize(
    "comment",
    [UNSAID, {"body": UNSAID}, {"html_body": f"<p>{UNSAID}</p>"}],
    ids=["text", "body", "html_body"],
)
def test_a_comment_saying_no_visibility_on_a_private_ticket_is_judged_as_a_private_note(
    zendesk_stack: Stack, comment: Any
) -> None:
    made = ticket(zendesk_stack, public=False)
    path = f"/api/v2/tickets/{made}.json"
    agent = ZendeskAgent(zendesk_stack, CUSTOMER, reads=(path,))
    before = agent.records("comment")
    answer = agent.write("PUT", path, {"ticket": {"comment": comment}})
    assert answer.status_code == 422, answer.text
    assert "notes-grounded/NoteFactsInTranscript" in answer.text
    assert agent.records("comment") == before


def test_a_comment_saying_no_visibility_on_a_public_ticket_is_a_public_reply(
    zendesk_stack: Stack,
) -> None:
    made = ticket(zendesk_stack, public=True)
    path = f"/api/v2/tickets/{made}.json"
    agent = ZendeskAgent(zendesk_stack, CUSTOMER, reads=(path,))
    answer = agent.write("PUT", path, {"ticket": {"comment": {"body": UNSAID}}})
    assert answer.status_code == 200, answer.text
    assert [c["public"] for c in agent.records("comment") if c["ticket_id"] == made] == [True] * 2
