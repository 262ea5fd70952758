"""A relative on the line asks for more ("Mum, ask for the whole hundred back") and the holder
names the part they want ("Just the forty for the broken platter"): the holder's own ask, at
that part. The holder telling what a thing cost ("it was only forty") asks nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind, AskStatus


@pytest.mark.parametrize(
    ("holder", "status"),
    [
        ("c: Hush, darling. Just the forty for the platter.", AskStatus.ASKED),
        ("c: Oh hush. It was only forty, the platter.", AskStatus.THIRD_PARTY),
    ],
)
def test_the_holder_naming_the_part_they_want_asks_it_not_telling_its_price(read, holder, status):
    ask = read.ask(
        AskKind.REFUND,
        "c: About the dinner set. One of the platters came in two pieces.",
        "c: (daughter) Mum, ask for the whole hundred back, the set's spoiled now.",
        holder,
    )
    assert ask is not None
    assert ask.status is status
    assert ask.amount == Decimal(40)
