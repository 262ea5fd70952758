"""A price each said again as the sum wanted ("eighty-five each" - "I'd like the eighty-five
back for the broken one") is that price, not a count of things at it; things pointed back at
("those twelve") are still counted."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind


@pytest.mark.parametrize(
    ("each", "asked", "amount"),
    [
        ("eighty-five each", "I'd like the eighty-five back for the broken one.", "85"),
        ("20 each", "I'd like the 20 back for the broken one.", "20"),
        ("twelve pounds each", "Can I have the twelve back for the chipped one?", "12"),
        # near miss: a count, said as one
        ("twelve pounds each", "Can I have the two back that came chipped?", "24"),
    ],
)
def test_the_price_each_said_again_is_the_price(read, each, asked, amount):
    ask = read.ask(
        AskKind.REFUND,
        "c: The chairs came today and one has a crack through the back.",
        f"a: I'm sorry. I see four on the order, {each}.",
        f"c: {asked}",
    )
    assert ask is not None
    assert max(ask.amounts) == Decimal(amount)
