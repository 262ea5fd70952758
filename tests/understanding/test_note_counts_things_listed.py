"""A note counting things the conversation told one sentence each, each at an amount of its own
("Parcel with the boots, 80 dollars. Parcel with the belt, 25 dollars."), states a count that
was said: "2 parcels". One thing told of twice at one amount is not two; nor is a count larger
than the things told."""

import pytest

from .conftest import judged

PARCELS = (
    "c: Parcel with the boots, eighty dollars, that came. Parcel with the belt, twenty-five"
    " dollars, nothing.",
    "a: I'll chase the missing one with the courier.",
)


@pytest.mark.parametrize(
    ("said", "note", "unsupported"),
    [
        (PARCELS, "Two parcels: 80 (delivered), 25 (missing). Courier chased.", []),
        (PARCELS, "Three parcels: 80 and 25 and one more. Courier chased.", ["Three parcels"]),
        (
            ("c: Parcel with the boots, eighty dollars.", "c: Parcel came late, eighty dollars."),
            "Two parcels late.",
            ["Two parcels"],
        ),
    ],
)
def test_things_told_one_sentence_each_at_their_own_amounts_are_counted(said, note, unsupported):
    assert judged(*said).unsupported_facts(note) == unsupported
