"""A whole number after a plural pointing word ("refund those three", "these two") is so many of
the things spoken of, never a sum: a sum is pointed at in the singular ("that 30", "the 30").
Their amount is the price each said for them, further back too where that turn names no other
sum, or the list of that many prices said before; an agent's summing up ("So twenty-six
dollars.") the customer says yes to is the amount agreed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind
from guardrail.understanding.numbers import bare_amounts
from guardrail.understanding.text import clean

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    ("said", "amounts"),
    [
        ("please refund those three", []),
        ("these 2 came bent", []),
        ("can i have that 30 back", [Decimal(30)]),
        ("just the 24 for the jumper", [Decimal(24)]),
        ("those 2.50 are mine", [Decimal("2.50")]),
    ],
)
def test_a_whole_number_after_those_or_these_is_a_count(said, amounts):
    assert [a.value for a in bare_amounts(clean(said))] == amounts


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        (  # priced each two turns before
            (
                "c: Nine of the hoodies came with the logo smudged. Fifteen dollars each.",
                "a: That's on us. New ones or your money?",
                "c: I want my money back for those nine please.",
            ),
            135,
        ),
        (  # as many prices listed
            (
                "c: The lamp, the rug and the vase came broken. Forty, thirty and twelve dollars.",
                "a: I'm so sorry about that.",
                "c: Please refund those three.",
            ),
            82,
        ),
        (  # a list of another length
            (
                "c: The lamp and the rug came broken. Forty and thirty dollars.",
                "a: I'm so sorry about that.",
                "c: Please refund those three.",
            ),
            None,
        ),
        (  # the agent sums up, the customer says yes
            (
                "c: The lamp, the rug and the vase all came broken. Please refund those.",
                "a: So eighty-two dollars.",
                "c: Yes, eighty-two.",
            ),
            82,
        ),
    ],
)
def test_things_pointed_back_at_are_asked_at_their_prices_said_before(read, said, amount):
    assert read.ask(REFUND, *said).amount == amount
