"""A preference said with "than" ("I'd rather have the money than risk another one"): what
comes after the "than", whatever verb carries it, is the thing not wanted; what comes before
it is the choice."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND, REPLACEMENT = AskKind.REFUND, AskKind.REPLACEMENT
BROKEN = "c: The teapot came with the spout snapped off."
EITHER = "a: I'm sorry. I can post you a new one or refund you."


@pytest.mark.parametrize(
    "answer",
    [
        "c: To be honest I'd rather have the 30 than risk another one getting smashed.",
        "c: I'd sooner have my money back than wait for another one.",
        "c: I'd prefer the refund rather than chance a replacement.",
    ],
)
def test_the_thing_put_after_a_preferences_than_is_not_asked(read, answer):
    understood = read(BROKEN, EITHER, answer)
    replacement = understood.asks_of(REPLACEMENT)
    assert not replacement or not replacement[0].status.granted
    refund = understood.asks_of(REFUND)
    assert refund
    assert refund[0].status.granted


def test_the_thing_put_before_a_preferences_than_is_the_choice(read):
    understood = read(BROKEN, EITHER, "c: I'd rather wait for another one than go without.")
    assert understood.asks_of(REPLACEMENT)[0].status.granted
    refund = understood.asks_of(REFUND)
    assert not refund or not refund[0].status.granted


def test_a_than_with_no_preference_before_it_leaves_the_ask_standing(read):
    ask = read.ask(
        REPLACEMENT,
        BROKEN,
        "a: I'm sorry about that.",
        "c: It took longer than a week to come, so send another one quickly please.",
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED
