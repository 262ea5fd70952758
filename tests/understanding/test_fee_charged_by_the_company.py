"""A fee told as the company charging it ("you charged me 11.95 for a redelivery", "they hit us
with a late fee") is a charge disputed, as "I was charged a redelivery fee" is; a price charged
for the goods themselves ("you charged me 40 for the lamp") is not."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    "said",
    [
        "c: Last week you charged me eleven ninety-five for a redelivery, and I was home all day.",
        "c: They hit us with a cancellation fee for a booking we never made.",
        "c: You've billed me for a callout and nobody came.",
    ],
)
def test_a_fee_the_company_charged_is_a_billing_problem(read, said):
    assert Reason.BILLING in read.reasons(said)


@pytest.mark.parametrize(
    "said",
    [
        "c: You charged me 40 for the lamp and it came broken.",
        "c: You charged me for the delivery, which was fine, but the chair wobbles.",
    ],
)
def test_the_price_of_the_goods_charged_is_no_billing_problem(read, said):
    assert Reason.BILLING not in read.reasons(said)
