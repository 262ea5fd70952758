"""Long and continued calls: what the customer said many turns before the write, across a
transfer, a callback or a break, read as a supervisor would read it."""

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "said",
    [
        "If the courier misses Thursday, mind, I'll want a refund.",
        "If the new kettle leaks as well, like, I'll be wanting my money back.",
        "If it's not fixed by the weekend, mate, I want the forty quid back.",
        "If the part doesn't turn up, you know, I'll need the money refunded.",
    ],
)
def test_an_ask_after_a_condition_and_a_word_said_apart_is_only_hypothetical(read, said):
    assert read.status(REFUND, "a: the engineer can come Thursday", f"c: {said}") is (
        AskStatus.HYPOTHETICAL
    )


@pytest.mark.parametrize(
    "said",
    [
        "It came dented, mind, I'll want a refund.",
        "Look, I want my money back, it never worked.",
        "If I'm honest, mate, I want the forty quid back.",
    ],
)
def test_a_word_said_apart_without_a_condition_leaves_the_ask_asked(read, said):
    assert read.status(REFUND, f"c: {said}") is AskStatus.ASKED
