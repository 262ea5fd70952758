"""A number after a month is its day ("charged on December 12"), unless it is said with its
cents: no day is "December 12.99", which is the December charge."""

from __future__ import annotations

from decimal import Decimal

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND


def test_a_month_and_a_price_with_cents_is_the_months_charge(read):
    assert read.ask(REFUND, "c: Please refund the December 12.99.").amount == Decimal("12.99")


def test_a_month_and_a_number_is_a_day_not_a_sum(read):
    ask = read.ask(REFUND, "c: it was charged on December 12 and I want it back")
    assert ask.amount is None
