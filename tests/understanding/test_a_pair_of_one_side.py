"""A pair that came both for one side ("both gloves are for the left hand", "they're both
RIGHT hand", "two left boots"): not the thing ordered; people who both left, or were both right
there, is no such thing."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    "said",
    [
        "c: The gloves came but both gloves are for the left hand only.",
        "c: the mitts came and theyr both RIGHT hand lol",
        "c: You've sent me two left boots.",
    ],
)
def test_a_pair_for_one_side_is_the_wrong_item(read, said):
    assert Reason.WRONG_ITEM in read.reasons(said)


@pytest.mark.parametrize(
    "said",
    [
        "c: We both left the house early and the parcel never came.",
        "c: Both of us were right there all day and nobody knocked.",
    ],
)
def test_people_who_both_left_or_were_right_there_are_no_wrong_item(read, said):
    assert Reason.WRONG_ITEM not in read.reasons(said)
