"""What someone at the company offered the customer before, told of on this call ("the lady
in the shop offered me ten back"), is their offer, not the customer's ask; the customer's own
ask on top of it still is."""

from __future__ import annotations

from guardrail.understanding.model import AskKind, AskStatus


def test_an_offer_made_before_and_turned_down_is_no_ask(read):
    ask = read.ask(
        AskKind.REFUND,
        "c: I'm cancelling my broadband. Your loyalty team offered me twenty quid back to"
        " stay. I told them no, I'm going anyway.",
        "a: Understood, I'll start the cancellation now.",
    )
    assert ask is None or ask.status is not AskStatus.ASKED


def test_an_offer_told_of_then_asked_for_is_an_ask(read):
    ask = read.ask(
        AskKind.REFUND,
        "c: The driver offered me fifteen back when he dropped it off damaged. I'd like that"
        " fifteen back now please.",
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED
