"""A share said twice, the second time right before the amount it is of ("half back is fair,
half of the $240"): the part of that amount is asked, as when said once ("half of the $240")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind
from guardrail.understanding.numbers import money_in, share_of
from guardrail.understanding.text import clean

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "said",
    [
        "c: i stayed so not all of it half back is fair half of the $300",
        "c: i only want half back you know half of the $300",
    ],
)
def test_a_share_said_again_before_the_amount_is_the_part_asked(read, said):
    ask = read.ask(REFUND, "a: how can i help", said)
    assert ask is not None
    assert ask.amount == Decimal(150)


@pytest.mark.parametrize(
    "said",
    ["half of them were broken and the box was $300", "half the difference was $300"],
)
def test_a_share_said_of_something_else_is_no_part_of_the_amount(said):
    text = clean(said)
    assert share_of(text, money_in(text)[-1]) is None
