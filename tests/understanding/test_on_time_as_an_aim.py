""" "On time" said as what was paid for or promised ("we paid to have them there on time", "it
was supposed to arrive early") is an aim, not what happened: it denies no late delivery; said of
what happened ("it came right on time") it still does."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    "said",
    [
        "c: The banners came after the fair. We paid to have them there on time and they wasn't.",
        "c: I paid extra so it would be here on time for the party.",
        "c: The cake was meant to arrive early, for the christening.",
    ],
)
def test_on_time_as_what_was_paid_for_denies_no_late_delivery(read, said):
    reading = read(said)
    assert not any(i.reason is Reason.LATE and i.negated for i in reading.issues)


@pytest.mark.parametrize(
    "said",
    [
        "c: It came right on time, but the lid was cracked.",
        "c: The parcel got here on time, no problem there.",
        "c: They arrived early, which was nice.",
    ],
)
def test_on_time_said_of_what_happened_still_denies_late_delivery(read, said):
    reading = read(said)
    assert any(i.reason is Reason.LATE and i.negated for i in reading.issues)
