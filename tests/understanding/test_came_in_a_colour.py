"""What came, said by its colour ("the banners came blue"), is the wrong item: nobody names the
colour they ordered when it comes; a colour said of the packaging, or as ordered, is none."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    "said",
    [
        "c: The trainers arrived bright orange, they're for a funeral.",
        "c: the mugs came black. the set on the website is white",
        "c: My scarf turned up in navy?? lol",
    ],
)
def test_a_thing_said_to_come_in_a_colour_is_the_wrong_item(read, said):
    assert Reason.WRONG_ITEM in read.reasons(said)


@pytest.mark.parametrize(
    "said",
    [
        "c: The blue vase came with a crack down the side.",
        "c: The lamp arrived black as ordered but the switch is dead.",
        "c: It came in gold packaging, lovely, but the necklace is snapped.",
    ],
)
def test_a_colour_said_of_the_packaging_or_as_ordered_is_no_wrong_item(read, said):
    assert Reason.WRONG_ITEM not in read.reasons(said)
