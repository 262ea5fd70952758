"""A Zendesk comment's ``body`` is judged as Zendesk shows it: as Markdown. A card number split
by emphasis, strike-through or code marks (``41**11** 1111 1111 1111``), by a backslash escape
or spelled with character references reads as a card to the person reading the comment, while
a rule reading the body as written saw none, so it was saved. Property: whatever marks split
it, in a comment given as text or as an object, on an update or a create (or in a new ticket's
description, or a merge's comment on the ticket it closes or the one it merges into), the write
is refused, or nothing Zendesk then shows holds a card. Raw HTTP
through the proxy, with the pack's schemas and safeguards and a rule refusing card numbers in
comments (``ZENDESK_FORBIDDING``), to the Zendesk sandbox, which renders a body as Zendesk does."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from guardrail.context.facts import pii_in
from guardrail.sandbox.zendesk import ZENDESK_STORE
from guardrail.sandbox.zendesk.seed import ACME_TICKET, ACME_USER
from guardrail.testing import Stack
from tests.helpers import Sent, Wire, through_a_stack, zendesk_stack_forbidding, zendesk_ticket

CARD = "4111111111111111"
JSON = (("Content-Type", "application/json"),)
#: Ways Markdown shows a run of digits as written while the body holds other characters.
SPLITS = st.sampled_from(["**{}**", "__{}__", "*{}*", "~~{}~~", "`{}`", "&#{}"])


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with zendesk_stack_forbidding(tmp_path_factory.mktemp("zendesk-markdown")) as running:
        yield running


@st.composite
def hidden_cards(draw: st.DrawFn) -> str:
    """A card number as a Markdown body hides it: a run of its digits marked, grouped by four
    or not, with text around it."""
    start = draw(st.integers(1, len(CARD) - 2))
    end = draw(st.integers(start + 1, len(CARD) - 1))
    mark = draw(SPLITS)
    run = CARD[start:end]
    marked = f"&#{ord(run[0])};{run[1:]}" if mark == "&#{}" else mark.format(run)
    number = CARD[:start] + marked + CARD[end:]
    return f"Card {number} noted."


@through_a_stack(60)
@given(
    body=hidden_cards(),
    write=st.sampled_from(["update", "create", "description", "target_comment", "source_comment"]),
    as_text=st.booleans(),
)
def test_a_card_hidden_by_markdown_is_never_saved(
    stack: Stack, body: str, write: str, as_text: bool
) -> None:
    async def reset() -> None:
        stack.crm_app[ZENDESK_STORE].reset()

    stack.call(reset)
    comment = body if as_text else {"body": body, "public": False}
    if write.endswith("_comment"):  # a merge of another of the customer's tickets into theirs
        merged = {"ids": [zendesk_ticket(stack, ACME_USER)], write: body}
        sent = Sent("POST", f"/api/v2/tickets/{ACME_TICKET}/merge.json",
                    json.dumps(merged).encode(), JSON)  # fmt: skip
    elif write == "update":
        sent = Sent("PUT", f"/api/v2/tickets/{ACME_TICKET}.json",
                    json.dumps({"ticket": {"comment": comment}}).encode(), JSON)  # fmt: skip
    else:
        ticket = {"subject": "Card", "requester_id": None}
        ticket |= {"description": body} if write == "description" else {"comment": comment}
        ticket = {k: v for k, v in ticket.items() if v is not None}
        sent = Sent("POST", "/api/v2/tickets.json", json.dumps({"ticket": ticket}).encode(), JSON)
    answer = Wire(stack, "Bearer sandbox-oauth-token").send(sent)
    event(f"{write}: {answer.headers.get('x-guardrail-decision')}")
    assert answer.status < 500, answer.body

    async def shown() -> list[str]:
        return [c["plain_body"] for c in stack.crm_app[ZENDESK_STORE].records("comment")]

    saved = [text for text in stack.call(shown) if "card" in pii_in(text)]
    assert not saved, f"{sent.body!r} -> {answer.status}: saved {saved}"


def test_a_comment_in_markdown_without_a_card_is_saved_as_written(stack: Stack) -> None:
    body = "**Refund** issued for order `12345`, _as agreed_ \\*today\\*."
    write = {"ticket": {"comment": {"body": body, "public": False}}}
    sent = Sent("PUT", f"/api/v2/tickets/{ACME_TICKET}.json", json.dumps(write).encode(), JSON)
    answer = Wire(stack, "Bearer sandbox-oauth-token").send(sent)
    assert answer.status == 200, answer.body

    async def last() -> str:
        return str(stack.crm_app[ZENDESK_STORE].records("comment")[-1]["body"])

    assert stack.call(last) == body
