"""Late told as not even sent ("it's still not dispatched", "it hasn't even shipped"), or as a
span after the day promised in any words ("a full fortnight after you said"); a thing the
customer has not sent back, or that came a fortnight early, is not late."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    "said",
    [
        "c: The cot for the baby is still not dispatched and she's due any day.",
        "c: Three weeks on and it hasn't even shipped yet.",
        "c: The curtains got here, finally, but a full fortnight after you said.",
        "c: The suit came a month after the date you gave me.",
    ],
)
def test_not_sent_yet_or_a_span_after_the_promise_is_late(read, said):
    assert Reason.LATE in read.reasons(said)


@pytest.mark.parametrize(
    "said",
    [
        "c: I haven't posted the old one back yet, is that a problem?",
        "c: The dress came a fortnight early, which was lovely.",
    ],
)
def test_the_customers_own_posting_or_an_early_arrival_is_not_late(read, said):
    assert Reason.LATE not in read.reasons(said)
