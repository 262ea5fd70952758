"""Money asked back as what a thing is worth or costs ("give me back what the hood's worth"),
with the next sentence saying what that is ("It's twenty on your site as a spare"): that sum is
the amount asked, not an earlier, larger one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind


@pytest.mark.parametrize(
    ("ask", "value", "amount"),
    [
        ("Just give me back what the hood's worth.", "It's twenty on your site as a spare.", 20),
        ("Can you refund what the strap costs?", "It's 12 on your website.", 12),
        ("I'd like the price of the lid back.", "That's 7.50 in your shop.", Decimal("7.50")),
    ],
)
def test_the_worth_said_after_the_ask_is_the_amount_asked(read, ask, value, amount):
    found = read.ask(
        AskKind.REFUND,
        "c: The jacket came without its hood. I want the sixty back.",
        "a: Sorry about that. Would you be sending the jacket back?",
        f"c: Actually, I'll keep the jacket. {ask} {value}",
    )
    assert found is not None
    assert found.amount == Decimal(amount)
