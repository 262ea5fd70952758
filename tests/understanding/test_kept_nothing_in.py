"""Damage told by what a thing no longer does or what befell it on the way: it won't hold air
or its charge, it came or went flat, the parcel sat out in the rain. A flat rate, a thing held
by someone, or the customer who left it out themself in so many other words, is no damage."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    "said",
    [
        "c: The paddling pool won't hold air, it's flat by the morning.",
        "c: The camping lantern doesn't hold its charge past an hour.",
        "c: The batteries were all flat when they came, every one of them.",
        "c: The courier left the box out in the rain and the cushions are ruined.",
        "c: The parcel sat in the rain all afternoon, the labels have peeled off.",
    ],
)
def test_a_thing_that_keeps_nothing_in_or_sat_in_the_rain_is_damaged(read, said):
    assert Reason.DAMAGED in read.reasons(said)


@pytest.mark.parametrize(
    "said",
    [
        "c: I'm on the flat rate tariff and it went up without a word.",
        "c: Can you hold the parcel at the depot till Friday?",
        "c: The shop was flat out busy, so I ordered online instead.",
    ],
)
def test_a_flat_rate_or_a_parcel_held_is_no_damage(read, said):
    assert Reason.DAMAGED not in read.reasons(said)
