"""A thing wanted put back together ("I want that boiler put back together today") is a repair,
not money put back; money put back is still asked."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND
OFFER = ("c: Your engineer left my boiler in bits.", "a: I could refund the ninety-five pounds.")


@pytest.mark.parametrize(
    "said",
    [
        "c: You can keep your money. I want that boiler put back together today.",
        "c: No. Just get it put back together, that's all I want.",
    ],
)
def test_a_thing_put_back_together_asks_no_money(read, said):
    ask = read.ask(REFUND, *OFFER, said)
    assert ask is not None
    assert not ask.status.granted


def test_money_put_back_is_still_asked(read):
    ask = read.ask(REFUND, "c: The engineer never came.", "c: I want that 95 put back on my card.")
    assert ask is not None
    assert ask.status.granted
