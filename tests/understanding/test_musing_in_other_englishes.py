"""A musing said as Indian English says it ("I am thinking to close the account") asks nothing
yet; a promise to repay made by someone else ("she used my card, she'll pay me back") is no ask
of the company's money, while the customer asking the company to pay them back still is."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind

CLOSURE = AskKind.ACCOUNT_CLOSURE
REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "said",
    [
        "c: I am thinking to close the account as my son has opened one for me in his bank.",
        "c: We are thinking to close it, what is the procedure?",
    ],
)
def test_thinking_to_do_it_is_a_musing(read, said):
    ask = read.ask(CLOSURE, said)
    assert ask is not None
    assert not ask.status.granted


@pytest.mark.parametrize(
    "said",
    [
        "c: Yes, yes. She'll pay me back.",
        "c: It's my brother's, he will pay me back on Friday.",
        "c: They said they'd pay me back, so it's fine.",
    ],
)
def test_someone_else_repaying_the_customer_asks_nothing(read, said):
    ask = read.ask(
        REFUND,
        "c: I see two charges of fifty pounds this month.",
        "a: One is a pass on a second account, paid with the same card.",
        said,
    )
    assert ask is None or not ask.status.granted


def test_the_customer_asking_to_be_paid_back_still_asks(read):
    ask = read.ask(REFUND, "c: The kettle broke in a week, I want you to pay me back.")
    assert ask is not None
    assert ask.status.granted
