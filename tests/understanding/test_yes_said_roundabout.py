"""A yes to an offer said without a yes: a no refused ("I'm hardly going to say no to that, am
I", "I won't turn it down"), or the deed bidden ("do that then", "good-o, do that"). A no
refused and then a condition, or a "do that" that goes on to a threat, is not a yes."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND
FAULT = "c: The blender's motor burnt out on the second go."
OFFER = "a: I'm sorry. I can refund the 45 to your card."


@pytest.mark.parametrize(
    "answer",
    [
        "c: Well I'm hardly going to say no to that, am I.",
        "c: I won't turn it down, no.",
        "c: Who'd say no to that? Thanks.",
        "c: Do that then.",
        "c: Good-o, do that.",
    ],
)
def test_a_no_refused_or_the_deed_bidden_takes_the_offer(read, answer):
    ask = read.ask(REFUND, FAULT, OFFER, answer)
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_ACCEPTED


@pytest.mark.parametrize(
    "answer",
    [
        "c: I won't say no, but let me think about it.",
        "c: Do that and I'll never shop here again.",
    ],
)
def test_a_no_refused_then_put_off_or_a_threat_does_not_take_it(read, answer):
    ask = read.ask(REFUND, FAULT, OFFER, answer)
    assert ask is not None
    assert ask.status is not AskStatus.OFFERED_ACCEPTED
