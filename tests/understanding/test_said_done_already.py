"""A refund the customer says was done already ("the $45 was already refunded on Monday", "the
20 was refunded already") is told of, not asked again; and money back the customer says they
were not after ("I wasn't expecting money back, I only wanted it fixed") is declined. A question
whether it was done ("has my refund been processed already?") still chases it, and another sum
wanted beside one done is asked."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "said",
    [
        "The $45 was already refunded on Monday, please check.",
        "the 20 was refunded already last week",
        "oh it's already been refunded, thanks",
        "I've already been refunded the 20",
    ],
)
def test_a_refund_said_to_be_done_already_is_not_asked_again(read, said):
    assert not read.granted(REFUND, f"c: {said}")


@pytest.mark.parametrize(
    "said",
    [
        "Thanks for the box. I wasn't expecting money back though, I only wanted it fixed.",
        "i was not asking for a refund, just a new one",
        "I wasn't after a refund, just an apology",
    ],
)
def test_money_back_the_customer_was_not_after_is_declined(read, said):
    assert read.status(REFUND, f"c: {said}") is AskStatus.DECLINED


@pytest.mark.parametrize(
    "said",
    [
        "I was already refunded the 20 but the other 15 I want back",
        "the 20 has already been refunded now i want the other 15 back",
    ],
)
def test_another_sum_wanted_beside_one_done_is_asked(read, said):
    ask = read.ask(REFUND, f"c: {said}")
    assert ask is not None
    assert ask.status.granted
    assert ask.amount == Decimal(15)


@pytest.mark.parametrize(
    "said",
    [
        "the £60 should have already been refunded by now",
        "I wasn't expecting the refund to take this long, I want it now",
    ],
)
def test_a_refund_due_or_slow_is_still_wanted(read, said):
    assert read.granted(REFUND, f"c: {said}")


def test_asking_whether_it_was_done_already_asks_nothing_new(read):
    assert read.status(REFUND, "c: has my refund been processed already?") is AskStatus.QUESTION
