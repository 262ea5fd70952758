"""Offered credit kept with the company or the money to the card, the customer turns the credit
down and names the card ("nah not a voucher i want it on my card"): the money taken, though the
answer opens with a no. A no to the credit alone, or to both, takes nothing."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND
PROBLEM = "c: the lamp arrived with the shade cracked"
OFFER = "a: Sorry! I can give you a $40 store credit or refund the $40 to your card."


@pytest.mark.parametrize(
    "answer", ["c: nah not a voucher i want it on my card", "c: no credit please, the card"]
)
def test_the_credit_turned_down_and_the_card_named_takes_the_money(read, answer):
    assert read.status(REFUND, PROBLEM, OFFER, answer) is AskStatus.OFFERED_ACCEPTED


@pytest.mark.parametrize("answer", ["c: no, the credit is fine", "c: nah i don't want anything"])
def test_the_credit_taken_or_everything_turned_down_takes_no_money(read, answer):
    assert read.status(REFUND, PROBLEM, OFFER, answer) is AskStatus.OFFERED_DECLINED
