"""A share of a sum the agent works out aloud ("a third is seventy pounds", "20% of the bill
comes to 30") is an amount proposed for the refund spoken of: the customer's yes takes it at
that amount, and so does saying it back flat and then asking for it ("Seventy. Put it back on
my card"); said back as a question, or mulled over, it is weighed, not taken."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND
ASKED = "c: The bill was two hundred and ten pounds and most of it was the leak. I'd like some of that bill back."


@pytest.mark.parametrize(
    "worked",
    [
        "a: If you're sure. A third is seventy pounds.",
        "a: A third of the bill would be seventy pounds.",
        "a: Right, one third of it comes to 70.",
    ],
)
@pytest.mark.parametrize(
    "answer", ["c: Yes please.", "c: Seventy. Put it back on my card, please.", "c: 70. Fine."]
)
def test_a_share_the_agent_works_out_and_the_customer_takes_is_the_amount_asked(
    read, worked, answer
):
    ask = read.ask(
        REFUND,
        ASKED,
        "a: I can offer up to half, one hundred and five.",
        "c: Half? No, no. A third is fair.",
        worked,
        answer,
    )
    assert ask.amount == 70


@pytest.mark.parametrize("answer", ["c: Seventy? Is that all?", "c: Seventy. Hm.", "c: Seventy."])
def test_a_share_said_back_as_a_question_or_mulled_over_is_not_taken(read, answer):
    ask = read.ask(REFUND, ASKED, "a: A third is seventy pounds.", answer)
    assert ask.amount != 70


def test_a_third_is_a_share_not_the_third_of_options_set_out(read):
    ask = read.ask(
        REFUND,
        "c: The heater's been broken all month and I want money back for it.",
        "a: A third of your plan is 12 pounds. Shall I refund that?",
        "c: Yes please.",
    )
    assert ask.amount == 12
