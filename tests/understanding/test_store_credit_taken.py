"""Money said to go only to the account ("put it on the account") just after the agent offered
credit kept on it ("or put it on your account as store credit") takes the credit, not money back;
the same words where no such credit was offered, or with money going back, still ask a refund."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND
OFFERED = (
    "c: You charged me a late fee of 15 but I returned the bike on time.",
    "a: Sorry, that was our mistake. I can refund the 15 to your card, or put it on your account"
    " as store credit with a bit extra, so 17.",
)


@pytest.mark.parametrize(
    "answer",
    ["c: Hmm. Yeah, the credit. Put it on the account.", "c: ok just put that on my account then"],
)
def test_the_account_after_store_credit_was_offered_asks_no_money_back(read, answer):
    ask = read.ask(REFUND, *OFFERED, answer)
    assert ask is None or not ask.status.granted


@pytest.mark.parametrize(
    "answer",
    ["c: No, the money back on my card please.", "c: Put it back on the account I paid from."],
)
def test_money_going_back_after_store_credit_was_offered_still_asks_it(read, answer):
    ask = read.ask(REFUND, *OFFERED, answer)
    assert ask is not None
    assert ask.status.granted


def test_the_account_where_no_credit_was_offered_still_asks_a_refund(read):
    ask = read.ask(
        REFUND,
        "c: You charged me a late fee of 15 but I returned the bike on time.",
        "a: Sorry, that was our mistake.",
        "c: Put the 15 on my account then please.",
    )
    assert ask is not None
    assert ask.status.granted
