"""Asks the customer puts aside: a "don't do the refund" takes back the refund asked; a
refund wanted only if something happens again is hypothetical even where the transcript splits
the condition into a sentence of its own; and what someone else in the room "says" to get is
their wish, not the holder's."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "answer",
    [
        "c: actually do that instead then, don't do the refund. The free month.",
        "c: no, don't do the refund.",
        "c: please don't process the refund.",
    ],
)
def test_telling_the_agent_not_to_do_the_refund_takes_it_back(read, answer):
    status = read.status(
        REFUND,
        "c: The gym was shut for three weeks, so I want the thirty-nine back.",
        "a: We're also offering a free month's freeze, so you'd get February free instead.",
        answer,
    )
    assert status is AskStatus.RETRACTED


def test_not_doing_another_thing_leaves_the_refund_asked(read):
    status = read.status(
        REFUND,
        "c: I want the thirty-nine back and I want to cancel.",
        "c: Actually do the refund but don't do the cancellation.",
    )
    assert status is AskStatus.ASKED


@pytest.mark.parametrize(
    "said",
    [
        "c: ok good. if it packs in again though i want the full forty back, not a repair",
        "c: If it breaks again. I want my money back.",
    ],
)
def test_a_refund_wanted_if_it_happens_again_is_not_asked_now(read, said):
    status = read.status(
        REFUND, "c: my toaster stopped working but it's working again now", "a: Good.", said
    )
    assert status is AskStatus.HYPOTHETICAL


def test_a_polite_if_said_alone_leaves_the_ask_standing(read):
    assert read.status(REFUND, "c: If that's ok. I want my money back.") is AskStatus.ASKED


@pytest.mark.parametrize("who", ["he says", "she keeps saying", "he reckons"])
def test_what_someone_else_says_to_get_back_is_their_wish(read, who):
    status = read.status(
        REFUND,
        "c: my flatmate's moaning about the install charge, the forty-five",
        f"c: sorry. {who} get it back but we did book it, it's on us",
    )
    assert status is AskStatus.THIRD_PARTY


def test_a_hold_on_that_adds_one_more_thing_takes_nothing_back(read):
    ask = read.ask(
        REFUND,
        "c: The teapot's spout is snapped off. That was twenty pound. I want that back.",
        "a: I'll refund the twenty pounds for the teapot now.",
        "c: Oh, and hold on, the milk jug's got a crack down it too. That's another twelve.",
        "a: I see the jug, twelve pounds. Do you want that back as well?",
        "c: Yes please, the twelve as well.",
    )
    assert ask.status is AskStatus.ASKED


def test_a_hold_on_that_adds_nothing_takes_the_ask_back(read):
    assert read.status(REFUND, "c: I want the twenty back.", "c: hold on, don't.") is (
        AskStatus.RETRACTED
    )


@pytest.mark.parametrize("after", ["c: na dim. leave it actually.", "c: leave it, actually. ta"])
def test_an_offer_taken_and_then_left_after_all_is_taken_back(read, after):
    status = read.status(
        REFUND,
        "c: feed 3 days late",
        "a: Sorry! I can refund the £18 delivery fee for that.",
        "c: ok",
        after,
    )
    assert status is AskStatus.RETRACTED


def test_a_relative_who_says_they_will_interpret_relays_the_holders_own_ask(read):
    status = read.status(
        AskKind.ACCOUNT_CLOSURE,
        "c: I'm calling with my grandma, she's the one on the account. I'll interpret, she "
        "doesn't speak much English.",
        "a: What would she like to do?",
        "c: She says: close it. She's moving to my aunt's next week.",
    )
    assert status is AskStatus.ASKED


def test_the_holders_own_words_quoted_by_whoever_types_for_them_are_the_holders_ask(read):
    status = read.status(
        REFUND,
        "c: This is Dale typing for my daddy. He says the tiller belt y'all sent snapped.",
        "a: How can we help?",
        "c: He says 'tell em I want my twenty-two dollars back, I ain't fooling with another one.'",
    )
    assert status is AskStatus.ASKED
