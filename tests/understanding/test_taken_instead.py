"""A customer who asked for something, offered another thing by the agent as an alternative,
and answering "do that instead" gives their ask up for the other thing; "instead" naming the
thing asked, or said where nothing else was offered, takes nothing back."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "answer",
    [
        "oh saturday works actually. do that instead",
        "Let's do that instead.",
        "ok I'll take that one instead",
        "go with the other one instead then",
    ],
)
def test_the_other_thing_taken_instead_gives_the_ask_up(read, answer):
    status = read.status(
        REFUND,
        "c: the sofa never turned up, refund me",
        "a: Sorry, the driver was off sick. I can refund the 420.00 or deliver it Saturday"
        " morning at no charge.",
        f"c: {answer}",
        "a: Booked for Saturday.",
    )
    assert status is AskStatus.RETRACTED


@pytest.mark.parametrize(
    ("agent", "answer"),
    [
        # the option last named is the refund itself
        ("I can deliver it Saturday morning, or refund the 420.00.", "do that instead"),
        # nothing else offered
        ("The driver was off sick, sorry.", "do that instead"),
        # the alternative not taken
        ("I can refund the 420.00 or deliver it Saturday morning.", "no, just the refund"),
    ],
)
def test_instead_with_no_other_thing_taken_keeps_the_ask(read, agent, answer):
    status = read.status(
        REFUND, "c: the sofa never turned up, refund me", f"a: {agent}", f"c: {answer}"
    )
    assert status is not None
    assert status.granted
