"""A thing wanted back named by its own word and no amount ("so I want August back"), priced by
the agent's next turn ("August was eighty-nine"): that price is the amount asked, never surely.
A price the agent gives of something else leaves the ask without one."""

from __future__ import annotations

from decimal import Decimal

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND
GARDENER = "c: the gardener never came in june or july and july was the worst"


def test_the_agents_price_of_the_thing_wanted_back_is_the_amount(read):
    ask = read.ask(REFUND, GARDENER, "c: so i want july back", "a: july was 65 i'll sort that")
    assert ask is not None
    assert ask.amount == Decimal(65)
    assert ask.amount_confidence < 0.8


def test_a_price_of_something_else_is_no_amount_asked(read):
    ask = read.ask(REFUND, GARDENER, "c: so i want july back", "a: june was 65 i'll sort that")
    assert ask is not None
    assert ask.amount is None


def test_a_rate_for_the_things_wanted_back_is_no_amount_asked(read):
    ask = read.ask(
        REFUND,
        "c: i moved out on the 2nd but was charged to the 23rd can i get those weeks back",
        "a: yes that's three weeks at $142 a week, the weeks are $142 a week",
    )
    assert ask is not None
    assert ask.amount is None
