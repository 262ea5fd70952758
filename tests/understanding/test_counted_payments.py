"""Payments counted as people count them: "all three back" points at three things already
spoken of, no sum of three; "three lots of 39.99" and "4 payments of 12" are a count times a
price."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind
from guardrail.understanding.numbers import bare_amounts, products

REFUND = AskKind.REFUND


@pytest.mark.parametrize("said", ["I'd like all three back please", "refund all 4 of them"])
def test_all_of_a_few_things_is_a_count_not_a_sum(said):
    assert bare_amounts(said.lower()) == []


@pytest.mark.parametrize(
    ("said", "high"),
    [
        ("three lots of 39.99", Decimal("119.97")),
        ("4 payments of £12.50", Decimal("50.00")),
        ("2 instalments of 20.00", Decimal("40.00")),
    ],
)
def test_so_many_payments_of_a_price_are_a_count_times_the_price(said, high):
    assert [p.high for p in products(said)] == [high]


def test_all_the_payments_counted_back_may_be_asked_at_their_sum(read):
    ask = read.ask(
        REFUND,
        "a: Thirty-nine ninety-nine went out in June, July and August.",
        "c: Three lots of thirty-nine ninety-nine. I'd like all three back please.",
    )
    assert max(ask.amounts) == Decimal("119.97")
