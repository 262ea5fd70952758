"""The company wanting the goods back, asked or denied ("you don't need them back?", "do you
want it back?"), is about the thing, not the money: a refund asked before stands; wanting the
money back in the same words is still an ask."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "question",
    [
        "c: Lovely. And you don't need them back? One's in bits.",
        "c: Great. Do you want it back, or shall I bin it?",
        "c: ok. you do not need the box back i hope",
    ],
)
def test_the_company_wanting_the_goods_back_takes_no_refund_back(read, question):
    status = read.status(
        REFUND,
        "c: The speaker stand came bent. I'd like my money back, it was 30.",
        "a: Sorry about that, I'll refund the 30 to your card.",
        question,
    )
    assert status.granted


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ("c: I don't need my money back, just a new stand.", AskStatus.DECLINED),
        ("c: I want it back, the thirty.", AskStatus.ASKED),
    ],
)
def test_the_customer_wanting_the_money_back_or_not_still_reads(read, said, status):
    assert read.status(REFUND, "c: The speaker stand came bent.", "a: I'm sorry.", said) is status
