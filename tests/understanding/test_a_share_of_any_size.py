"""A share asked is any fraction said of an amount, not only a half, a third or a quarter: "a
fifth of that back", "two thirds of the 90", "three quarters back"; an ordinal naming a thing
("a fifth time", "a third party") or a time ("a quarter past ten") is no share."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        ("c: I pay seventy a month and I'd like a fifth of that back.", "14"),
        (
            "c: The course was 90 pounds and I missed most of it, two thirds of the 90 back please.",
            "60",
        ),
        ("c: Only one of the four sessions ran, so three quarters of my 80 dollars back.", "60"),
        ("c: It was down a few days, a tenth of the 120 back would be fair.", "12"),
    ],
)
def test_any_fraction_of_an_amount_is_the_part_asked(read, said, amount):
    ask = read.ask(REFUND, "a: How can I help?", said)
    assert ask is not None
    assert ask.amount == Decimal(amount)


@pytest.mark.parametrize(
    "said",
    [
        "c: This is the fifth time I've called, I want the 120 back.",
        "c: I'm ringing a fifth time about it, just refund the 120 please.",
        "c: I was told to call at a quarter past ten, I want the 120 back please.",
    ],
)
def test_an_ordinal_naming_a_thing_or_a_time_is_no_share(read, said):
    ask = read.ask(REFUND, "a: How can I help?", said)
    assert ask is not None
    assert ask.amount == Decimal(120)
