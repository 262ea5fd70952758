"""What a recogniser or a caller puts in other words: "cancel my count" (the account heard as
"count"), and a sum wanted bare with all that is wanted ("just the 80 for the lamp, that's all I
want")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind, AskStatus
from guardrail.understanding.text import clean

HELLO = "a: how can i help"


@pytest.mark.parametrize(
    ("said", "cleaned"),
    [
        ("please close my count today", "please close my account today"),
        ("we want to cancel the count", "we want to cancel the account"),
    ],
)
def test_a_count_closed_or_cancelled_is_the_account(said, cleaned):
    assert clean(said) == cleaned


@pytest.mark.parametrize("said", ["i lost count of the calls", "keep count of the boxes"])
def test_a_count_kept_or_lost_is_no_account(said):
    assert "account" not in clean(said)


def test_a_sum_wanted_with_all_that_is_wanted_is_a_refund_asked(read):
    said = "c: the mirror came cracked so just the 45 for the mirror that's all i want"
    ask = read.ask(AskKind.REFUND, HELLO, said)
    assert ask is not None
    assert ask.status is AskStatus.ASKED
    assert ask.amount == Decimal(45)


def test_all_that_is_said_after_a_price_paid_asks_nothing(read):
    said = "c: the mirror came cracked i paid 45 for it and that's all i want to say"
    assert read.ask(AskKind.REFUND, HELLO, said) is None
