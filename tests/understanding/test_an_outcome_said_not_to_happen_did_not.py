"""What the agent says will not happen, or cannot, is no outcome of the call: "refunds aren't
possible on finished work" issues no refund, "nobody will ring you" books no callback."""

from __future__ import annotations

from guardrail.understanding.model import Outcome


def test_refunds_said_to_be_impossible_are_no_refund_issued(read):
    reading = read(
        "c: The cake was late. I want the forty back.",
        "a: Thanks. The cake was finished, just a day late. Refunds aren't possible once the"
        " work's done.",
        "c: Twenty then, half.",
        "a: I can't authorise any refund on a delivered order, I'm sorry.",
        "c: Well, that's not sorted at all, is it. Goodbye.",
    )
    assert reading.outcome is None or reading.outcome.value is not Outcome.REFUND_ISSUED


def test_a_callback_said_not_to_come_is_no_callback(read):
    reading = read(
        "c: Why has my bill gone up?",
        "a: It's a yearly price change. I can have billing call you to go through it.",
        "c: No, don't have anyone call me, I'll ring if I need to.",
        "a: Okay, nobody will call you then.",
    )
    assert reading.outcome is None or reading.outcome.value is not Outcome.CALLBACK_SCHEDULED
