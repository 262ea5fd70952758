"""Several things asked back in one breath, each named and then its amount as an aside ("the
kettle back, the 40, and the toaster, the 25"): all of them are asked, 65; a thing named after
the first amount with no amount of its own, or kept, adds nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

BROKEN = "c: The kettle and the toaster both arrived with dents all over."


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        ("c: could you refund the kettle, the 40, and the toaster, the 25", Decimal(65)),
        (
            "c: I'd like the kettle back, £40, plus the toaster, £25, plus the mugs, £12",
            Decimal(77),
        ),
    ],
)
def test_things_listed_each_with_its_amount_are_asked_together(read, said, amount):
    ask = read.ask(AskKind.REFUND, BROKEN, said)
    assert ask is not None
    assert ask.amount == amount


@pytest.mark.parametrize(
    "said",
    [
        "c: can I have the kettle back, the 40, and the toaster, I'll keep that one",
        "c: can I have the kettle back, the 40, and the toaster was fine actually",
    ],
)
def test_a_thing_named_without_an_amount_of_its_own_adds_nothing(read, said):
    ask = read.ask(AskKind.REFUND, BROKEN, said)
    assert ask is not None
    assert ask.amount == Decimal(40)
