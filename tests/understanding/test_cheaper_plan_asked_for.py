"""Being put on something lesser is a service problem when someone did it to the customer
("they put us in a smaller room"), not when the customer asks for it ("put me on the cheaper
plan"); and money paid over what was due, over time ("what I've overpaid since March"), is a
billing problem, where paying too much for a thing once ("I overpaid for that") is not."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    "said",
    [
        "c: The signal's been patchy for weeks. Put me on the cheaper bundle, the lower one.",
        "c: Can you move us to a smaller room then, we don't need the suite.",
        "c: I'd like you to switch me to a basic one from next month.",
    ],
)
def test_asking_to_be_put_on_something_lesser_is_no_service_problem(read, said):
    assert Reason.SERVICE not in read.reasons(said)


@pytest.mark.parametrize(
    "said",
    [
        "c: We booked a sea view and they put us in a smaller room at the back.",
        "c: I paid for first class and the conductor moved me to a standard seat.",
        "c: They've given us a worse cabin than the one we booked.",
    ],
)
def test_being_put_on_something_lesser_by_someone_is_a_service_problem(read, said):
    assert Reason.SERVICE in read.reasons(said)


@pytest.mark.parametrize(
    "said",
    [
        "c: Send back what I've overpaid since March please.",
        "c: We've been overpaying on this contract for a year.",
    ],
)
def test_money_overpaid_over_time_is_a_billing_problem(read, said):
    assert Reason.BILLING in read.reasons(said)


def test_a_price_thought_too_high_is_no_billing_problem(read):
    assert Reason.BILLING not in read.reasons(
        "c: Honestly I overpaid for that hotel, it was tired."
    )
