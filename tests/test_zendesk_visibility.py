"""Whether a Zendesk comment is a public reply or a private note is judged as Zendesk saves it:
a comment that does not say takes the visibility of the ticket's first comment ("The initial
value set on ticket creation persists for any additional comment unless you change it"), so on
a ticket opened with a private note it is a private note, whose facts must come from the
conversation. A merge's comments are private whatever the merge asks when any of its tickets is
private, which the request does not show, so a merge asking for a public comment is refused.
Through the real proxy with the shipped pack, to the Zendesk sandbox."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guardrail.sandbox.zendesk.seed import ACME_ORG, ACME_USER
from guardrail.testing import Stack
from tests.helpers import ZendeskAgent, zendesk_ticket

CUSTOMER = {"account_ids": [str(ACME_ORG)], "contact_ids": [str(ACME_USER)]}
UNSAID = "Customer agreed to a refund of $500 for order 99887."  # never said in the call


def ticket(stack: Stack, public: bool) -> int:
    """Acme's ticket, opened with a public or a private first comment."""
    return zendesk_ticket(stack, ACME_USER, public=public)


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


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    which=st.sampled_from(["target", "source"]),
    public=st.sampled_from([True, "true", 1, "1", "yes", None, {}]),
)
def test_a_merge_asking_for_a_public_comment_is_refused_as_zendesk_may_make_it_a_private_note(
    zendesk_stack: Stack, which: str, public: Any
) -> None:
    """Zendesk: "Comments are private and can't be modified" when any of the merged tickets is
    private (or came from X, Facebook or a channel integration); judged as the public reply
    it asked for, a note stating facts never said was saved unchecked."""
    target, source = ticket(zendesk_stack, public=False), ticket(zendesk_stack, public=True)
    reads = tuple(f"/api/v2/tickets/{t}.json" for t in (target, source))
    agent = ZendeskAgent(zendesk_stack, CUSTOMER, reads=reads)
    before = agent.records("comment"), agent.records("ticket")
    answer = agent.write("POST", f"/api/v2/tickets/{target}/merge.json", {
        "ids": [source], f"{which}_comment": UNSAID, f"{which}_comment_is_public": public,
    })  # fmt: skip
    assert answer.status_code == 400, answer.text
    assert f"{which}_comment_is_public" in answer.json()["description"]
    assert (agent.records("comment"), agent.records("ticket")) == before


def test_a_merge_with_private_comments_is_judged_as_the_private_notes_it_adds(
    zendesk_stack: Stack,
) -> None:
    target, source = ticket(zendesk_stack, public=True), ticket(zendesk_stack, public=True)
    reads = tuple(f"/api/v2/tickets/{t}.json" for t in (target, source))
    agent = ZendeskAgent(zendesk_stack, CUSTOMER, reads=reads)
    merge = f"/api/v2/tickets/{target}/merge.json"
    refused = agent.write("POST", merge, {"ids": [source], "target_comment": UNSAID,
                                          "target_comment_is_public": False})  # fmt: skip
    assert refused.status_code == 422, refused.text
    assert "notes-grounded/NoteFactsInTranscript" in refused.text
    merged = agent.write("POST", merge, {"ids": [source], "target_comment": "Same router."})
    assert merged.status_code == 200, merged.text
    assert [c["public"] for c in agent.records("comment") if c["ticket_id"] == target] == [
        True, False,
    ]  # fmt: skip
