"""A thing that came only after the event it was for was over ("the wreath came after the
service had ended"): late; one that came before the party started is not."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    ("said", "late"),
    [
        ("c: The wreath came after the service had ended.", True),
        ("c: The balloons turned up after the party had finished.", True),
        ("c: The balloons came before the party started, all fine.", False),
    ],
)
def test_what_came_after_its_event_was_over_is_late(read, said, late):
    assert (Reason.LATE in read.reasons(said)) is late
