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


def test_the_agent_agreeing_to_the_second_sum_leaves_the_first_beside_it(read):
    ask = read.ask(
        AskKind.REFUND,
        "c: The kettle came with the lid cracked. I'd like the thirty-five pounds back for it.",
        "a: I'm sorry, I'll refund the thirty-five pounds for the kettle now.",
        "c: And the toaster from that delivery won't stay down. That was twenty-two pounds. "
        "Can I have that back as well?",
        "a: Of course. I'll put the twenty-two pounds back for that too.",
        "c: Lovely, thank you.",
    )
    assert ask is not None
    assert ask.amount == Decimal("57")
