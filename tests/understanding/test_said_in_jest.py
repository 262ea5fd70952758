"""An ask the customer says they made in jest ("I'm kidding", "only joking") is taken back, in the
next turn or later in its own sentence; "I'm not kidding", "are you kidding?" and "no kidding"
only stress it."""

import pytest

from guardrail.understanding.model import AskKind, AskStatus


@pytest.mark.parametrize(
    "answer",
    [
        "No, no, I'm only joking, it's all fine now.",
        "Ha, just kidding. The new one works a treat.",
        "Oh I'm just messing with you, it's fine.",
    ],
)
def test_a_refund_asked_then_called_a_joke_is_taken_back(read, answer):
    ask = read.ask(
        AskKind.REFUND,
        "c: The courier left the rug in a puddle. Give me my money back for the stress, lol.",
        "a: Oh dear, shall I look into that?",
        f"c: {answer}",
    )
    assert ask is not None
    assert ask.status is AskStatus.RETRACTED


def test_a_closure_asked_and_called_a_joke_in_the_same_sentence_is_taken_back(read):
    assert (
        read.status(
            AskKind.ACCOUNT_CLOSURE,
            "c: After that hold music, close my account, I'm kidding. I need my balance.",
        )
        is AskStatus.RETRACTED
    )


@pytest.mark.parametrize(
    "answer",
    [
        "I'm not kidding, I want the money back.",
        "Are you kidding? Yes, refund it.",
        "No kidding, it was soaked. Refund it please.",
    ],
)
def test_a_refund_stressed_with_kidding_is_still_asked(read, answer):
    ask = read.ask(
        AskKind.REFUND,
        "c: The courier left the rug in a puddle. Give me my money back.",
        "a: Are you sure you want a refund rather than a cleaning voucher?",
        f"c: {answer}",
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED
