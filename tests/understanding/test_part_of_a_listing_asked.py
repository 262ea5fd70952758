"""A customer's own ask narrowed to one thing ("just refund the postage", "I only want the extra
VAT back") where a turn before listed the things each at its price ("the kettle at 39.99,
postage at 4.50 and VAT at 8.90") asks for that thing's price: a refund of the whole is more
than asked. An ask naming more than one thing, the whole, or a thing the listing does not
price alone, has no amount from the listing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import SURE, AskKind

REFUND = AskKind.REFUND
LISTED = (
    "c: my kettle order came nine days late and I paid for next day",
    "a: I'm sorry. I have the kettle at 39.99, postage at 4.50 and VAT at 8.90, 53.39 in all.",
)
ONE_LINE = (
    "c: there's a mistake on my invoice, the service fee is on there twice",
    "a: I see it. The boiler check was 95 and the service fee 12.50, and it was added twice.",
)


@pytest.mark.parametrize(
    ("listing", "ask", "amount"),
    [
        (LISTED, "c: The kettle is grand. Just refund the postage please.", Decimal("4.50")),
        (LISTED, "c: I only want the postage bit back, keep the rest.", Decimal("4.50")),
        (ONE_LINE, "c: Right. I only want the extra service fee back.", Decimal("12.50")),
    ],
)
def test_an_ask_narrowed_to_a_listed_thing_asks_its_price(read, listing, ask, amount):
    found = read.ask(REFUND, *listing, ask)
    assert found is not None
    assert found.amount == amount
    assert found.amount_confidence >= SURE


@pytest.mark.parametrize(
    "ask",
    [
        "c: Just refund the postage and the VAT please.",
        "c: Only the whole order back, I'm sending it all back.",
        "c: Just refund the delivery van driver please.",
    ],
)
def test_an_ask_for_more_than_one_listed_thing_takes_no_price_from_the_listing(read, ask):
    found = read.ask(REFUND, *LISTED, ask)
    assert found is not None
    assert found.amount not in (Decimal("4.50"), Decimal("8.90"))
