"""A whole number and a part of one said in words ("twelve and a half", "ten and a quarter") is
one figure: the reader took only the whole, so a refund of 12.50 asked as "twelve and a half"
read as more than the 12 it saw."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind
from guardrail.understanding.text import digits_from_words

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        ("c: The sander was broken. Can I get nine and a half back for it?", "9.50"),
        ("c: The lamp came cracked, refund me the twenty and a quarter please.", "20.25"),
        ("c: Please refund the fourteen and three quarters for the torn bag.", "14.75"),
        ("c: My parcel was late. I'd like $8 and a half back for the delivery.", "8.50"),
    ],
)
def test_a_whole_and_a_part_said_in_words_is_the_amount_asked(read, said, amount):
    assert read.ask(REFUND, said).amount == Decimal(amount)


@pytest.mark.parametrize(
    "said",
    [
        "I waited an hour and a half on hold",
        "half of it was broken and a half dozen more were scratched",
        "give me half back",
    ],
)
def test_a_half_with_no_whole_number_before_it_is_left_as_said(said):
    assert digits_from_words(said) == said
