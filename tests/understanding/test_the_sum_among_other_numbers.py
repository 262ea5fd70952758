"""The sum asked, told apart from the other numbers around it: a price each said beside it
("a pound a day"), a plan or speed named after another deed ("and move me back to the 500"),
a count of prices said plural ("three nine ninety-nines"), more things listed before the sum
that covers them, a part the customer leaves out of what the agent priced, and an ask said
again after the customer stopped themselves ("no, hang on"), which replaces the first."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        (
            "c: I paid forty for the month and stopped on the 20th. Can I have the last ten "
            "days back? Ten pounds, I reckon, a pound a day.",
            "10",
        ),
        (
            "c: The gym was shut for a week. Could you refund that week? Twelve dollars, I "
            "think, two dollars a day.",
            "12",
        ),
    ],
)
def test_a_sum_said_beside_its_price_each_is_the_sum_not_the_price(read, said, amount):
    ask = read.ask(REFUND, "a: How can I help?", said)
    assert ask is not None
    assert ask.amount == Decimal(amount)


@pytest.mark.parametrize(
    "said",
    [
        "c: I've been billed for the top plan. Can you refund the $25 and put me back on 500?",
        "c: Please refund the £25 and move me back to 200, that's the plan I signed up for.",
    ],
)
def test_a_plan_named_after_another_deed_is_no_sum(read, said):
    ask = read.ask(REFUND, "a: What can I do for you?", said)
    assert ask is not None
    assert ask.amount == Decimal(25)
    assert max(ask.amounts) == Decimal(25)


def test_a_count_before_a_price_said_plural_counts_the_price(read):
    ask = read.ask(
        REFUND,
        "a: How can I help?",
        "c: you billed the service fee twice there's two four fifties on it i only want the "
        "extra four fifty back",
    )
    assert ask is not None
    assert ask.amount is not None
    assert ask.amount < 10


def test_a_sum_said_after_more_things_asked_covers_them_all(read):
    ask = read.ask(
        REFUND,
        "a: The lamp was eighteen, the shade nine and the bulbs six, thirty-three in all.",
        "c: Refund the lamp and the shade, twenty-seven, I'll keep the bulbs.",
    )
    assert ask is not None
    assert ask.amount == Decimal(27)


def test_a_part_left_out_of_what_the_agent_priced_leaves_the_rest_asked(read):
    ask = read.ask(
        REFUND,
        "c: The blender I bought is dead. I want all sixty-five back.",
        "a: I see fifty-nine for the blender and six for delivery.",
        "c: Ah, fair enough, forget the delivery, it came on time.",
    )
    assert ask is not None
    assert ask.amount == Decimal(59)


def test_an_ask_said_again_after_the_customer_stops_themselves_replaces_the_first(read):
    ask = read.ask(
        REFUND,
        "a: What happened?",
        "c: The cleaner only did half the flat. I want the eighty back. No, hang on, she did "
        "the kitchen properly. Give me half back, forty, that's fair.",
    )
    assert ask is not None
    assert ask.amount == Decimal(40)


@pytest.mark.parametrize(
    ("agent", "answer", "amount"),
    [
        (
            "a: The plan is forty a month and you had six days left, which comes to eight.",
            "c: Eight. Yeah, okay, that's fine, go ahead.",
            "8",
        ),
        (
            "a: I can do €60 and close it off today.",
            "c: grand, 60 so",
            "60",
        ),
    ],
)
def test_a_sum_the_agent_named_said_back_and_taken_is_the_amount_asked(read, agent, answer, amount):
    ask = read.ask(
        REFUND,
        "c: You charged me for a month I didn't use. I'd want at least €100 back.",
        agent,
        answer,
    )
    assert ask is not None
    assert ask.amount == Decimal(amount)
