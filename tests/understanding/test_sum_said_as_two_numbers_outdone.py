"""A sum said as two numbers ("four fifty": 4.50, or 450 read a hundred times over), then a
larger sum of the same scale the agent only states ("that's seven fifty"): more than asked, so
the customer's sum stands, unsure; a sum in the hundreds keeps the hundredfold reading open."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import SURE, AskKind

REFUND = AskKind.REFUND
ASKED = (
    "c: The courier fee was four fifty and the parcel came a week late. I want the four fifty back.",
    "a: Sorry about that. Can I take your name?",
    "c: Hana Kowalski.",
)


def test_a_larger_sum_of_the_same_scale_leaves_the_customers_sum_standing(read):
    offer = "a: I'll refund both fees for you, that's seven fifty."
    ask = read.ask(REFUND, *ASKED, offer, "c: Thanks.")
    assert ask is not None
    assert ask.amount == Decimal("4.50")
    assert ask.amount_confidence < SURE


@pytest.mark.parametrize(
    ("offer", "amount"),
    [
        ("a: I'll refund the four fifty for you.", "4.50"),
        ("a: I'll refund four hundred and fifty for you.", "450"),
    ],
)
def test_a_sum_within_a_reading_of_the_ask_is_the_one_agreed(read, offer, amount):
    ask = read.ask(REFUND, *ASKED, offer, "c: Thanks.")
    assert ask is not None
    assert ask.amount == Decimal(amount)
