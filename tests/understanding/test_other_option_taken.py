"""What the customer takes in place of the money they asked for: an option the agent set out
beside the refund, picked by its own words ("next month free" - "free month is grand"), takes
their ask back, as picking it by place or price does; "the credit" picked is credit kept with
the company; and the agent's deed asked back in surprise ("I've refunded the 45" - "Refund?")
asks for nothing."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import SURE, AskKind, AskStatus

REFUND = AskKind.REFUND
ASKED = "c: the gym was shut for two weeks, do I get anything back?"
OPTIONS = "a: We can refund £15 or give you next month free, whichever you'd like."


@pytest.mark.parametrize(
    "answer",
    ["free month is grand ta", "the free month please", "I'll have next month free then"],
)
def test_the_other_option_taken_by_its_words_takes_the_ask_back(read, answer):
    assert not read.granted(REFUND, ASKED, OPTIONS, f"c: {answer}")


@pytest.mark.parametrize(
    "answer",
    [
        "the money please",
        "the £15 please",
        "not the free month, the money",
        "free month? what would I do with a free month, I'm moving",
        "whichever's easiest for you",
    ],
)
def test_the_money_picked_or_the_other_option_turned_down_still_asks(read, answer):
    assert read.granted(REFUND, ASKED, OPTIONS, f"c: {answer}")


def test_an_answer_saying_back_words_of_both_options_picks_neither(read):
    both = "c: refund the month, I mean the free month, whichever"
    assert read.granted(REFUND, ASKED, OPTIONS, both)


def test_a_pick_between_options_no_ask_came_before_is_no_ask(read):
    status = read.status(
        REFUND,
        "c: the gym was shut for two weeks",
        OPTIONS,
        "c: free month is grand ta",
    )
    assert status is None or not status.granted


@pytest.mark.parametrize(
    "answer",
    ["oh that's better actually, yeah do the $60 credit then", "the credit please"],
)
def test_the_credit_picked_after_asking_for_money_takes_the_ask_back(read, answer):
    said = (
        "c: the cleaner didn't do the bathrooms. I'd like the $40 back",
        "a: Instead of the $40 back I can put $60 of credit on your account for your next clean?",
        f"c: {answer}",
    )
    assert read.status(REFUND, *said) is AskStatus.RETRACTED


@pytest.mark.parametrize(
    "answer", ["the credit to my card please", "can i have the credit on my visa"]
)
def test_the_credit_sent_out_to_them_is_money_asked(read, answer):
    said = (
        "c: the cleaner didn't do the bathrooms. I'd like the $40 back",
        "a: I can refund it or give you credit",
        f"c: {answer}",
    )
    assert read.granted(REFUND, *said)


def test_the_credit_chased_is_still_the_money_asked(read):
    said = (
        "c: I asked for a refund of 40 last week",
        "a: Sorry for the wait.",
        "c: the credit still hasn't come through",
    )
    assert read.granted(REFUND, *said)


def test_a_retraction_said_again_in_surer_words_is_sure(read):
    said = (
        "c: The mattress has a dip in it already. I want 50 back.",
        "a: I can refund 50, or send a free topper worth 80 which usually fixes it.",
        "c: Oh go on then, the topper. Forget the 50.",
    )
    ask = read.ask(REFUND, *said)
    assert ask is not None
    assert ask.status is AskStatus.RETRACTED
    assert ask.confidence >= SURE


def test_the_agents_deed_asked_back_in_surprise_asks_nothing(read):
    said = (
        "c: my toaster is not heating on one side",
        "c: just send another one",
        "a: I've refunded the £45 for the faulty toaster.",
        "c: Ah ah. Refund? I said send another one na",
    )
    assert not read.granted(REFUND, *said)


@pytest.mark.parametrize(
    "said",
    [
        ("c: my toaster is broken", "a: Would you like a refund or a replacement?", "c: refund?"),
        ("c: my toaster is broken", "a: Sorry to hear that.", "c: refund?"),
    ],
)
def test_a_bare_refund_asked_where_the_agent_did_none_still_asks(read, said):
    assert read.granted(REFUND, *said)
