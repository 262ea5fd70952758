"""Money off a thing the customer keeps, asked without a sum ("I'd not say no to something off
it"), asks for money back; something off what they buy next is a discount, not a refund."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND
KEPT = (
    "c: The zip on my rain jacket has broken.",
    "a: Sorry. The Storm Shell, sixty pounds. Would you like to return it?",
)


@pytest.mark.parametrize(
    "said",
    [
        "c: No, I'll keep it, it's still dry. But I'd not say no to something off it.",
        "c: I'll keep it, but could I have a bit off the price?",
    ],
)
def test_something_off_a_thing_kept_asks_for_money_back(read, said):
    ask = read.ask(REFUND, *KEPT, said)
    assert ask is not None
    assert ask.status.granted


def test_something_off_the_next_order_asks_no_money_back(read):
    ask = read.ask(REFUND, *KEPT, "c: No, I'll keep it. Maybe something off the next order?")
    assert ask is None or not ask.status.granted
