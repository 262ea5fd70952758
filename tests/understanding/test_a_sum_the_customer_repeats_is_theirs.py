"""A sum the agent names first and the customer then says as the part they want back is a
sum the customer said: what they asked, however many sums the agent named around it."""

from __future__ import annotations

import pytest

BILLED = (
    "c: You took the parking fee twice this month, I only parked once.",
    "a: I see two charges of six pounds forty, twelve eighty altogether.",
)


@pytest.mark.parametrize(
    "wanted",
    [
        "c: The first one's fine. It's the second, six pounds forty.",
        "c: Right, only the extra one. Six pounds forty.",
    ],
)
def test_a_refund_of_more_than_the_sum_the_customer_repeats_is_not_let_through(
    amount_judged, wanted
):
    said = (*BILLED, wanted, "a: I'll get that refunded for you.")
    assert amount_judged(said, 12.80) != "passes"
    assert amount_judged(said, 6.40) == "passes"


def test_a_sum_only_the_agent_says_is_not_what_the_customer_asked(read):
    reading = read(*BILLED, "c: Just sort it out please.")
    said_by = {(f.value, f.speaker) for f in reading.facts if f.kind == "money"}
    assert ("6.4", "customer") not in said_by
    assert ("6.4", "agent") in said_by
