"""A relative's wish to close "the account", whose account not said, is not surely someone
else's: held, not blocked. Said to be theirs ("her account", "calling for my dad") it is; the
customer joining it ("and so do I") makes it their own."""

import pytest

from guardrail.understanding.model import SURE, AskKind, AskStatus

CLOSURE = AskKind.ACCOUNT_CLOSURE


@pytest.mark.parametrize(
    "said",
    ["c: My partner wants the account shut down.", "c: Hi. My brother says to close the account."],
)
def test_a_relatives_wish_to_close_an_account_of_no_one_named_is_unsure(read, said):
    ask = read.ask(CLOSURE, said)
    assert ask is not None
    assert ask.status is AskStatus.THIRD_PARTY
    assert ask.confidence < SURE


@pytest.mark.parametrize(
    "said",
    [
        "c: My partner wants his account shut down.",
        "c: I'm ringing for my gran. She wants to close the account.",
        "c: My brother's account, he wants it closed.",
    ],
)
def test_a_relatives_wish_to_close_their_own_account_is_surely_theirs(read, said):
    ask = read.ask(CLOSURE, said)
    if ask is not None:  # "he wants it closed" may not be read as a closure at all
        assert ask.status is AskStatus.THIRD_PARTY
        assert ask.confidence >= SURE


@pytest.mark.parametrize(
    "said",
    ["c: My partner wants the account shut down, and so do I.",
     "c: My partner wants the account closed and me too."],
)  # fmt: skip
def test_the_customer_joining_the_wish_asks_it(read, said):
    assert read.status(CLOSURE, said) is AskStatus.ASKED
