"""Sums the agent states around an offer: an offer of what is left once something is taken off
("the 144 back less the 12") is of what is left; an offer naming no amount ("I can refund both
booking fees") is of the whole the agent stated just before it ("13.00 altogether"); and what
the agent only sees on the account ("I can see both, 25.98 together") offers nothing."""

from __future__ import annotations

from decimal import Decimal

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND


def test_an_offer_of_a_sum_less_another_is_of_what_is_left(read):
    ask = read.ask(
        REFUND,
        "c: I switched to monthly in March but you charged me the annual 144 anyway.",
        "a: So you'd like the 144 back less the 12 for this month?",
        "c: yep, one thirty-two.",
    )
    assert ask.amount == 132


def test_an_offer_naming_no_amount_is_of_the_whole_stated_just_before_it(read):
    ask = read.ask(
        REFUND,
        "c: I paid a booking fee of 6.50 a ticket. You couldn't refund the booking fee, could you?",
        "a: There are two tickets with a 6.50 booking fee each, 13.00 altogether. "
        "I can refund both booking fees.",
        "c: amazing, ta",
    )
    assert ask.amount == 13


def test_what_the_agent_can_see_on_the_account_is_no_offer_of_it(read):
    ask = read.ask(
        REFUND,
        "c: I subscribed twice by mistake. Please refund the December 12.99.",
        "a: I can see both, 12.99 in each month, 25.98 together.",
        "c: Thank you.",
    )
    assert ask.amount == Decimal("12.99")
