"""A deed the customer says they will be doing "then", at a later time the sentence before
named ("We're selling up in the spring. I'll be closing the account then."), is a plan for
later, not an ask now; "then" with no later time before it, or a deed asked now, keeps the old
reading."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind

CLOSURE = AskKind.ACCOUNT_CLOSURE


@pytest.mark.parametrize(
    "said",
    [
        "c: We're moving to the coast next year. I'll be closing the account with you then.",
        "c: My lease ends in March. We will be shutting the account down then.",
    ],
)
def test_a_deed_planned_for_a_later_time_named_before_is_not_asked_now(read, said):
    ask = read.ask(CLOSURE, said)
    assert ask is None or not ask.status.granted


@pytest.mark.parametrize(
    "said",
    [
        "c: You've doubled the price. I'll be closing the account then.",
        "c: We're moving to the coast next year. Please close the account today.",
    ],
)
def test_a_deed_with_no_later_time_before_it_is_still_asked(read, said):
    ask = read.ask(CLOSURE, said)
    assert ask is not None
    assert ask.status.granted
