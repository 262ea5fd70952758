""" "Just the one fifteen back" may be 1.15, 115, or the one fee of 15: where 15 was named plainly
in the call ("fifteen bucks a day") and neither other reading was, it is the one of 15. With
nothing named, the figure keeps its two readings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "ask",
    [
        "c: So just the one fifteen back. The other one is fine.",
        "c: One fifteen you give me back, yes?",
    ],
)
def test_the_one_of_an_amount_named_plainly_is_that_amount(read, ask):
    found = read.ask(
        REFUND,
        "c: I have the day pass, fifteen bucks a day. You charged me the fifteen twice on the 3rd.",
        "a: I see it, two day-pass charges on the 3rd.",
        ask,
    )
    assert found.amount == 15


def test_one_and_a_figure_with_nothing_named_keeps_both_readings(read):
    found = read.ask(
        REFUND, "c: The parking machine took my coin. Just the one fifteen back please."
    )
    assert set(found.amounts) == {Decimal("1.15"), Decimal("115")}


def test_a_reckoning_past_a_rate_is_taken_at_its_sum(read):
    ask = read.ask(
        REFUND,
        "c: You've had me on the wrong tariff since March. Just refund whatever the overcharge is.",
        "a: Let me work it out. The difference is eight twenty a month, two months, so sixteen forty.",
        "c: Yeah, that.",
    )
    assert ask.amount == Decimal("16.40")
