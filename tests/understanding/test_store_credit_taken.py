"""Money said to go only to the account ("put it on the account") just after the agent offered
credit kept on it ("or put it on your account as store credit") takes the credit, not money back;
the same words where no such credit was offered, or with money going back, still ask a refund."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import SURE, AskKind

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


ASKED_BACK = (
    "c: You charged me a late fee of 15 but I returned the bike on time. Can I get that back?",
    "a: Sorry, that was our mistake. I can refund the 15 to your card today.",
)


@pytest.mark.parametrize(
    "answer",
    [
        "c: Oh no, don't send it back. Just take it off next month's bill, that's easier.",
        "c: No, keep it on the account please, I'll be back in the spring.",
        "c: Actually, leave the fifteen as credit on the account, I rent every month.",
        "c: No thank you, a voucher. I buy all my gear from you.",
        "c: oh the points, definitely, I ride every week",
        "c: Chuck it on the trade account as credit instead. No point it going to the card.",
    ],
)
def test_money_the_customer_takes_as_credit_kept_with_the_company_is_no_refund(read, answer):
    ask = read.ask(REFUND, *ASKED_BACK, answer)
    assert ask is not None
    assert not (ask.status.granted and ask.confidence >= SURE)


@pytest.mark.parametrize(
    "answer",
    [
        "c: No, I don't want a voucher, the card please.",
        "c: Ten back to my card and five as store credit then.",
        "c: Yes please, to the card rather than as credit.",
    ],
)
def test_money_going_out_beside_or_instead_of_credit_still_asks_it(read, answer):
    ask = read.ask(REFUND, *ASKED_BACK, answer)
    assert ask is not None
    assert ask.status.granted


@pytest.mark.parametrize(
    ("last", "granted"),
    [
        ("c: Hmm. Money is money... no, no, voucher. Final. Voucher.", False),
        ("c: A year... I'm not flying till 2028. No, just give me the money after all.", True),
    ],
)
def test_between_money_and_a_voucher_the_last_word_stands(read, last, granted):
    ask = read.ask(
        REFUND,
        "c: The flight was cancelled and I'd paid for a bag.",
        "a: I can refund the fifty-five, or give a sixty-five pound voucher.",
        "c: Give me the money.",
        "a: Sure, let me just...",
        "c: Wait, wait. Sixty-five voucher, I fly every year. Voucher is better.",
        "a: Okay, the voucher then.",
        last,
    )
    assert ask is not None
    assert ask.status.granted is granted
