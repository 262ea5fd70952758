"""A customer who stops to check before answering an offer ("Hold on, let me see... March,
April... yes. Go on then") answers with what follows the pause: the yes or the no after it."""

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND
START = "c: I've been charged for the gold plan but I'm on silver."
OFFER = "a: That's 10 a month over since May, so 40. I can refund the 40."


@pytest.mark.parametrize(
    "answer",
    [
        "c: Hang on, let me look... May, June, July, August... yes. Yes, 40. Do it.",
        "c: One sec. Let me check. Right, yeah, go ahead.",
    ],
)
def test_a_yes_after_stopping_to_check_takes_the_offer(read, answer):
    ask = read.ask(REFUND, START, OFFER, answer)
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_ACCEPTED


def test_a_no_after_stopping_to_check_turns_it_down(read):
    ask = read.ask(REFUND, START, OFFER, "c: Hold on, let me see. May, June... no, leave it.")
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_DECLINED


def test_a_pause_with_no_answer_after_it_takes_nothing(read):
    ask = read.ask(REFUND, START, OFFER, "c: Hold on. Let me find my statement.")
    assert ask is not None
    assert not ask.status.granted
