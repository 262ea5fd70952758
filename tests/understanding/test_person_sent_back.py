"""A person sent back ("I can send an engineer back tomorrow", "we'll get the fitter back out")
is a visit, not money handed back: taking it asks no refund; money sent back still does."""

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "offer",
    [
        "a: I can send an engineer back on Friday at no charge.",
        "a: I could send the technician back first thing tomorrow.",
        "a: We can get someone back to you this afternoon to look again.",
    ],
)
def test_a_person_sent_back_and_taken_is_no_refund(read, offer):
    ask = read.ask(
        REFUND,
        "c: Your man fixed the boiler Monday and it's cold again tonight.",
        offer,
        "c: Yes, do.",
    )
    assert ask is None or not ask.status.granted


def test_money_sent_back_and_taken_is_still_a_refund(read):
    ask = read.ask(
        REFUND,
        "c: Your man fixed the boiler Monday and it's cold again tonight.",
        "a: I can send the call-out fee back to your card today.",
        "c: Yes, do.",
    )
    assert ask is not None
    assert ask.status.granted
