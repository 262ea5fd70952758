"""A sum the customer asks for without naming a deed: after the agent spoke of refunding ("we do
refund unused nights" - "so the two nights, ninety pounds, please"), a deed of giving back
pointing at the sum both just named ("Please return that"), or the sum sent to them ("send me
the 215"). The same sum after talk of something else, or a document sent, asks nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    ("agent", "answer", "amount"),
    [
        (
            "a: I'm sorry about the boiler. We do refund any nights you couldn't use.",
            "c: So the two nights, ninety pounds, please.",
            "90",
        ),
        (
            "a: Excursions that were cancelled are refunded. Forty-two each, so eighty-four.",
            "c: Yes, eighty-four, to the card please.",
            "84",
        ),
    ],
)
def test_a_sum_asked_after_the_agent_spoke_of_refunding_is_the_refund_asked(
    read, agent, answer, amount
):
    ask = read.ask(REFUND, "c: We had no heating for two nights of the four.", agent, answer)
    assert ask is not None
    assert ask.status.granted
    assert ask.amount == Decimal(amount)


@pytest.mark.parametrize(
    ("agent", "answer"),
    [
        # the agent spoke of a price to pay, not of refunding
        ("a: A new part is ninety pounds, fitted.", "c: So the part, ninety pounds, please."),
        # the agent refused the refund
        ("a: I'm afraid we can't refund nights already stayed.", "c: Ninety pounds, please."),
    ],
)
def test_a_sum_after_other_talk_or_a_refusal_asks_no_refund(read, agent, answer):
    ask = read.ask(REFUND, "c: We had no heating for two nights of the four.", agent, answer)
    assert ask is None or not ask.status.granted


def test_a_deed_of_giving_back_pointing_at_the_sum_both_named_asks_it(read):
    ask = read.ask(
        REFUND,
        "c: The 15% loyalty discount didn't come off. I paid 120.",
        "a: You're right. 15% of 120.00 is 18.00.",
        "c: yes I make it 18.00 too. Please return that.",
    )
    assert ask is not None
    assert ask.status.granted
    assert ask.amount == 18


def test_a_deed_of_giving_back_pointing_at_a_sum_the_agent_never_named_asks_nothing(read):
    ask = read.ask(
        REFUND,
        "c: The lamp I bought was 40.",
        "a: What seems to be the problem with it?",
        "c: It flickers. It was 40. Please return that.",
    )
    assert ask is None or ask.amount != 40 or not ask.status.granted


@pytest.mark.parametrize(
    ("said", "amount"),
    [("c: Okay, yes please, send me the two hundred fifteen.", 215), ("c: give us the forty", 40)],
)
def test_a_sum_sent_or_given_to_the_customer_is_a_refund_asked(read, said, amount):
    ask = read.ask(REFUND, "a: The balance is yours after the deduction.", said)
    assert ask is not None
    assert ask.status.granted
    assert ask.amount == amount


def test_a_document_for_a_sum_sent_asks_no_refund(read):
    ask = read.ask(REFUND, "a: Anything else?", "c: Yes, send me the 215 invoice by email please.")
    assert ask is None or not ask.status.granted


@pytest.mark.parametrize(
    "said", ["c: give me 2 minutes to find it", "c: send me the 3 photos again"]
)
def test_a_time_or_things_counted_given_ask_no_refund(read, said):
    ask = read.ask(REFUND, "a: Can you find the order?", said)
    assert ask is None or not ask.status.granted


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        ("c: Okay, the forty is fair. So I get two hundred sixty?", 260),
        ("c: then we should get 45 back, yes?", 45),
    ],
)
def test_the_sum_the_customer_reckons_comes_back_to_them_is_asked(read, said, amount):
    ask = read.ask(REFUND, "a: There's a forty pound charge for the broken chair.", said)
    assert ask is not None
    assert ask.status.granted
    assert ask.amount == amount


def test_a_sum_the_customer_is_paid_over_time_asks_no_refund(read):
    ask = read.ask(REFUND, "a: The new plan has a loyalty bonus.", "c: so I get 20 a month on it?")
    assert ask is None or not ask.status.granted
