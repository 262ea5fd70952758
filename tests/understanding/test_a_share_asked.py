"""A share of an amount is asked however the text is cleaned (ordinals become "3rd") and
whatever its size: "a third of the 120 back" asks 40, "a fifth of that back", "two thirds",
"three quarters", "a tenth" as well; "the third", a day or a place in a row, is no share, nor
an ordinal naming a thing or a time ("a fifth time", "a quarter past ten")."""

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
        ("c: I pay seventy a month and I'd like a fifth of that back.", "14"),
        ("c: The course was 90 pounds and I missed most of it, two thirds of the 90 back.", "60"),
        ("c: Only one of the four sessions ran, so three quarters of my 80 dollars back.", "60"),
        ("c: It was down a few days, a tenth of the 120 back would be fair.", "12"),
    ],
)
def test_a_share_of_an_amount_is_the_part_asked(read, said, amount):
    ask = read.ask(REFUND, "a: How can I help?", said)
    assert ask is not None
    assert ask.amount == Decimal(amount)


@pytest.mark.parametrize(
    "said",
    [
        "c: You took it on the third, I want the 120 back please.",
        "c: It was my third order this year, I want the 120 back please.",
        "c: This is the fifth time I've called, I want the 120 back.",
        "c: I'm ringing a fifth time about it, just refund the 120 please.",
        "c: I was told to call at a quarter past ten, I want the 120 back please.",
        "c: There's a fourth charge on my statement, I want the 120 back please.",
        "c: It was in your 4th of July sale, I want the 120 back please.",
    ],
)
def test_an_ordinal_that_is_a_day_a_place_a_thing_or_a_time_is_no_share(read, said):
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
