"""A customer's answer that is only a hesitant okay ("Oh. Okay.", "Erm, okay I guess") lets the
agent's word pass: it neither takes nor turns down what the agent named, and is never sure; a
yes said with the hesitation ("Oh, yes please") takes it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import SURE, AskKind, AskStatus

REFUND = AskKind.REFUND
ASKED = (
    "c: The hairdryer you sent stopped working after a week.",
    "a: I'm sorry. I can see it cost forty pounds.",
)
OFFER = "a: I'll refund thirty pounds for that."


@pytest.mark.parametrize("answer", ["c: Oh. Okay.", "c: Erm, okay I guess.", "c: Um, right."])
def test_a_hesitant_okay_takes_nothing_surely(read, answer):
    ask = read.ask(REFUND, *ASKED, OFFER, answer)
    assert ask is not None
    assert ask.status is not AskStatus.OFFERED_ACCEPTED
    assert ask.confidence < SURE


@pytest.mark.parametrize("answer", ["c: Oh, yes please, thank you.", "c: Okay, great, thanks."])
def test_a_yes_said_with_it_takes_the_offer(read, answer):
    ask = read.ask(REFUND, *ASKED, OFFER, answer)
    assert ask is not None
    assert ask.status.granted
    assert ask.amount == Decimal(30)
