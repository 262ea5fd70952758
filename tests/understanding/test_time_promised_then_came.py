"""The time promised, then the time it came ("You said nine. The van came at two."), is a late
delivery; a time said with no arrival after it is none."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    "said",
    [
        "c: You said ten in the morning. The fitters came at three in the afternoon.",
        "c: It was booked for 8am and the driver turned up at half eleven.",
        "c: they promised noon, it arrived at six",
    ],
)
def test_the_time_promised_then_the_time_it_came_is_late(read, said):
    assert Reason.LATE in read.reasons(said)


@pytest.mark.parametrize(
    "said",
    [
        "c: You said ten in the morning, and could you bring two extra chairs?",
        "c: They said 9 on the phone. The table came with a split leg.",
    ],
)
def test_a_time_promised_with_no_time_it_came_is_not_late(read, said):
    assert Reason.LATE not in read.reasons(said)


def test_a_window_promised_and_met_is_not_late(read):
    said = "c: you said saturday between eight and twelve the man came at nine very punctual"
    assert Reason.LATE not in read.reasons(said)
