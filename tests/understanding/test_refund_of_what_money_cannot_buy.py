"""A refund of what no money gives back ("refund my sanity while you're at it, ha", "refund me
that hour of my life"): said in jest, no ask; the same words said after a real ask of money
leave that ask standing, and a refund of hours of hire lost is asked."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "said",
    [
        "c: four hours on your flatpack and the shelf's on backwards. my fault. "
        "refund my sanity while you're at it, ha",
        "c: Forty minutes in your queue for a one-line answer. Refund me those minutes of my"
        " life, honestly.",
    ],
)
def test_a_refund_of_ones_sanity_or_hours_of_ones_life_asks_for_nothing(read, said):
    ask = read.ask(REFUND, said)
    assert ask is None or not ask.status.granted


def test_a_real_ask_beside_the_joke_still_stands(read):
    ask = read.ask(
        REFUND,
        "c: The shelf came split. Refund me the 60 please, and my sanity while you're at it.",
    )
    assert ask is not None
    assert ask.status.granted
    assert ask.amount == Decimal(60)


def test_a_refund_for_hours_of_work_lost_is_still_asked(read):
    ask = read.ask(REFUND, "c: The site was down all day. Refund me the 3 hours of hire I lost.")
    assert ask is not None
    assert ask.status.granted
