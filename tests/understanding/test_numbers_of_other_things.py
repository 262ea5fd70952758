"""Numbers said after the refund is agreed that count or time another thing: a time told by the
clock's hand ("the half past ten instead"), a question about another booking ("is that open for
eight?"), an animal named a pony. None is an amount asked; a sum said so is, as before."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind
from guardrail.understanding.numbers import bare_amounts, money_in
from guardrail.understanding.text import clean

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "said",
    [
        "can she come at half past ten on the saturday instead",
        "the van came at twenty past three",
        "is quarter to nine any good",
        "we open at twenty minutes past eight",
        "we got there at ten past nine",
    ],
)
def test_a_time_told_by_the_clock_hand_is_no_amount(said):
    assert not bare_amounts(clean(said))


@pytest.mark.parametrize(("said", "amount"), [("just the 20 past the deadline", 20)])
def test_a_number_before_past_and_no_hour_may_still_be_an_amount(said, amount):
    assert [a.value for a in bare_amounts(clean(said))] == [amount]


def test_a_pony_with_no_article_is_an_animal_and_a_pony_is_still_25_pounds():
    assert not money_in(clean("she loves that pony, Biscuit"))
    assert [a.value for a in money_in(clean("bung us a pony back"))] == [25]


BEFORE = (
    "c: The blender I got from you arrived with a cracked jug.",
    "a: Sorry about that.",
    "c: Can I get 40 dollars back for it?",
    "a: Yes, I'll refund the 40 dollars now.",
)


@pytest.mark.parametrize(
    "after",
    [
        "c: Lovely. And is the cafe open for eight?",
        "c: Merci. And my nephew wants to book the party room, is that open for eight?",
        "c: Thanks. And does the shop stay open till 8 on a Sunday?",
        "c: Great. Can I come in at half past ten on Saturday instead?",
    ],
)
def test_a_number_of_another_thing_after_the_refund_agreed_leaves_the_amount(read, after):
    assert read.ask(REFUND, *BEFORE, after).amount == 40


@pytest.mark.parametrize(
    ("after", "amount"),
    [
        ("c: Forty? Come on. Sixty.", 60),
        ("c: Hmm, is it ok if I get 30?", 30),
        ("c: Okay. And the lid was 5 dollars, can I have that too?", 45),
    ],
)
def test_a_sum_said_after_the_offer_still_counters_or_adds(read, after, amount):
    assert read.ask(REFUND, *BEFORE, after).amount == Decimal(amount)


def test_a_number_to_another_is_still_a_range_of_amounts():
    assert [
        a.value for a in bare_amounts(clean("the rent goes from sixty-two to fifty-eight"))
    ] == [
        62,
        58,
    ]


@pytest.mark.parametrize(
    "said",
    [
        "can I get the other 3 wks back?",
        "cancelled 2 mths early",
        "it's been 4 yrs",
        "took 10 mins",
    ],
)
def test_a_count_of_a_unit_typed_short_is_no_amount(said):
    assert not bare_amounts(clean(said))
