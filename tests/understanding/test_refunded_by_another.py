"""Money another already sent back ("the seller sent my 54 back yesterday", "PayPal returned
the 20 last week") is told of, not asked for again; the customer asking for it still asks."""

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "said",
    [
        "c: The courier sent my 25 back on Friday, it's on my card. Thanks for sorting the claim.",
        "c: Update: the shop has already paid me back the 40, so the claim can go.",
        "c: The airline transferred my 80 back this morning. All good now.",
    ],
)
def test_money_another_already_sent_back_asks_no_refund(read, said):
    ask = read.ask(REFUND, "c: I opened a claim about a kettle from a marketplace seller.", said)
    assert ask is None or not ask.status.granted


@pytest.mark.parametrize(
    "said",
    [
        "c: The seller won't answer. Can you send my 30 back?",
        "c: I sent the kettle back on Monday, I want my 30 back.",
    ],
)
def test_money_still_wanted_back_is_asked(read, said):
    ask = read.ask(REFUND, "c: I opened a claim about a kettle from a marketplace seller.", said)
    assert ask is not None
    assert ask.status.granted
