"""An ask pointing at the things priced by their count ("refund those two") sums their prices;
the price of what holds them, said with them ("the eggs ($4.50) and yogurt ($3.20) in my $64
box"), is no thing of theirs. Where the count matches every price said, all are summed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        ("c: The eggs ($4.50) and yogurt ($3.20) in my $64 box were smashed. Refund those two"
         " please.", "7.70"),
        ("c: The charger ($25) and the cable ($10) from my $200 order never came. I want both"
         " of them refunded.", "35"),
        ("c: The $11 bag and the $32 deck both broke. I'd like the money back for both of"
         " those.", "43"),
    ],
)  # fmt: skip
def test_the_things_counted_are_summed_without_what_holds_them(read, said, amount):
    ask = read.ask(REFUND, said)
    assert ask is not None
    assert ask.amount == Decimal(amount)
