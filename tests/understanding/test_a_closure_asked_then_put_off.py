"""A closure asked and then let go or put off in a later turn ("leave it then, I'll close it
in the new year", "no need to close now") is no request to close now; a closure asked once for
a later date, or another thing put off, is still asked."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind

CLOSURE = AskKind.ACCOUNT_CLOSURE


@pytest.mark.parametrize(
    "answer",
    [
        "c: ah okay. forget it then, I'll close it in the new year.",
        "c: Hmm. Leave it then, I'll close it after the summer.",
        "c: I'll close it in January then.",
        "c: Right, sorted. No need to close then.",
        "c: it works now, so no need to shut it.",
    ],
)
def test_a_closure_let_go_or_put_off_later_is_not_asked(read, answer):
    said = (
        "c: I'd like to close my account please.",
        "a: You've three months left on your paid-up plan; if you close now you lose them.",
        answer,
    )
    assert not read.granted(CLOSURE, *said)


@pytest.mark.parametrize(
    "said",
    [
        ("c: Close my account after the summer, on the first of September please.",),
        (
            "c: I'd like to close my account please.",
            "a: Sure. Any reason?",
            "c: Moving away. I'll close the joint one after Christmas too.",
        ),
        (
            "c: Please close my account.",
            "a: Will do.",
            "c: No need to close the savings pot though, only the account.",
        ),
    ],
)
def test_a_closure_asked_for_now_or_a_date_stays_asked(read, said):
    assert read.granted(CLOSURE, *said)
