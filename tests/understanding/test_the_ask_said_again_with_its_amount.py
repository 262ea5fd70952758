"""An ask that names no amount takes what the customer paid, as the likeliest meant; said again
in the same turn with its own amount ("I paid £240 for the year... refund the unused £120"),
that amount is what they ask, not the two added; a second sum said to be as well still adds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "said",
    [
        "c: Subject: Refund on closure. I paid £240 for the year and I'm closing six months in. "
        "Please refund the unused £120.",
        "c: I want a refund. I paid £240 for the year and only used half. Refund me £120 please.",
    ],
)
def test_the_amount_the_ask_names_when_said_again_is_the_amount_asked(read, said):
    ask = read.ask(REFUND, "a: How can I help?", said)
    assert ask is not None
    assert ask.amount == Decimal(120)


def test_a_second_sum_asked_as_well_still_adds(read):
    said = (
        "c: I want a refund for the lamp, I paid £40 for it. And please refund the £10 "
        "delivery as well."
    )
    ask = read.ask(REFUND, "a: How can I help?", said)
    assert ask is not None
    assert ask.amount == Decimal(50)
