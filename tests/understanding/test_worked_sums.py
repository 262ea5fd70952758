"""A sum worked out aloud, a count times a rate, is the amount it comes to."""

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind
from guardrail.understanding.numbers import products
from guardrail.understanding.text import clean

from .conftest import Reader


@pytest.mark.parametrize(
    ("said", "total"),
    [
        ("so four times twelve fifty, fifty dollars", Decimal("50")),
        ("that's 2 x 30 = 60", Decimal("60")),
        ("five nights at ninety euros a night", Decimal("450")),
        ("three lessons at $25 each", Decimal("75")),
        ("6 x 9.99", Decimal("59.94")),
    ],
)
def test_a_count_times_a_rate_is_its_product(said: str, total: Decimal) -> None:
    assert [m.high for m in products(clean(said))] == [total]


@pytest.mark.parametrize(
    "said",
    ["I rang 4 times at 8am", "table 2 at the window", "we waited 3 hours at 40 minutes each way"],
)
def test_counts_beside_times_or_places_are_no_sums(said: str) -> None:
    assert products(clean(said)) == []


@pytest.mark.parametrize(
    ("turn", "total"),
    [
        (
            "c: We left two days early, so two times sixty, a hundred twenty. I'd like that back.",
            120,
        ),
        ("c: I paid for 4 classes at 35 and went to none. I want that refunded please.", 140),
        ("c: Can you refund me the 3 weeks at $40 I didn't use?", 120),
    ],
)
def test_an_ask_for_a_worked_out_sum_may_ask_the_sum_not_only_the_rate(
    read: Reader, turn: str, total: int
) -> None:
    ask = read.ask(AskKind.REFUND, "a: How can I help?", turn)
    assert ask is not None
    assert max(ask.amounts) == total


@pytest.mark.parametrize(
    ("turn", "total"),
    [
        ("c: Four nights at 70, so 280. I'd like that back, the hotel was shut.", 280),
        ("c: It was 3 times 15 for the three rides, I want them refunded.", 45),
    ],
)
def test_a_sum_done_aloud_is_the_amount_asked(read: Reader, turn: str, total: int) -> None:
    ask = read.ask(AskKind.REFUND, "a: How can I help?", turn)
    assert ask is not None
    assert ask.amount == total


@pytest.mark.parametrize(
    ("said", "whole"),
    [
        ("The mugs arrived chipped. Refund me the £9 for each of the 4 I ordered.", 36),
        ("The socks were €6 each. We bought 5. Please refund them all.", 30),
    ],
)  # fmt: skip
def test_a_price_each_with_the_count_said_after_it_may_be_the_whole(read, said, whole):
    ask = read.ask(AskKind.REFUND, f"c: {said}")
    assert ask is not None
    assert max(ask.amounts) == whole


@pytest.mark.parametrize(
    "said",
    ["The mug was £9 each and I got 2 days ago with it broken. Refund the £9.",
     "They're $12 each, I bought one. Refund it please."],
)  # fmt: skip
def test_a_count_of_days_or_one_thing_after_a_price_each_multiplies_nothing(read, said):
    ask = read.ask(AskKind.REFUND, f"c: {said}")
    assert ask is not None
    assert max(ask.amounts) in (9, 12)


@pytest.mark.parametrize(
    ("said", "most"),
    [
        # a sum said as two numbers is not a count of the things priced each
        ("c: The passes were ninety each. So I'd like the one eighty back.", 180),
        # a count of them still is
        ("c: The passes were ninety each. I'd like those two refunded.", 180),
    ],
)
def test_a_sum_said_as_two_numbers_is_no_count_of_things_priced_each(read, said, most):
    ask = read.ask(AskKind.REFUND, "a: How can I help?", said)
    assert max(ask.amounts) == most
