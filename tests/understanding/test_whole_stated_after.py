"""The whole a sum comes to, stated by the customer after asking ("Please refund those three
months." ... "So that is $57."): their reckoning of what they asked, the whole of it, in place of
the one price read before it; a sentence naming more than the sum, or no reckoning, leaves the
ask as it was."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    ("stated", "whole"),
    [
        ("c: Thanks. So that is $42.", True),
        ("c: Right, that makes 42 dollars.", True),
        ("c: ok so it's $42 altogether.", True),
        ("c: My friend paid $42 for hers, funnily enough.", False),
    ],
)
def test_the_whole_the_customer_states_after_asking_is_the_amount_asked(read, stated, whole):
    ask = read.ask(
        REFUND,
        "c: The gym kept billing me $14 a week after I left, three weeks now. Refund those weeks.",
        "a: I can see the three charges, sorry about that.",
        stated,
    )
    assert (ask.amount == Decimal(42)) is whole
