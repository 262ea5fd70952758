"""A callback offered and taken by saying its day suits ("Friday's perfect", "tomorrow's
grand, after two") is scheduled; a day said to be busy, or a day's weather, takes nothing up."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Outcome

OFFER = "a: I can't see it yet. Shall I ring you back on Friday once billing confirm?"


@pytest.mark.parametrize("answer", ["c: Friday's perfect, any time.", "c: tomorrow's grand"])
def test_a_callback_taken_by_its_day_said_to_suit_is_scheduled(read, answer):
    offer = OFFER if "friday" in answer.lower() else OFFER.replace("on Friday", "tomorrow")
    assert read.outcome(offer, answer) == (Outcome.CALLBACK_SCHEDULED, True)


@pytest.mark.parametrize("answer", ["c: Friday's hopeless, I'm at work.", "c: Friday's rainy."])
def test_a_day_said_to_be_busy_takes_no_callback_up(read, answer):
    assert read.outcome(OFFER, answer)[0] is not Outcome.CALLBACK_SCHEDULED
