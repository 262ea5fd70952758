"""A price the customer asks after ("the quote for the inspection, is that still three-fifty?")
seeks information: it is no sum wanted, neither a correction of the refund asked nor a counter
to the agent's offer. A sum put as what they want ("can you do 350?") still is."""

from __future__ import annotations

from decimal import Decimal

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND

REFUNDED = (
    "c: Nobody came for the spray on the 9th, but you billed me 129.60. I want it all back.",
    "a: That's fair. I'll refund 129.60. Does Thursday morning work for a new visit?",
)


def test_a_price_asked_after_is_no_sum_wanted(read):
    ask = read.ask(
        REFUND, *REFUNDED, "c: Thursday's fine. And the termite quote, is that still three-fifty?"
    )
    assert ask.amount == Decimal("129.60")


def test_a_sum_asked_for_as_a_question_still_counts(read):
    ask = read.ask(
        REFUND,
        "c: The spray never happened. Can I get a refund?",
        "a: I can refund 60 of it.",
        "c: Can you do 90?",
    )
    assert ask.amount == 90
