"""Closing put off until the customer decides ("I may well close it later in the year", "I'll
close it when I've decided") is no request to close now, nor is the account kept in a learner's
words ("no no keep for now"); a closure asked now, or for a set date ("after Christmas, on the
27th"), still is, and a yes to keeping something else keeps nothing of the account."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

CLOSURE = AskKind.ACCOUNT_CLOSURE


@pytest.mark.parametrize(
    "said",
    [
        "c: I may well close my account later in the year.",
        "c: I'll close my account when I've decided.",
        "c: We may well close the account, I'll let you know once we've decided.",
    ],
)
def test_a_closure_put_off_is_not_asked(read, said):
    ask = read.ask(CLOSURE, "a: How can I help?", said)
    assert ask is None or not ask.status.granted


@pytest.mark.parametrize(
    "said",
    [
        "c: Please close my account.",
        "c: I want to close my account at the end of the month.",
        "c: Please close my account after Christmas, on the 27th.",
        "c: Can you close my account at some point today?",
        "c: Please close the account later this week once my last payment clears.",
    ],
)
def test_a_closure_asked_now_or_for_a_date_is_asked(read, said):
    ask = read.ask(CLOSURE, "a: How can I help?", said)
    assert ask is not None
    assert ask.status is AskStatus.ASKED


def test_the_account_kept_without_naming_it_takes_the_closure_back(read):
    ask = read.ask(
        CLOSURE,
        "c: I go back home in spring maybe, then I won't need the account.",
        "a: Okay. Would you like to close it, or keep it for now?",
        "c: no no keep for now. i dont know yet",
    )
    assert ask is None or not ask.status.granted


def test_a_yes_to_keeping_something_else_keeps_the_closure(read):
    ask = read.ask(
        CLOSURE,
        "c: Please close my account.",
        "a: Would you like to keep your email address with us?",
        "c: yes keep please.",
    )
    assert ask is not None
    assert ask.status.granted
