"""Goods spoiled in words the reader lacked ("two bottles were corked", "the spools are brittle",
"every candle slumped over") are damaged; the same thing sent again ("the same book as last
month") or a size other than ordered ("came in age 5-6 and I ordered 9-10") is a wrong item.
The words said of other things are not."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    "said",
    [
        "c: Two of the bottles in this month's case were corked, I poured them out.",
        "c: The orange spools are brittle right out of the bag.",
        "c: The chocolates arrived melted into one lump.",
        "c: Every one of the candles slumped over in the heat.",
    ],
)
def test_goods_spoiled_in_these_words_are_damaged(read, said):
    assert Reason.DAMAGED in read.reasons(said)


@pytest.mark.parametrize(
    "said",
    [
        "c: This month's parcel had the same book as last month.",
        "c: You sent me the same puzzle again.",
        "c: The sweatshirt came in age 5-6 and I ordered age 9-10.",
    ],
)
def test_the_same_thing_again_or_another_size_is_a_wrong_item(read, said):
    assert Reason.WRONG_ITEM in read.reasons(said)


@pytest.mark.parametrize(
    "said",
    [
        "c: I'd like the same book as last month for my niece, please.",
        "c: I want to order the same kit again for my other son.",
        "c: The parcel came in the afternoon and I ordered it Monday.",
    ],
)
def test_the_same_thing_wanted_again_is_no_wrong_item(read, said):
    assert Reason.WRONG_ITEM not in read.reasons(said)
