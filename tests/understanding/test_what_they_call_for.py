"""Why the customer says they call or write is read as the ask it names: "I'm not writing to
ask for anything back" declines the money, "I'm calling because I want a refund" asks it, and a
"not calling to complain" before a plain ask leaves the ask standing."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus


@pytest.mark.parametrize(
    "said",
    [
        "I bought the £8 wifi pass and it was unusable. I'm not writing to ask for anything "
        "back, it's not worth the bother. I simply think you ought to know.",
        "I'm not calling for a refund, I just want the router fixed.",
        "I'm not ringing to get my money back, the wifi was just poor and you should know.",
    ],
)
def test_not_calling_or_writing_for_money_declines_it(read, said):
    assert read.status(AskKind.REFUND, f"c: {said}") is AskStatus.DECLINED


@pytest.mark.parametrize(
    "said",
    [
        "I'm calling because I want a refund for the £8 wifi.",
        "I'm not calling to complain, I want my £8 back for the wifi.",
    ],
)
def test_a_call_made_to_ask_asks(read, said):
    assert read.status(AskKind.REFUND, f"c: {said}") is AskStatus.ASKED
