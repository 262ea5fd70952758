"""A sum the customer says they are after ("so I'm after the other thirty") is a refund asked at
that sum; a time they are free after is not. The difference asked after a price shown and a
price paid ("the site told me 45 but I paid 52") is their gap, though the price was only told."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND


def test_a_sum_one_is_after_is_asked(read):
    ask = read.ask(
        REFUND,
        "c: You double charged me ninety and only sixty has come back.",
        "c: So I'm after the other thirty, that's the lot.",
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED
    assert ask.amount == Decimal(30)


@pytest.mark.parametrize(
    "said", ["c: I'm after 5 tomorrow if you ring.", "c: I'm after 3 o'clock."]
)
def test_a_time_one_is_free_after_asks_nothing(read, said):
    assert read.status(REFUND, said) is None


def test_the_difference_from_a_price_told_is_worked_out(read):
    ask = read.ask(
        REFUND,
        "c: The site told me 45 for the jacket but I paid 52.",
        "a: I see that, the sale price didn't apply.",
        "c: I just want the difference back.",
    )
    assert ask is not None
    assert ask.amount == Decimal(7)


@pytest.mark.parametrize(
    "said",
    [
        "c: She's right, you know. So the seven ninety-nine please.",
        "c: Fair enough. Then the £7.99 please.",
    ],
)
def test_a_sum_said_with_a_please_as_what_follows_is_asked(read, said):
    ask = read.ask(
        REFUND,
        "c: The bench came six days late.",
        "a: I'm sorry. You paid seven ninety-nine for next-day.",
        said,
    )
    assert ask is not None
    assert ask.status.granted
    assert ask.amount == Decimal("7.99")
