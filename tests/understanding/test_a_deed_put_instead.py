"""A deed the agent only announces ("I'll escalate it to underwriting") and then puts aside for
another the customer takes ("Actually I can credit the forty back instead" - "Do that then") is
not how the call ended; one done after all, or announced with nothing put instead, is."""

from __future__ import annotations

from guardrail.understanding.model import Outcome

ANNOUNCED = (
    "c: My renewal's gone up forty quid and nobody told me why.",
    "a: The rise shouldn't have been applied. I'll escalate it to underwriting.",
    "c: Och, does that mean waiting weeks?",
)


def test_an_escalation_announced_then_put_aside_for_a_credit_taken_is_not_the_outcome(read):
    outcome, _ = read.outcome(
        *ANNOUNCED,
        "a: Actually I can credit the forty back on your policy right now instead.",
        "c: Do that then, that's all I want.",
        "a: Done, the forty is credited. Anything else?",
        "c: No, that's grand. Ta.",
    )
    assert outcome is not Outcome.ESCALATED


def test_an_escalation_announced_and_nothing_put_instead_is_the_outcome(read):
    outcome, _ = read.outcome(*ANNOUNCED, "a: It's a few days at most.", "c: Fine.")
    assert outcome is Outcome.ESCALATED


def test_the_other_thing_turned_down_leaves_the_escalation(read):
    outcome, _ = read.outcome(
        *ANNOUNCED,
        "a: Or I could credit the forty back on your policy instead?",
        "c: No, escalate it, I want it looked at properly.",
    )
    assert outcome is Outcome.ESCALATED
