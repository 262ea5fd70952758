"""A refund asked as a sum and a part named without its amount ("the twenty-nine plus whatever
the tax was", "the tenner and the postage"): the total the agent works out from the part's
amount, and the customer confirms, is the amount asked; a total the customer does not take, or
one that does not add up from the ask, is not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    ("ask", "worked", "yes", "amount"),
    [
        (
            "c: The kettle leaks. I want my money back, the forty plus whatever the tax was.",
            "a: Sorry. The tax was $3.20, so $43.20 in total.",
            "c: Yes, forty-three twenty. Thanks.",
            "43.20",
        ),
        (
            "c: The bulbs came rotten. Just give me the tenner back and the postage.",
            "a: So £10 and £4.50, that's £14.50.",
            "c: Yes, that's right.",
            "14.50",
        ),
    ],
)
def test_a_total_the_agent_works_out_and_the_customer_takes_is_the_ask(
    read, ask, worked, yes, amount
):
    assert read.ask(REFUND, ask, worked, yes).amount == Decimal(amount)


def test_a_total_the_customer_turns_down_is_not_the_ask(read):
    ask = read.ask(
        REFUND,
        "c: The kettle leaks. I want my money back, the forty, not the delivery.",
        "a: Sorry. The delivery was $6, so $46 in total.",
        "c: No, just the forty. I said.",
    )
    assert ask.amount == 40


def test_a_sum_said_after_so_that_does_not_add_up_from_the_ask_is_no_total(read):
    ask = read.ask(
        REFUND,
        "c: The kettle leaks. I want my 40 back.",
        "a: Sorry. The delivery was $6, so $60 in total.",
        "c: Yes.",
    )
    assert ask.amount == 40
