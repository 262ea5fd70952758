"""A verb of closing on "that card" or "this order" closes that thing, not the account; "that"
or "this" alone may still be the account. The account said to stay ("the account stays, of
course") is kept."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import SURE, AskKind, AskStatus

CLOSURE = AskKind.ACCOUNT_CLOSURE


@pytest.mark.parametrize(
    "said",
    [
        "c: My old Visa expired. Please close that card, I don't use it.",
        "c: can you close this order, it was a mistake",
    ],
)
def test_closing_that_thing_asks_no_account_closure(read, said):
    status = read.status(CLOSURE, "a: How can I help?", said)
    assert status is None or not status.granted


def test_closing_that_said_of_the_account_asked_about_is_a_closure(read):
    status = read.status(
        CLOSURE, "a: What would you like to do with the account now?", "c: Close that, please."
    )
    assert status is AskStatus.ASKED


@pytest.mark.parametrize(
    "said",
    [
        "c: Remove the old card, yes. The account stays, of course.",
        "c: Just the card. The account remains.",
    ],
)
def test_the_account_said_to_stay_is_kept(read, said):
    status = read.status(CLOSURE, "c: I want it closed.", "a: The card or the whole account?", said)
    assert status is not None
    assert not status.granted


def test_someone_else_said_to_stay_keeps_no_account(read):
    status = read.status(CLOSURE, "c: Close my account. My husband stays with you, mind.")
    assert status is AskStatus.ASKED


@pytest.mark.parametrize(
    "said",
    [
        ("c: Someone took my purse on the bus, my credit card was in it.", "c: Close it please."),
        (
            "c: I ordered two lamps by mistake.",
            "a: So you'd like that second order cancelled?",
            "c: Yes, shut it down.",
        ),
    ],
)
def test_closing_it_after_a_card_or_order_was_named_is_not_surely_the_account(read, said):
    ask = read.ask(CLOSURE, *said)
    assert ask is None or not ask.status.granted or ask.confidence < SURE


@pytest.mark.parametrize(
    "said",
    [
        ("c: My card works fine, but I'm done with the account.", "c: Close it please."),
        ("c: The card is lost, whatever. I want out of here. Close it."),
        (
            "c: Hi.",
            "a: Do you want the card or the account itself closed?",
            "c: The account. Close it.",
        ),
    ],
)
def test_closing_it_after_the_account_or_a_closure_was_named_is_surely_the_account(read, said):
    said = (said,) if isinstance(said, str) else said
    ask = read.ask(CLOSURE, *said)
    assert ask is not None
    assert ask.status is AskStatus.ASKED
    assert ask.confidence >= SURE
