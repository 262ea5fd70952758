"""Amounts worked out aloud after what is wanted is named: an offer of money narrowed to things
counted ("no, just the two chipped mugs... so 2 x 6.50, that's 13") is taken at the sum, never at
the count; a difference asked is the sum the customer works out after it, or the one the agent
works out and the customer confirms."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    ("answer", "amount"),
    [
        (
            "c: No, just the two chipped mugs. The rest are fine. So 2 x 6.50, that's 13.00.",
            "13.00",
        ),
        ("c: Oh no, only the four broken tiles. 4 times 3.25 is 13.00.", "13.00"),
    ],
)
def test_an_offer_narrowed_to_counted_things_is_taken_at_the_sum_worked_out(read, answer, amount):
    ask = read.ask(
        REFUND,
        "c: Some of the mugs in the set arrived chipped.",
        "a: Sorry! Would you like a refund for the whole set, the 39.00?",
        answer,
    )
    assert ask.status is AskStatus.OFFERED_ACCEPTED
    assert ask.amount == Decimal(amount)


def test_an_offer_narrowed_to_counted_things_with_no_sum_is_not_taken_at_the_count(read):
    ask = read.ask(
        REFUND,
        "c: Some of the mugs in the set arrived chipped.",
        "a: Sorry! Would you like a refund for the whole set, the 39.00?",
        "c: No, just the two chipped ones. I'll keep the others.",
    )
    assert ask.amount is None or ask.amount != 2


def test_an_offer_corrected_to_a_smaller_sum_is_still_taken_at_it(read):
    ask = read.ask(
        REFUND,
        "c: The lamp shade came torn.",
        "a: Would you like a refund of the 40 for the lamp?",
        "c: No, 15 is fine, I'll keep the lamp.",
    )
    assert ask.status is AskStatus.OFFERED_ACCEPTED
    assert ask.amount == 15


@pytest.mark.parametrize(
    "said",
    [
        "c: Just the difference please. It's 5 pounds a bag, 3 bags, 15 pounds.",
        "c: I only want the difference back. So 3 x 5.00, that's 15.00.",
    ],
)
def test_a_difference_asked_then_worked_out_in_the_same_turn_is_that_sum(read, said):
    ask = read.ask(REFUND, "c: You charged 20 a bag instead of 15, for all 3 bags.", said)
    assert ask.amount == 15


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        (
            (
                "c: I picked the monthly plan at 9.99 but you charged me 99.99 for the year.",
                "c: Keep this month's 9.99 and give me the difference.",
                "a: So the difference is 90 dollars.",
                "c: Yes, 90, that one.",
            ),
            90,
        ),
        (
            (
                "c: I paid 120 and the price dropped to 95 the day after.",
                "c: Can I get the difference back? I bought two of them for the kids.",
            ),
            25,
        ),
    ],
)
def test_a_difference_is_what_the_agent_works_out_and_is_confirmed_else_the_gap_said(
    read, said, amount
):
    assert read.ask(REFUND, *said).amount == amount


@pytest.mark.parametrize(
    ("reckoning", "amount"),
    [
        ("a: So that would be 26.50 back to you, and the 5.00 booking fee stays.", "26.50"),
        ("a: So the rest is 26.50, and the 5.00 booking fee is kept.", "26.50"),
        # no reckoning: the last amount the agent puts forward
        ("a: I could do 20 now, or 26.50 if you post the tickets back?", "26.50"),
    ],
)
def test_the_amount_the_agents_reckoning_names_is_the_one_agreed_not_one_said_after_it(
    read, reckoning, amount
):
    ask = read.ask(
        REFUND,
        "c: The show was cancelled. I want the 31.50 back, minus the booking fee, that's fair.",
        reckoning,
        "c: Yes, that's right.",
    )
    assert ask is not None
    assert ask.amount == Decimal(amount)


def test_a_sum_worked_out_before_it_is_pointed_at_is_the_sum(read):
    ask = read.ask(
        AskKind.REFUND,
        "c: 2 of the candles were smashed in the box",
        "a: Oh no! Did the other 4 arrive okay?",
        "c: 2 x 8.99 = 17.98, can i get that back pls",
    )
    assert ask is not None
    assert ask.amount == Decimal("17.98")
