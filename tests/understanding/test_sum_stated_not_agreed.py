"""A larger sum the agent only states ("I can see the 40 chairs, $180, I'll refund that") and
the customer only thanks for is not the sum they asked: theirs stands, though not surely. Put to
them as a question, asked leave for, or said back, it is agreed; and a whole number of the price
the customer gave ("6.50 a ticket" - "two tickets, 13.00") is the agent counting, not more."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import SURE, AskKind

REFUND = AskKind.REFUND

ASKED = "c: Six of the forty hired chairs came with snapped legs. $4.50 each, so $27 back please."


def test_a_larger_sum_the_agent_states_and_is_thanked_for_leaves_the_sum_asked_unsure(read):
    ask = read.ask(
        REFUND,
        ASKED,
        "a: I can see the 40 chairs at $4.50 each, $180 in total. I'll process that refund now.",
        "c: thanks heaps",
    )
    assert ask.amount == 27
    assert ask.amount_confidence < SURE


@pytest.mark.parametrize(
    ("offer", "answer"),
    [
        (
            "a: You'll get the 27. And for the trouble I'd like to add the rest of the hire, "
            "so $180 in total, if that's okay with you.",
            "c: Yes please.",
        ),
        ("a: Would you like the whole $180 back instead?", "c: Yes please."),
        ("a: I'll refund the whole hire, $180.", "c: 180? Wow, yes, the 180, thank you."),
    ],
)
def test_a_larger_sum_put_to_the_customer_and_taken_is_agreed(read, offer, answer):
    assert read.ask(REFUND, ASKED, offer, answer).amount == 180


def test_so_many_at_the_price_the_customer_gave_is_the_agent_counting(read):
    ask = read.ask(
        REFUND,
        "c: The date moved and I can't go. I paid a booking fee of 6.50 a ticket. Could you "
        "refund the booking fees?",
        "a: I can see two tickets with a 6.50 fee each, 13.00 altogether. I'll refund both.",
        "c: amazing, ta",
    )
    assert ask.amount == Decimal("13.00")
