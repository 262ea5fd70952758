"""Goods posted, mailed, shipped or couriered back ("I don't want to mail it back") are a return
of the thing, not money asked back or declined; money wanted back in any verb still is."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "said",
    [
        "c: The record's warped. I don't want to mail it back, I'll keep it.",
        "c: The lamp is cracked but I don't want to post it back, it's heavy.",
        "c: I'd rather not ship them back, the box is gone.",
    ],
)
def test_goods_not_posted_back_decline_no_refund(read, said):
    assert read.status(REFUND, said) is not AskStatus.DECLINED


@pytest.mark.parametrize(
    "said",
    [
        "c: The lamp came cracked, I want my money back.",
        "c: The lamp came cracked, I want the 40 back on my card.",
    ],
)
def test_money_wanted_back_is_still_asked(read, said):
    assert read.status(REFUND, said) is AskStatus.ASKED
