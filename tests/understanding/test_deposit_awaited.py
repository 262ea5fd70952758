"""A customer waiting on their own deposit ("still waiting on my 60 deposit", "we've waited a month
for the bond") asks for it back; a deposit still to be paid in, or a paper for it, asks nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND
CLOSING = ("a: Sorry about that. Can I take your postcode?",)


@pytest.mark.parametrize(
    ("first", "amount"),
    [
        ("c: I handed the van back in May and I'm still waiting on my 60 deposit.", "60"),
        ("c: We left the flat weeks ago and we've waited a month for the security deposit.", None),
        ("c: Returned the kayak on Sunday, still waiting for my deposit, it was forty quid.", None),
    ],
)
def test_a_deposit_awaited_asks_for_it_back(read, first, amount):
    ask = read.ask(REFUND, first, *CLOSING)
    assert ask is not None
    assert ask.status.granted
    if amount is not None:
        assert ask.amount == Decimal(amount)


@pytest.mark.parametrize(
    "first",
    [
        "c: I'm waiting for my deposit to clear before I book the cottage.",
        "c: I'm still waiting on the deposit receipt you promised to email.",
        "c: I'm waiting for the deposit to be taken so the booking is confirmed.",
    ],
)
def test_a_deposit_still_to_be_paid_or_a_paper_for_it_asks_nothing(read, first):
    ask = read.ask(REFUND, first, *CLOSING)
    assert ask is None or not ask.status.granted
