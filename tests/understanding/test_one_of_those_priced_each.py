"""An ask pointing at one thing ("money back for the chipped one", "just one of them") of
those the customer priced each in an earlier turn ("three mugs, eight fifty each") asks that
one thing's price, not the whole order's. "That one", which points as often at a sum just
said, is left as it was; so is a turn that priced two things each, which cannot tell."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND
ORDER = "c: I ordered three mugs at £8.50 each, and one's come with a chip out of the rim."
OFFER = "a: Sorry about that. Would you like a replacement mug, or money back?"


@pytest.mark.parametrize(
    "ask",
    [
        "c: Money back for the chipped one, please.",
        "c: Just refund one of them, the others are fine.",
    ],
)
def test_one_thing_of_those_priced_each_is_asked_at_its_price(read, ask):
    found = read.ask(REFUND, ORDER, OFFER, ask)
    assert found is not None
    assert found.amount == Decimal("8.50")


def test_two_prices_each_cannot_tell_which_one(read):
    order = "c: I ordered mugs at £8.50 each and plates at £12 each, and one's come chipped."
    found = read.ask(REFUND, order, OFFER, "c: Money back for the chipped one, please.")
    assert found is not None
    assert found.amount is None
