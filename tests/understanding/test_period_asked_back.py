"""A billing period's charge asked back with no article or verb ("Just March back.", "this
month's back please") or taken back ("I'll just take last month's back") is a refund asked: a
period is never goods sent back. A period named in a clause that says something else of it
keeps its old reading."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND
OPENING = (
    "c: I cancelled my gym membership in January and you charged me February and March.",
    "a: I see both charges, $40 each. Sorry, the cancellation wasn't processed.",
    "c: I did use it a couple of times in February, that one's fair.",
    "a: That's good of you.",
)


@pytest.mark.parametrize(
    "last",
    [
        "c: Just March back. Forty.",
        "c: So this month's back please.",
        "c: Fine. I'll just take last month's back and we're square.",
    ],
)
def test_a_period_asked_back_with_no_article_is_a_refund_asked(read, last):
    ask = read.ask(REFUND, *OPENING, last)
    assert ask is not None
    assert ask.status.granted


@pytest.mark.parametrize(
    "last",
    [
        "c: I'll be back in March anyway.",
        "c: March back home was busy, that's all.",
    ],
)
def test_a_period_named_in_a_clause_about_something_else_asks_nothing(read, last):
    ask = read.ask(REFUND, *OPENING, last)
    assert ask is None or not ask.status.granted
