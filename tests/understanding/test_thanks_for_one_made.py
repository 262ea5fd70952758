"""A refund the customer thanks the company for ("thanks for the refund of the shipping last
week", "tanks for the 30 back") was made, not asked for now; thanks for something else, with
an ask after it ("thanks for that, I want my money back"), still asks."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "said",
    [
        "hi i'm just calling to say the books came and thanks for the refund of the shipping last"
        " week",
        "Dear team, thank you for the refund of $45 on Monday for the crushed boxes. Could you"
        " tell me the delivery date for my new order?",
        "yo tanks for the 30 back on de fuel card las week",
        "thank you so much for the quick refund",
    ],
)
def test_thanks_for_a_refund_made_asks_for_none(read, said):
    assert not read.granted(REFUND, f"c: {said}")


@pytest.mark.parametrize(
    "said",
    [
        "thanks for that i want my money back",
        "thanks for your help, i'd like a refund please",
        "thank you for calling back. I'd still like the 20 refunded",
        "thanks for that just refund the 20",
        "I'd be grateful for a full refund of the £40 please",
    ],
)
def test_thanks_for_something_else_then_an_ask_still_asks(read, said):
    assert read.granted(REFUND, f"c: {said}")
