"""An agent paying the sum asked in parts, the first named as such ("the 15 for the first one
now", "the first instalment of 30 today"), and the customer's yes to it: the refund is taken at
the sum asked, not lowered to the part; a part offered as all there is ("the 15 for the first
one, but not the other") and taken lowers it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND
ASKED = (
    "c: You billed me twice for the two phone cases, fifteen and twenty-five. I want the forty back.",
    "a: Let me look. Can I take your name?",
    "c: Priya Nair.",
)


@pytest.mark.parametrize(
    "offer",
    [
        "a: Thanks Priya. I'll refund the fifteen for the first one now.",
        "a: I can do the first instalment of fifteen today and the rest on Friday.",
    ],
)
def test_a_part_paid_first_and_taken_keeps_the_sum_asked(read, offer):
    ask = read.ask(REFUND, *ASKED, offer, "c: Okay, thanks.")
    assert ask is not None
    assert ask.status.granted
    assert ask.amount == Decimal(40)


def test_a_part_offered_as_all_there_is_and_taken_lowers_the_sum(read):
    offer = "a: I can refund the fifteen for the first one, but not the second, I'm afraid."
    ask = read.ask(REFUND, *ASKED, offer, "c: Okay, fine.")
    assert ask is not None
    assert ask.amount == Decimal(15)
