"""A callback offered and taken by saying its day suits ("Friday's perfect", "tomorrow's grand,
after two") is scheduled; a day said to be busy takes nothing up, and a day said to suit takes
up only the time offered: a refund offered in the same turn is not thereby accepted."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus, Outcome

OFFER = "a: I can't see it yet. Shall I ring you back on Friday once billing confirm?"


@pytest.mark.parametrize(
    ("offer", "answer"),
    [
        (OFFER, "c: Friday's perfect, any time."),
        (OFFER.replace("on Friday", "tomorrow"), "c: tomorrow's grand"),
    ],
)
def test_a_callback_taken_by_its_day_said_to_suit_is_scheduled(read, offer, answer):
    assert read.outcome(offer, answer) == (Outcome.CALLBACK_SCHEDULED, True)


@pytest.mark.parametrize("answer", ["c: Friday's hopeless, I'm at work.", "c: Friday's rainy."])
def test_a_day_said_to_be_busy_takes_no_callback_up(read, answer):
    assert read.outcome(OFFER, answer)[0] is not Outcome.CALLBACK_SCHEDULED


def test_a_day_said_to_suit_accepts_no_refund_offered_beside_it(read):
    said = (
        "c: The cleaner never came today.",
        "a: Sorry. I can refund the thirty for today, and when would suit for a new visit?",
        "c: Saturday's fine, morning. Got to run, bye.",
    )
    assert read.status(AskKind.REFUND, *said) is not AskStatus.OFFERED_ACCEPTED
