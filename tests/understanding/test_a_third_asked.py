"""A third of an amount is a share asked however the text is cleaned (ordinals become "3rd"):
"a third of the 120 back" asks 40; "the third", a day or a place in a row, is no share."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        ("c: Only one lesson in three happened, so a third of the 120 back please.", "40"),
        ("c: I'd like one third of my ninety pounds refunded.", "30"),
    ],
)
def test_a_third_of_an_amount_is_the_part_asked(read, said, amount):
    ask = read.ask(REFUND, "a: How can I help?", said)
    assert ask is not None
    assert ask.amount == Decimal(amount)


@pytest.mark.parametrize(
    "said",
    [
        "c: You took it on the third, I want the 120 back please.",
        "c: It was my third order this year, I want the 120 back please.",
    ],
)
def test_a_third_that_is_a_day_or_a_place_is_no_share(read, said):
    ask = read.ask(REFUND, "a: How can I help?", said)
    assert ask is not None
    assert ask.amount == Decimal(120)


@pytest.mark.parametrize(
    "said",
    [
        "c: Two of the six nights the heating was off, so a third back, I think.",
        "c: It rained through most of the tour. A third off would be fair.",
    ],
)
def test_a_third_back_or_off_asks_for_money(read, said):
    ask = read.ask(REFUND, "a: How can I help?", said)
    assert ask is not None
    assert ask.status.granted


def test_the_third_thing_sent_back_asks_for_no_money(read):
    said = "c: The third parcel came back to me, can you resend it?"
    ask = read.ask(REFUND, "a: How can I help?", said)
    assert ask is None or not ask.status.granted


def test_a_count_out_of_another_is_no_sum_asked(read):
    said = "c: One night out of three was freezing so a third back please."
    ask = read.ask(REFUND, "a: The stay was a hundred and fifty pounds.", said)
    assert ask is not None
    assert ask.amount == Decimal(50)
