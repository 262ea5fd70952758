"""What the customer only wondered about ("If I were to ask for the sixty-five pounds back...
would that be a problem?") is asked once they say so ("Then consider yourself asked"), as it
was put; said of nothing wondered about, the words ask nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND
WONDERED = (
    "c: The left sole has split after two weeks. If I were to ask for the sixty-five pounds back "
    "rather than a replacement pair, would that be a problem?",
    "a: Not at all, that's entirely your choice.",
)


@pytest.mark.parametrize(
    "said",
    [
        "c: Then consider yourself asked. I don't trust the pair's siblings.",
        "c: Well, I'm asking now.",
        "c: Right, take that as a formal request then.",
    ],
)
def test_what_was_wondered_about_is_asked_once_the_customer_says_so(read, said):
    ask = read.ask(REFUND, *WONDERED, said)
    assert ask is not None
    assert ask.status.granted
    assert ask.amount == Decimal(65)


def test_only_the_first_thing_wondered_about_is_asked_not_what_it_was_put_against(read):
    said = (*WONDERED, "c: Then consider yourself asked.")
    replacement = read.ask(AskKind.REPLACEMENT, *said)
    assert replacement is None or not replacement.status.granted


def test_wondering_left_as_it_was_asks_nothing(read):
    ask = read.ask(REFUND, *WONDERED, "c: Good to know. I'll think about it.")
    assert ask is not None
    assert not ask.status.granted
