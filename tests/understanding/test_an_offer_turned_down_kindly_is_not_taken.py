"""A refund the agent offers and the customer turns down is no ask, however warmly the no is
put: thanks or praise first ("oh, that's sweet of you, but no"), a sigh or an "aw" before it."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

OFFERED = (
    "c: The delivery man threw my parcel over the fence and it landed in the pond.",
    "a: I'm so sorry. I could refund the twelve dollar delivery charge for that.",
)


@pytest.mark.parametrize(
    "answer",
    [
        "c: Aw, that's sweet of you, but no, I only wanted you to know what he did.",
        "c: Oh that's very kind but no thanks, the things inside were fine.",
        "c: Well, that's generous of you, but no. Just have a word with him.",
    ],
)
def test_a_warm_no_to_an_offered_refund_is_a_no(read, answer):
    ask = read.ask(AskKind.REFUND, *OFFERED, answer)
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_DECLINED


def test_a_warm_yes_to_an_offered_refund_is_still_a_yes(read):
    ask = read.ask(AskKind.REFUND, *OFFERED, "c: Oh, that's kind of you. Yes please.")
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_ACCEPTED


def test_thanks_and_then_a_no_in_words_of_its_own_is_a_no(read):
    answer = "c: Oh, that's good of you, honestly. But don't trouble yourself, it got here."
    ask = read.ask(AskKind.REFUND, *OFFERED, answer)
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_DECLINED
