"""A refund the customer tells of as made or arrived ("the refund you did last week reached my
bank", "it came through, thanks") is no ask for one, nor is a sum they say was refunded already
with "please check" after the agent refunds it again; one that has not arrived is chased."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "said",
    [
        "c: Just to say the 20 dollar refund you did last week reached my bank. Thanks.",
        "c: the refund yall did came through already, thanks",
        "c: My refund for the lamp has arrived, thank you so much.",
    ],
)
def test_a_refund_told_as_made_or_arrived_is_not_asked(read, said):
    ask = read.ask(REFUND, "a: Hi, how can I help?", said)
    assert ask is None or not ask.status.granted


@pytest.mark.parametrize(
    "said",
    [
        "c: My refund still hasn't reached my bank, can you check?",
        "c: The refund should have arrived by now, I want my money.",
        "c: the $30 refund you sent never came through, can you look into it",
        "c: The £20 refund you did last week hasn't reached my bank. Where is it?",
        "c: the forty quid refund aint come through mate can you sort it",
    ],
)
def test_a_refund_not_arrived_is_still_wanted(read, said):
    ask = read.ask(REFUND, "a: Hi, how can I help?", said)
    assert ask is not None
    assert ask.status.granted


def test_a_sum_said_refunded_already_after_the_agent_refunds_it_again_asks_nothing(read):
    ask = read.ask(
        REFUND,
        "c: Thank you for the refund of $45 on Monday. When does my new order arrive?",
        "a: It arrives on Friday. I have also refunded the $45 for the crushed boxes.",
        "c: Thank you for the date. The $45 was already refunded on Monday, please check.",
    )
    assert ask is None or not ask.status.granted
