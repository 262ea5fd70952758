"""A no to an offer turned about at once into a yes ("No, it's fine, I'll just... actually, you
know what, go on") takes the offer; a no that only goes on to say why stays a no."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND
OFFER = (
    "c: The pet brush for my hoover snapped. Second use.",
    "a: That's the turbo pet brush, nineteen pounds. Would you like your money back?",
)


@pytest.mark.parametrize(
    "answer",
    [
        "c: No, it's fine, I'll just... actually, you know what, go on. The nineteen.",
        "c: Nah. Wait, yeah, go on then.",
        "c: No, no... on second thoughts, yes please.",
    ],
)
def test_a_no_turned_about_into_a_yes_takes_the_offer(read, answer):
    assert read.ask(REFUND, *OFFER, answer).status is AskStatus.OFFERED_ACCEPTED


@pytest.mark.parametrize(
    "answer",
    [
        "c: No, it's fine, actually I'll keep using the normal head.",
        "c: No thanks. Actually, could you send a new brush?",
    ],
)
def test_a_no_that_goes_on_to_say_why_stays_a_no(read, answer):
    assert read.ask(REFUND, *OFFER, answer).status is not AskStatus.OFFERED_ACCEPTED
