"""A price said per thing ("19.50 a lesson", "12.50 a month") is a rate, not the sum asked: the
things the customer counts ("the 3 missed lessons", "the pair of them") at that rate are; a
figure said in the plural after a count ("the two twenty-eights") is so many at that price; and
"fifty and one" in a list of prices is two numbers, never fifty-one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind
from guardrail.understanding.text import clean

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    ("said", "total"),
    [
        (
            "c: The studio was shut for a fortnight. I'd like a refund for the 3 missed classes, "
            "it's $14 a class",
            "42",
        ),
        (
            "c: I was billed after I cancelled. I want a refund for the 2 months, it's 12.50 a month",
            "25.00",
        ),
        (
            "c: The ferry was cancelled. Refund the 4 tickets please, they were 9.25 per ticket",
            "37.00",
        ),
    ],
)
def test_a_price_per_thing_counted_is_asked_at_the_total(read, said, total):
    ask = read.ask(REFUND, said)
    assert ask.amount == Decimal(total)


def test_a_price_per_thing_not_counted_is_never_multiplied(read):
    ask = read.ask(
        REFUND, "c: The studio was shut. I'd like a refund for last week's class, it's $14 a class"
    )
    assert ask.amount is None or ask.amount == 14


def test_a_sum_said_with_no_rate_is_not_multiplied_by_the_things_counted(read):
    ask = read.ask(
        REFUND,
        "c: The studio was shut. I'd like a refund for the 3 missed classes, I paid $14 for them",
    )
    assert ask.amount is None or ask.amount == 14


@pytest.mark.parametrize(
    ("said", "read_as"),
    [
        ("two at eleven-fifty and one at six", "two at 11 50 and one at 6"),
        ("thirty and two more", "30 and two more"),
        ("a hundred and one", "a 101"),
        ("one hundred and fifty one", "151"),
        ("twenty-five", "25"),
    ],
)
def test_tens_and_units_joined_by_and_are_two_numbers(said, read_as):
    assert clean(said) == read_as


def test_the_pair_of_them_at_a_price_each_is_twice_it(read):
    ask = read.ask(
        REFUND,
        "c: The match was moved so I gave the tickets away. The booking fees, four twenty-five "
        "each, I'd like the pair of them back.",
    )
    assert ask.amount == Decimal("8.50")


@pytest.mark.parametrize(
    ("answer", "total"),
    [("c: The two twenty-eights.", "56"), ("c: Just the three fifteens please.", "45")],
)
def test_a_figure_in_the_plural_after_a_count_is_that_many_at_it(read, answer, total):
    ask = read.ask(
        REFUND,
        "c: The concert was cancelled. We want our money back.",
        "a: Sorry. I can see three tickets at fifteen and a twelve pound pass. Which are we refunding?",
        answer,
    )
    assert ask.amount == Decimal(total)


@pytest.mark.parametrize(
    ("said", "read_as"),
    [
        ("the two twenty-eights", "the two times 28"),
        ("two fifties please", "two times 50 please"),
        ("the sixties were fun", "the sixties were fun"),
        ("it ends three sevens", "it ends 3 7"),
        ("two twenty eight", "2 28"),
    ],
)
def test_only_a_figure_in_the_plural_after_a_count_is_read_as_so_many(said, read_as):
    assert clean(said) == read_as


def test_the_rest_counted_at_the_price_the_agent_gave_is_that_many_at_it(read):
    ask = read.ask(
        REFUND,
        "c: I bought the five-session pass, a hundred and fifty. I used two, then hurt my knee.",
        "a: Sorry to hear that. The pass is thirty a session, and I see two used.",
        "c: The two I used I'm not asking for. The rest of it, the other three, I'd like back.",
    )
    assert ask.amount == 90


def test_the_rest_counted_with_no_price_each_is_never_the_count(read):
    ask = read.ask(
        REFUND,
        "c: I bought the five-session pass and used two, then hurt my knee.",
        "a: Sorry to hear that. I see two used.",
        "c: The rest of it, the other three, I'd like back.",
    )
    assert ask.amount is None or ask.amount != 3


@pytest.mark.parametrize(
    "ask", ["c: just refund the one that's ripped please", "c: just refund the won that's ripped"]
)
def test_the_one_of_things_priced_each_is_one_at_the_price(read, ask):
    found = read.ask(
        REFUND,
        "c: i ordered two books and one came with the cover ripped",
        "a: Sorry! They were 12 each.",
        ask,
    )
    assert found.amount == 12


@pytest.mark.parametrize(
    ("said", "read_as"),
    [
        ("refund the won that's ripped", "refund the one that's ripped"),
        ("the won is weak against the dollar", "the won is weak against the dollar"),
    ],
)
def test_won_is_one_only_before_a_relative_pronoun(said, read_as):
    assert clean(said) == read_as
