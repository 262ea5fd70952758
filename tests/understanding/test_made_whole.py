"""Compensation asked in the idiom of the law ("I should like to be made whole for the
harness", "make me whole"): a refund asked; not needing to be made whole declines it."""

from __future__ import annotations

from decimal import Decimal

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND
STORY = "c: The shelf bracket snapped the first week."
HEARD = "a: I'm so sorry to hear that."


def test_asking_to_be_made_whole_asks_for_the_money(read):
    ask = read.ask(REFUND, STORY, HEARD, "c: I'd like to be made whole for it, the forty pounds.")
    assert ask is not None
    assert ask.status is AskStatus.ASKED
    assert ask.amount == Decimal(40)
    assert ask.confidence >= 0.7


def test_not_needing_to_be_made_whole_asks_for_nothing(read):
    ask = read.ask(
        REFUND, STORY, HEARD, "c: I don't need to be made whole, I just wanted you to know."
    )
    assert ask is None or not ask.status.granted
