"""Finding out how closing is done ("what the procedure would be for closing it", "to find out
how we close it") asks about it, not for it; the closing wanted, with the way asked after it,
is still asked."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

CLOSURE = AskKind.ACCOUNT_CLOSURE


@pytest.mark.parametrize(
    "said",
    [
        "c: I've been asked to find out what the procedure would be for closing our account.",
        "c: Our director wants me to find out how we close the business account.",
        "c: Could you tell me what the steps would be to close my account?",
    ],
)
def test_the_way_to_close_asked_about_is_a_question(read, said):
    assert read.status(CLOSURE, "a: Good morning, how can I help?", said) is AskStatus.QUESTION


def test_a_closure_wanted_with_the_way_asked_after_is_asked(read):
    said = "c: I want to close my account, what's the process for that?"
    assert read.granted(CLOSURE, "a: Good morning, how can I help?", said)
