"""An agent's deed put as a proposal with a question ("Want the 12 back?", "I'd like to refund
the postage, if that's okay?") is an offer, and a short yes ("go on", "fair enough", "ya")
takes it; the same words said as a statement, or a question about something else, offer
nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "proposal",
    [
        "Want the 12.50 back?",
        "So want the 12.50 back?",
        "I'd like to refund the 12.50 postage for the hassle, if that's okay?",
        "We would like to refund the 12.50 postage. Is that alright with you?",
    ],
)
@pytest.mark.parametrize("answer", ["ya", "Oh. Go on then.", "go on", "fair enough", "yes please"])
def test_a_deed_proposed_as_a_question_is_an_offer_a_short_yes_takes(read, proposal, answer):
    ask = read.ask(
        REFUND,
        "c: The lamp came with a cracked shade.",
        f"a: Sorry about that, the shade ships separately. {proposal}",
        f"c: {answer}",
        "a: Done.",
    )
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_ACCEPTED
    assert ask.amount == Decimal("12.50")


@pytest.mark.parametrize(
    "said",
    [
        "I'd like to refund the 12.50 postage but the system won't let me.",
        "I'd like to know, did the refund of 12.50 reach you?",
        "Want me to check the order first?",
    ],
)
def test_a_proposal_said_as_a_statement_or_about_another_thing_offers_no_refund(read, said):
    status = read.status(
        REFUND, "c: The lamp came with a cracked shade.", f"a: {said}", "c: ya", "a: Okay."
    )
    assert status in (None, AskStatus.OFFERED)


def test_no_to_a_proposal_declines_it(read):
    status = read.status(
        REFUND,
        "c: The lamp came with a cracked shade.",
        "a: Want the 12.50 back?",
        "c: no, go on and send a new shade",
        "a: Okay.",
    )
    assert status is AskStatus.OFFERED_DECLINED
