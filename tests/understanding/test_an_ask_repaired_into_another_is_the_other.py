"""A customer who says one thing and at once repairs it to another ("I want a refund, no sorry,
I mean a swap for the large") asks for the other: the first was a slip, not a second ask."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus


@pytest.mark.parametrize(
    "said",
    [
        "c: I'd like a refund, no sorry, I mean an exchange for the large size.",
        "c: can i get my money back no i mean a replacement one that isn't cracked",
        "c: I want a refund. Sorry, I meant a repair, the screen just needs fixing.",
    ],
)
def test_a_refund_repaired_into_another_thing_is_not_asked(read, said):
    ask = read.ask(AskKind.REFUND, said, "a: Okay, let me sort that out for you.")
    assert ask is None or ask.status is not AskStatus.ASKED


def test_a_refund_repaired_into_a_refund_of_another_sum_is_still_asked(read):
    ask = read.ask(
        AskKind.REFUND,
        "c: I want thirty back, sorry, I mean twenty, for the late delivery.",
        "a: Okay.",
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED
