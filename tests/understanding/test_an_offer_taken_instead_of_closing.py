"""A customer who asks to close, then takes what the agent offers to keep them (a pause, a
discount), has not asked to close: the yes may come after the offer asked back in surprise
("Really? Go on then"), the offer may be made to keep them rather than named as instead
("before you go, ..."), and taking it may be said with staying ("I'll take that and stay").
A no to the offer leaves the closure asked."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind

CLOSURE = AskKind.ACCOUNT_CLOSURE
PAUSE_INSTEAD = (
    "c: I want to shut my account down, I'm off work with a bad back.",
    "a: I could pause it for two months at no charge instead of closing it.",
)
DISCOUNT_TO_STAY = (
    "c: Please close my account, the monthly charge is too steep.",
    "a: Before you go, I can knock a third off your plan for six months.",
)


@pytest.mark.parametrize(
    ("offered", "answer", "still_asked"),
    [
        (PAUSE_INSTEAD, "c: Really? Go on then.", False),
        (PAUSE_INSTEAD, "c: Oh, could you? Yes please, do that.", False),
        (PAUSE_INSTEAD, "c: You'd do that? Yeah, fine.", False),
        (PAUSE_INSTEAD, "c: Is that right? Okay, let's do that.", False),
        (PAUSE_INSTEAD, "c: Really? No thanks, just shut it.", True),
        (DISCOUNT_TO_STAY, "c: Fair enough, I'll take the discount and stay.", False),
        (DISCOUNT_TO_STAY, "c: Hm. Alright, we'll have that and stay then.", False),
        (DISCOUNT_TO_STAY, "c: Yes, go on then.", False),
        (DISCOUNT_TO_STAY, "c: No, I've made up my mind. Close it.", True),
    ],
)
def test_an_offer_taken_in_place_of_closing_drops_the_closure(read, offered, answer, still_asked):
    assert read.granted(CLOSURE, *offered, answer) is still_asked
