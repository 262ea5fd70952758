"""An ask hanging on a list of conditions ("if the flight is late, and the driver leaves, do I
get a refund?") or put hypothetically ("hypothetically speaking, would I get my money back?",
"say it rains, do I get a refund?") is not made; what the customer says is so ("it never came,
and it was a gift, so...") is no condition."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    ("said", "status"),
    [
        (
            "If the ferry is cancelled, and the tour can't run, do I get my money back?",
            AskStatus.HYPOTHETICAL,
        ),
        ("If the parcel is lost, and it might be, I get a refund or no?", AskStatus.HYPOTHETICAL),
        ("If it's late again, I want a refund, and I want it today.", AskStatus.HYPOTHETICAL),
        (
            "Hypothetically speaking, would I get my money back if I cancelled?",
            AskStatus.HYPOTHETICAL,
        ),
        ("So hypothetically, I get a refund?", AskStatus.HYPOTHETICAL),
        ("Say I can't make it, do I get the money back?", AskStatus.HYPOTHETICAL),
        ("Let's say the weather is bad, do I get a refund?", AskStatus.HYPOTHETICAL),
        # what is said as so is no condition
        ("I have to say the kit failed twice, so I want a refund.", AskStatus.ASKED),
        ("Say you'll refund it, or I'm going to the ombudsman.", AskStatus.ASKED),
        ("The parcel never came, and it was a gift, so I want a refund.", AskStatus.ASKED),
        ("I know it's hypothetically possible to fix it, but I want a refund.", AskStatus.ASKED),
    ],
)
def test_an_ask_after_a_list_of_conditions_or_put_hypothetically_is_not_made(read, said, status):
    assert read.status(REFUND, f"c: {said}") is status
