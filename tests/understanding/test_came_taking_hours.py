"""Goods or food that came, having taken hours on the way ("the curry turned up cold, took an
hour and a half"), came late, surely; a person who came and took an hour over the work, or a
thing that came and took hours to put together, tells of no late delivery."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    "said",
    [
        "c: The curry turned up lukewarm, took an hour and a half.",
        "c: My noodles showed up but it took over two hours from ordering.",
    ],
)
def test_a_delivery_that_took_hours_came_late(read, said):
    assert Reason.LATE in read.sure_reasons(said)


@pytest.mark.parametrize(
    "said",
    [
        "c: The engineer came and took an hour to fix the boiler.",
        "c: The wardrobe came quickly and took two hours to build.",
        "c: The desk came and took an hour and a half to put together.",
    ],
)
def test_work_that_took_hours_is_no_late_delivery(read, said):
    assert Reason.LATE not in read.sure_reasons(said)
