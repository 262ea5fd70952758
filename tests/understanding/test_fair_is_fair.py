"""An ask cut down by the customer with a concession of fairness ("fair's fair, the two nights,
a hundred"; "that's only fair, 100"): the new amount replaces the first; a complaint that
something is not fair keeps the first ask."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

ASKED = (
    "c: The campsite flooded, we booked four nights at 50.",
    "c: I'd like the whole two hundred back.",
    "a: Did you stay any nights?",
)


@pytest.mark.parametrize(
    "said",
    [
        "c: Ah, two. Alright, fair's fair, the two nights, a hundred.",
        "c: Two. That's only fair, the two nights, 100.",
        "c: We did two, so fair is fair, 100.",
    ],
)
def test_an_ask_cut_with_a_concession_of_fairness_is_the_new_amount(read, said):
    ask = read.ask(AskKind.REFUND, *ASKED, said)
    assert ask is not None
    assert ask.amount == Decimal(100)


@pytest.mark.parametrize(
    "said", ["c: Two. But that's not fair, I want the 200.", "c: Two, and it's not fair, 200."]
)
def test_a_complaint_of_unfairness_keeps_the_first_ask(read, said):
    ask = read.ask(AskKind.REFUND, *ASKED, said)
    assert ask is not None
    assert ask.amount == Decimal(200)
