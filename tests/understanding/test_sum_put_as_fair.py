"""A sum asked in slang ("a pony back would do"), a sum off a named charge put as fair ("forty
quid off the repair is fair"), or a charge handed back by name ("just return the VAT to me")
asks for a refund; goods sent back to the customer, a score in a game and a discount merely
told of do not. A share taken off a price, said as the ask's amount ("the discount back. 15%
off 80"), is that share."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import SURE, AskKind, AskStatus

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        ("c: The gig ran two hours late. A ton back would be about right.", Decimal(100)),
        ("c: The cleaner skipped the kitchen. I reckon forty quid off the clean is fair.", 40),
        ("c: The VAT was charged on a zero-rated item. Please just give the VAT back to me.", None),
    ],
)
def test_a_sum_put_as_fair_or_a_charge_handed_back_by_name_is_asked(read, said, amount):
    ask = read.ask(REFUND, said)
    assert ask is not None
    assert ask.status is AskStatus.ASKED
    assert ask.confidence >= SURE
    assert ask.amount == amount


@pytest.mark.parametrize(
    "said",
    [
        "c: Please return the parcel to me, it went to the wrong house.",
        "c: We got a score back in the second half, what a match.",
        "c: The shop had 20% off the sofas last week.",
    ],
)
def test_goods_sent_back_a_game_or_a_sale_told_of_ask_no_refund(read, said):
    assert read.status(REFUND, said) is not AskStatus.ASKED


def test_a_share_taken_off_a_price_is_the_amount_asked(read):
    ask = read.ask(REFUND, "c: the voucher never applied, I want the discount back. 15% off 80")
    assert ask is not None
    assert ask.amount == Decimal(12)
