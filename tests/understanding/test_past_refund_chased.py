"""A refund from an earlier call chased ("my refund from last month, did it go through"), then
found made by the agent ("yes, 60 was refunded on the 4th", an amount as the subject): a question
about it, no new refund asked. Found not made, the chase still asks for it."""

from __future__ import annotations

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND
CHASE = "c: hi calling about my refund from last month for the heater did it go through"


def test_a_chased_refund_found_made_is_a_question_about_it(read):
    found = "a: yes i see 60 was refunded on the 4th it can take a few days"
    assert read.status(REFUND, "a: how can i help", CHASE, found, "c: oh ok") is AskStatus.QUESTION


def test_a_chased_refund_found_not_made_is_still_asked(read):
    found = "a: i'm afraid it was never processed i'll put it through now"
    assert read.status(REFUND, "a: how can i help", CHASE, found, "c: ok") is AskStatus.ASKED
