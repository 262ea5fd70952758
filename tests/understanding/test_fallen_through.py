"""The money chosen once the thing first picked falls through ("a replacement would take six
weeks" - "six weeks? then the money, please"): a refund asked, not the offer declined."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import SURE, AskKind, AskStatus

REFUND = AskKind.REFUND
FELL_THROUGH = (
    "c: The kettle arrived with a cracked lid.",
    "a: Sorry! I can send a new kettle or refund the 35. Which would you prefer?",
    "c: A new kettle, please.",
    "a: I've checked, the kettle is out of stock for six weeks.",
)


@pytest.mark.parametrize(
    ("answer", "asked"),
    [
        ("c: Six weeks? Then the money, please.", True),
        ("c: Oh. In that case I'll take the money instead.", True),
        ("c: Hm, then just the money.", True),
        ("c: Six weeks is fine, I'll wait. Keep your money.", False),
        ("c: Then the money came out of my account twice, which is another thing.", False),
        ("c: That's fine, it's not about the money.", False),
    ],
)
def test_the_money_chosen_after_the_replacement_falls_through_is_asked(read, answer, asked):
    ask = read.ask(REFUND, *FELL_THROUGH, answer)
    surely = ask is not None and ask.status is AskStatus.ASKED and ask.confidence >= SURE
    assert surely is asked
