"""A refund where the customer named no amount: one of an amount the conversation shows (said
by either side, in any form, or on a record the agent read) passes, while one of an amount
nowhere in it cannot tell what was asked and is held for a person, never blocked. A refund
nobody asked for is RefundRequested's alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from guardrail.context.model import ReadRecord

NO_AMOUNT = (
    "c: The kettle I got last week leaks from the base. I'd like my money back.",
    "a: Sorry about that. I can see the kettle was $64.20, I'll refund it now.",
    "c: Thanks.",
)
IN_WORDS = (
    "c: The gym locked me out all month though I paid. Can I get that refunded?",
    "a: Of course. That month was thirty-two fifty, I'm refunding it.",
)
DIFFERENCE = (
    "c: I paid $79 for the lamp and it's $59 on your site today. Refund the difference?",
    "a: Yes, I'll put that through now.",
)
RINGGIT = (
    "c: The swimming coach cancelled two lessons. Can I have those back? RM45 each.",
    "a: Sure, that's RM90, processing it now.",
)
READ_ONLY = (
    "c: My order arrived smashed. Please refund it.",
    "a: Let me pull up the order. Done, the refund is going through.",
)
NOT_ASKED = (
    "c: My order arrived smashed.",
    "a: I'm sorry. I've sent a replacement.",
)
ORDER = ReadRecord(
    object="Order__c", id="a015e00000AbCdEAAV", fields={"Total__c": 89.5}, at=datetime.now(UTC)
)


@pytest.mark.parametrize(("said", "amount"), [(NO_AMOUNT, 64.2), (IN_WORDS, 32.5), (RINGGIT, 90)])
def test_a_refund_of_an_amount_said_in_the_call_passes(amount_judged, said, amount):
    assert amount_judged(said, amount) == "passes"


def test_a_refund_of_the_difference_between_two_amounts_said_passes(amount_judged):
    assert amount_judged(DIFFERENCE, 20) == "passes"


def test_a_refund_of_an_amount_on_a_record_the_agent_read_passes(amount_judged):
    assert amount_judged(READ_ONLY, 89.5, reads=[ORDER]) == "passes"


@pytest.mark.parametrize(
    ("said", "amount", "reads"),
    [
        (NO_AMOUNT, 128.4, ()),
        (IN_WORDS, 97.5, ()),
        (RINGGIT, 135, ()),
        (DIFFERENCE, 25, ()),
        (READ_ONLY, 179.0, [ORDER]),
    ],
)
def test_a_refund_of_an_amount_nowhere_in_the_conversation_is_held(
    amount_judged, said, amount, reads
):
    assert amount_judged(said, amount, reads=reads) == "held"


def test_a_refund_nobody_asked_for_is_left_to_refund_requested(amount_judged):
    assert amount_judged(NOT_ASKED, 41.0) == "passes"
