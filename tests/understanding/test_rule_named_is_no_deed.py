"""An agent naming the rule a deed is governed by ("our refund window is 14 days") does not do
the deed: a refund refused after it is no refund issued; one made after it still is."""

from __future__ import annotations

from guardrail.understanding.model import Outcome


def test_a_refund_window_named_then_a_refund_refused_issues_no_refund(read):
    outcome = read(
        "c: The kettle's element died. It was 80 dollars. I want a refund.",
        "a: I'm sorry, you bought it 50 days ago and the refund period is 28 days. I can't refund "
        "it, but the maker's guarantee covers it.",
        "c: Typical. Fine. Bye.",
    ).outcome
    assert outcome is None or outcome.value is not Outcome.REFUND_ISSUED


def test_a_refund_window_named_then_a_refund_made_issues_it(read):
    outcome = read(
        "c: The kettle's element died. It was 80 dollars. I want a refund.",
        "a: You're inside our 28 day refund window, so I've refunded the 80 dollars to your card.",
        "c: Great, thanks.",
    ).outcome
    assert outcome is not None
    assert outcome.value is Outcome.REFUND_ISSUED
