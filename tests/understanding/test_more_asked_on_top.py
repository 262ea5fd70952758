"""A second sum asked on top of the first ("then I want that 35 back too", "the parking as
well then") adds to what is asked, even where the clause opens as a change of mind would
("then"); a sum said instead of the first still replaces it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

FIRST = (
    "c: The blender you sent me arrived with the jug cracked.",
    "a: I'm sorry. I can refund forty pounds for the blender.",
    "c: Forty's fine, yes, refund that please.",
    "a: Done. Anything else?",
    "c: The courier also charged me twelve pounds for redelivery I never asked for.",
    "a: I can see that charge, it shouldn't be there.",
)


@pytest.mark.parametrize(
    ("last", "amount"),
    [
        ("c: Then I want that twelve back too, please.", "52"),
        ("c: Then the twelve as well please.", "52"),
        ("c: Right, then I'd like that twelve back also.", "52"),
        # near misses: the later sum instead of the first
        ("c: Actually, forget the blender, then just the twelve instead.", "12"),
    ],
)
def test_a_sum_asked_too_adds_to_the_one_asked_before(read, last, amount):
    ask = read.ask(AskKind.REFUND, *FIRST, last)
    assert ask is not None
    assert ask.amount == Decimal(amount)
