"""A relative's wish to close the account is theirs, not the customer's, until the customer
joins it ("and so do I", "me too"): then it is the customer's own ask."""

import pytest

from guardrail.understanding.model import SURE, AskKind, AskStatus

CLOSURE = AskKind.ACCOUNT_CLOSURE


@pytest.mark.parametrize(
    "said",
    ["c: My partner wants the account shut down, and so do I.",
     "c: My partner wants the account closed and me too."],
)  # fmt: skip
def test_the_customer_joining_the_wish_asks_it(read, said):
    assert read.status(CLOSURE, said) is AskStatus.ASKED


@pytest.mark.parametrize(
    "said",
    ["c: My partner wants the account shut down. I'm not so sure myself.",
     "c: My partner wants the account closed and me to ring you."],
)  # fmt: skip
def test_a_relatives_wish_the_customer_does_not_join_is_surely_theirs(read, said):
    ask = read.ask(CLOSURE, said)
    assert ask is not None
    assert ask.status is AskStatus.THIRD_PARTY
    assert ask.confidence >= SURE
