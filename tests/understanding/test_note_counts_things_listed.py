"""A note counting things the conversation told one sentence each, each at an amount of its own
("Parcel with the boots, 80 dollars. Parcel with the belt, 25 dollars."), states a count that
was said: "2 parcels". One thing told of twice at one amount is not two; nor is a count larger
than the things told. A bare amount a note says was credited, refunded or paid ("30 already
credited") is an amount to ground, unless it is a few ("2 refunded, 1 kept" may count
things)."""

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


@pytest.mark.parametrize(
    ("note", "unsupported"),
    [
        ("Overcharged 50; 20 already credited; 30 to follow.", []),
        ("Overcharged 50; 25 already credited; rest to follow.", ["25"]),
        ("Overcharged 50; 15 refunded today.", ["15"]),
        # a few, done with, may count things: no amount
        ("Overcharged 50; 2 refunded, 1 kept.", []),
    ],
)
def test_an_amount_a_note_says_was_credited_or_refunded_must_be_said(note, unsupported):
    said = ("c: you overcharged me 50, you've credited 20, so 30 is still owed",)
    assert judged(*said).unsupported_facts(note) == unsupported
