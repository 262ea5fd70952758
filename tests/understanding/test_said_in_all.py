"""The whole of an ask built up over the call, said by the customer as one sum ("so forty-four
all together", "seventy-nine in all, isn't it"): the amount asked, in place of its parts. What
was paid in all, or a count of things "in all", is not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND
ASKED = "c: The lamp's shade came cracked, I'd like the £35 back."
FINE = "a: Of course, I'll sort that."


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        ("c: Oh and the cable sparks, that was £9. Add that on please, so forty-four all together.", 44),
        ("c: And the bulb was dead too, six quid. Forty-one in all, isn't it.", 41),
    ],
)  # fmt: skip
def test_the_whole_said_as_one_sum_is_the_amount_asked(read, said, amount):
    ask = read.ask(REFUND, ASKED, FINE, said)
    assert ask is not None
    assert ask.amount == Decimal(amount)


@pytest.mark.parametrize(
    "said",
    ["c: I paid 120 in total for the set.", "c: We've had 3 in all from you this year."],
)
def test_what_was_paid_in_all_or_a_count_in_all_leaves_the_ask(read, said):
    ask = read.ask(REFUND, ASKED, FINE, said)
    assert ask is not None
    assert ask.amount == Decimal(35)
