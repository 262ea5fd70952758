"""A refund amount said so it reads two ways a hundredfold apart ("seven fifty": 7.50 or 750)
is held when the refund written is neither reading but lies between them: which was asked
cannot be told. A refund at either reading, or under both, is judged as before; readings that
differ otherwise (a list and its total) hold nothing."""

from __future__ import annotations

import pytest

LATE_FEE = (
    "c: There's a late fee of seven fifty on my bill, but I paid on the due date.",
    "a: I see it. Would you like that refunded?",
    "c: Yes please, give me the seven fifty back.",
)
TWO_FEES = (
    "c: The show was cancelled. I want $4.50 and $3.20 back please.",
    "a: Sorry about that, I'll refund them.",
)


@pytest.mark.parametrize("amount", [57.5, 75.0, 100.0])
def test_a_refund_between_a_spoken_amounts_two_readings_is_held(amount_judged, amount):
    assert amount_judged(LATE_FEE, amount) == "held"


@pytest.mark.parametrize("amount", [7.5, 5.0])
def test_a_refund_at_or_under_the_smaller_reading_goes_through(amount_judged, amount):
    assert amount_judged(LATE_FEE, amount) == "passes"


@pytest.mark.parametrize("amount", [4.5, 6.0, 7.7])
def test_a_list_and_its_total_are_no_hundredfold_readings(amount_judged, amount):
    assert amount_judged(TWO_FEES, amount) == "passes"
