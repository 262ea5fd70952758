"""Money the customer leaves with the company asks no money back: taken off a bill or order
still to come ("knock it off next month's bill"), or its going back to the card waved away
("no point it going back to the card"). Taken off the bill it is on, it still asks a refund."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND
OVERCHARGED = (
    "c: You've billed me for the big box again and I only ever get the small one.",
    "a: You're right, that's nine pounds over.",
)


@pytest.mark.parametrize(
    "answer",
    [
        "c: Just knock it off next month's bill then, it's easier.",
        "c: Could you take it off my next order? I get one every week anyway.",
        "c: Take that off the following invoice please.",
    ],
)
def test_money_off_a_bill_still_to_come_asks_none_back(read, answer):
    ask = read.ask(REFUND, *OVERCHARGED, answer)
    assert ask is None or not ask.status.granted


def test_money_off_the_bill_it_is_on_still_asks_a_refund(read):
    ask = read.ask(REFUND, *OVERCHARGED, "c: Just take it off, please.")
    assert ask is not None
    assert ask.status.granted


@pytest.mark.parametrize(
    "answer",
    [
        "c: No point it going back to the card, I'm in every week.",
        "c: There's no sense in sending it back to my card.",
    ],
)
def test_money_going_back_waved_away_asks_none_back(read, answer):
    ask = read.ask(REFUND, *OVERCHARGED, answer)
    assert ask is None or not ask.status.granted
