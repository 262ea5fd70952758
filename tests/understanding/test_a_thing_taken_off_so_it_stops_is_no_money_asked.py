"""Taking a thing off the account so it stops ("take it off so it doesn't renew", "take the
bolt-on off my phone") removes it: no money is asked back. Taking a charge off the bill still
asks for it."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind

TOLD = (
    "c: There's a music add-on on my plan I never wanted.",
    "a: I see it, the music add-on, four ninety-nine a month.",
)


@pytest.mark.parametrize(
    "said",
    [
        "c: Just take it off so it doesn't renew.",
        "c: Take that off my phone please, so it stops.",
        "c: Can you take the add-on off my plan?",
    ],
)
def test_a_thing_taken_off_so_it_stops_asks_no_refund(read, said):
    assert read.ask(AskKind.REFUND, *TOLD, said) is None


def test_a_charge_taken_off_the_bill_is_still_asked(read):
    ask = read.ask(AskKind.REFUND, *TOLD, "c: Take it off my bill, I never agreed to it.")
    assert ask is not None
