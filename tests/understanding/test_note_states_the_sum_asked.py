"""A note may state the sum the customer asked as the reading worked it out from their words (a
share of a price they said: "half of my sixty" noted as $30); a sum nobody asked, nor worked
out, stays unsupported."""

import pytest

from .conftest import judged

HALF = "c: The class was cancelled halfway through, I'd like half of my sixty dollars back."
THIRD = "c: Only one of the three sessions ran, so a third of the 120 back please."


@pytest.mark.parametrize(
    ("said", "note"),
    [
        (HALF, "Class cut short; half of $60 asked, $30 refunded."),
        (THIRD, "Sessions missed; refund of $40 agreed."),
    ],
)
def test_a_note_may_state_the_share_the_customer_asked(said, note):
    assert judged(said).unsupported_facts(note) == []


@pytest.mark.parametrize(
    ("said", "note", "unsupported"),
    [
        (HALF, "Class cut short; $35 refunded.", ["$35"]),
        (THIRD, "Sessions missed; refund of $80 agreed.", ["$80"]),
        ("c: I paid sixty dollars for the class, can someone call me?", "Refund $30.", ["$30"]),
    ],
)
def test_a_sum_neither_said_nor_asked_stays_unsupported(said, note, unsupported):
    assert judged(said).unsupported_facts(note) == unsupported
