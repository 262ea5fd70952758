"""Musing on what others get ("makes you wonder whether folk ever see money back for that"):
a question, no ask; the customer's own wish after it, or "I wonder if you could refund me",
still asks."""

from __future__ import annotations

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND
CALLED_OFF = "c: The boat trip got called off for the wind."


def test_wondering_whether_people_ever_get_money_back_asks_nothing(read):
    ask = read.ask(
        REFUND,
        CALLED_OFF,
        "a: Sorry about that. Shall I move you to another day?",
        "c: Makes you wonder if anyone ever sees money back for that. Anyway, is the 9th free?",
    )
    assert ask is None or not ask.status.granted


def test_wondering_if_the_company_could_refund_asks(read):
    ask = read.ask(REFUND, CALLED_OFF, "c: I wonder if you could refund me the 36.")
    assert ask is not None
    assert ask.status is AskStatus.ASKED


def test_the_customers_own_wish_after_the_musing_asks(read):
    ask = read.ask(
        REFUND,
        CALLED_OFF,
        "c: Makes you wonder if people get refunds. Anyway I want my money back.",
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED
