"""Money said as what should come back to the customer ("the $30 difference ought to come back
to me", "that deposit should come back to us") or let come back ("the 11.99 can come back")
asks for it; money told of as coming back, or wished back to someone else, keeps its old
reading."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND
OPENING = (
    "c: I bought the drill for $130 and it's $100 in your sale this week.",
    "a: That's right, the sale price is $100.",
)


@pytest.mark.parametrize(
    "last",
    [
        "c: I reckon the thirty dollars difference ought to come back to me.",
        "c: So that difference should come back to us, I'd say.",
        # let come back
        "c: oh ok yes thats the one. the 30 can come back",
        "c: That money could go back on my card, then.",
    ],
)
def test_money_that_should_come_back_to_the_customer_is_asked(read, last):
    ask = read.ask(REFUND, *OPENING, last)
    assert ask is not None
    assert ask.status.granted


@pytest.mark.parametrize(
    "last",
    [
        "c: The difference should go back to the shop's charity fund, not to me.",
        "c: I'm not asking for anything, just letting you know.",
    ],
)
def test_money_not_wished_back_to_the_customer_asks_nothing(read, last):
    ask = read.ask(REFUND, *OPENING, last)
    assert ask is None or not ask.status.granted
