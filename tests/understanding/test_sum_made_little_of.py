"""A refund taken back with its sum made little of ("actually don't bother, it's only a
tenner") is taken back: the sum says why it is let go, it does not repair the ask. A sum made
little of while the customer still wants it ("it's only a tenner but I want it back") stays
asked."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND
CALL = (
    "c: hiya ive been charged £5 for paper bills but i never asked for paper",
    "a: Sorry about that! I can see the fee for the last two months.",
    "c: can i have it back",
    "a: Of course, I can refund £10 or credit it to your bill.",
)


@pytest.mark.parametrize(
    "answer",
    [
        "c: actually dont bother its only a tenner, just make sure im on paperless properly",
        "c: Actually, forget it, it's just ten quid.",
    ],
)
def test_a_refund_taken_back_with_its_sum_made_little_of_is_taken_back(read, answer):
    assert read.status(REFUND, *CALL, answer) is AskStatus.RETRACTED


def test_a_sum_made_little_of_but_still_wanted_stays_asked(read):
    assert read.status(REFUND, *CALL, "c: its only a tenner but I want it back") is AskStatus.ASKED
