"""Long and continued calls: what the customer said many turns before the write, across a
transfer, a callback or a break, read as a supervisor would read it."""

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ("If the courier misses Thursday, mind, I'll want a refund.", AskStatus.HYPOTHETICAL),
        ("If the new kettle leaks, like, I'll be wanting my money back.", AskStatus.HYPOTHETICAL),
        (
            "If it's not fixed by the weekend, mate, I want the forty quid back.",
            AskStatus.HYPOTHETICAL,
        ),
        ("If the part doesn't turn up, you know, I'll need it refunded.", AskStatus.HYPOTHETICAL),
        # a word said apart with no condition before it leaves the ask standing
        ("It came dented, mind, I'll want a refund.", AskStatus.ASKED),
        ("Look, I want my money back, it never worked.", AskStatus.ASKED),
        ("If I'm honest, mate, I want the forty quid back.", AskStatus.ASKED),
    ],
)
def test_a_condition_reaches_past_a_word_said_apart_to_the_ask_after_it(read, said, status):
    assert read.status(REFUND, "a: the engineer can come Thursday", f"c: {said}") is status


CLOSURE = AskKind.ACCOUNT_CLOSURE
CALLBACK = "a: Thanks for calling back. I see Tuesday's note says you'd like to close."


@pytest.mark.parametrize(
    "said",
    [
        "I asked to close it on Tuesday but now I'd like to keep the account.",
        "I rang about closing my account last week. We'd prefer to keep it now, the bill's sorted.",
        "I said close it on Tuesday because of the price. I would like to keep my account after all.",
        "I asked to close it on Tuesday but now I want to keep it.",
    ],
)
def test_a_callback_taking_back_an_earlier_calls_closure_leaves_no_closure_asked(read, said):
    ask = read.ask(CLOSURE, CALLBACK, f"c: {said}")
    assert ask is None or not ask.status.granted


@pytest.mark.parametrize(
    "said",
    [
        "I asked to close it on Tuesday and I still want it closed.",
        "I'd like to keep it short, please just close my account.",
        "I'd like to keep the card for now, but close the account please.",
    ],
)
def test_a_callback_restating_the_closure_still_asks_it(read, said):
    assert read.status(CLOSURE, CALLBACK, f"c: {said}") is AskStatus.ASKED
