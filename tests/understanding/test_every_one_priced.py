"""An ask that points at every one of the prices told before it by their count ("bag was
eleven, deck was thirty-two. I'd like the money back for both of those"): their sum is asked.
One of them named, or a count that does not fit the prices told, keeps the old reading."""

from __future__ import annotations

from decimal import Decimal

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND


def test_both_of_the_prices_told_are_asked_together(read):
    ask = read.ask(
        REFUND,
        "c: The tent pegs and the mallet both bent. Pegs were eleven, mallet was thirty-two. "
        "I'd like the money back for both of those.",
    )
    assert ask is not None
    assert ask.amount == Decimal(43)
    assert ask.amount_confidence >= 0.7


def test_one_of_the_prices_named_is_asked_alone(read):
    ask = read.ask(
        REFUND,
        "c: The mug was £6 and the plate was £9, both chipped. I'd like the money back for the plate.",
    )
    assert ask is not None
    assert ask.amount == Decimal(9)


def test_both_said_of_three_prices_is_not_their_sum(read):
    ask = read.ask(
        REFUND,
        "c: The mug was £6, the plate was £9 and the bowl was £4. "
        "I want my money back for both of the chipped ones.",
    )
    assert ask is not None
    assert ask.amount != Decimal(19)
