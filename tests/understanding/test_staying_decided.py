"""A customer who asked to close takes what the agent offers instead and says they stay, in the
present, as a clause of its own ("okay, that one can, I stay", "No. I keep it."), or lets a
charge they asked back be ("fair enough, leave it so"): what they asked is taken back; staying
somewhere else ("I stay at home") or a "so" inside a plea ("refund it so") is not."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind

CLOSURE = AskKind.ACCOUNT_CLOSURE
LEAVING = (
    "c: Hello, I want to close my account, the price went up again.",
    "a: Before I close it, we have a weekday plan at half the price.",
)


@pytest.mark.parametrize(
    ("answer", "granted"),
    [
        ("c: Weekday only, hmm. Okay, that one can, I stay. Put me on it.", False),
        ("c: No. I keep it. I only need weekdays anyway.", False),
        # staying somewhere is not keeping the account
        ("c: No thanks, I stay at home on weekdays. Close it please.", True),
        ("c: If I stay, will the price go up again? No, just close it.", True),
    ],
)
def test_staying_said_as_a_clause_of_its_own_takes_the_closure_back(read, answer, granted):
    ask = read.ask(CLOSURE, *LEAVING, answer)
    assert ask is not None
    assert ask.status.granted is granted


@pytest.mark.parametrize(
    ("answer", "granted"),
    [
        ("c: Ah, fair enough. Leave it so.", False),
        ("c: Fair enough, leave it be.", False),
        ("c: No, it was spotless so, I want it back.", True),
        ("c: No, refund it so, to my card.", True),
    ],
)
def test_letting_a_charge_be_takes_the_refund_back(read, answer, granted):
    said = ("c: There's a 20 cleaning charge, I want it back.", "a: That's for the oven.", answer)
    ask = read.ask(AskKind.REFUND, *said)
    assert ask is not None
    assert ask.status.granted is granted
