""" "A score" as money is twenty ("chuck us a score back"), as a count of a thing is not money
at all ("a score of 90 on the test", "what a score", "a credit score")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind
from guardrail.understanding.numbers import money_in
from guardrail.understanding.text import clean


@pytest.mark.parametrize("said", ["chuck us a score back", "I'd want a score for the postage"])
def test_a_score_said_as_money_is_twenty(said):
    assert [a.value for a in money_in(clean(said))] == [Decimal(20)]


@pytest.mark.parametrize(
    "said", ["she got a score of 90 on the test", "what a score that was", "my credit score"]
)
def test_a_score_of_something_else_is_no_money(said):
    assert not money_in(clean(said))


def test_a_score_asked_back_is_the_amount_asked(read):
    ask = read.ask(
        AskKind.REFUND,
        "c: Paid for next day and it came a week late. Chuck us a score back, would you?",
    )
    assert ask is not None
    assert ask.amount == Decimal(20)
