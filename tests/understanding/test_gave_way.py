"""A part that gave way ("the buckle gave way on the first walk") failed: damaged; giving way
at a junction is no fault."""

from __future__ import annotations

from guardrail.understanding.model import Reason


def test_a_part_that_gave_way_is_damaged(read):
    assert Reason.DAMAGED in read.reasons(
        "c: The buckle on the harness gave way on our first walk."
    )


def test_giving_way_at_a_junction_is_no_damage(read):
    said = "c: Give way at the junction and the depot is on the left."
    assert Reason.DAMAGED not in read.reasons(said)
