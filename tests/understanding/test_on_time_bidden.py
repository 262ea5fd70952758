""" "On time" bidden for others ("just make sure the next family gets theirs on time") is an
aim, not what happened: it denies no late delivery; said of what came, it still does."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    ("said", "denied"),
    [
        ("c: Nothing, really. Just make sure the next family gets theirs on time.", False),
        ("c: Please ensure the next order is delivered on time.", False),
        ("c: The order came on time, I'll give you that.", True),
    ],
)
def test_on_time_bidden_for_others_denies_no_late_delivery(read, said, denied):
    reading = read(said)
    assert any(i.reason is Reason.LATE and i.negated for i in reading.issues) is denied
