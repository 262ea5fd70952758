"""The rest of a sum partly paid back, wanted ("the 20 that's left", "the remaining 20,
please"), is a refund asked at that rest; the rest the customer is to pay is no refund."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND
PART_PAID = (
    "c: The engineer never came, so I was due the call-out charge back.",
    "a: I can see forty of the sixty was put back on your card on Monday.",
)


@pytest.mark.parametrize(
    "wanted",
    [
        "c: Right, so I want the twenty that's left.",
        "c: Yes, the remaining twenty please.",
        "c: I'm after the twenty which is still outstanding.",
    ],
)
def test_the_rest_of_a_sum_wanted_is_asked_at_that_rest(read, wanted):
    reading = read(*PART_PAID, wanted)
    ask = reading.asks_of(REFUND)[0]
    assert ask.status.granted
    assert ask.amount == Decimal(20)


def test_a_refund_of_the_whole_sum_when_its_rest_was_asked_is_not_let_through(amount_judged):
    said = (*PART_PAID, "c: Right, so I want the twenty that's left.", "a: Sorting that now.")
    assert amount_judged(said, 60) != "passes"
    assert amount_judged(said, 20) == "passes"


@pytest.mark.parametrize(
    "said",
    [
        (
            "c: I still owe on the sofa.",
            "a: Yes, forty remaining.",
            "c: I'll pay the remaining forty today.",
        ),
        ("c: How long is the offer on for?", "a: Till Friday.", "c: So I have three days left."),
    ],
)
def test_a_rest_to_be_paid_or_not_money_asks_no_refund(read, said):
    assert not read(*said).asks_of(REFUND)
