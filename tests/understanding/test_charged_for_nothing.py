"""A charge for something that never happened, or money held past its time, is a billing
problem: a refund written as a Billing Error fits it, whatever else the customer said."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


def reasons(read, *said):
    return {i.reason for i in read(*said).issues if not i.negated}


@pytest.mark.parametrize(
    "said",
    [
        "c: You charged me for the boiler service on Monday. I stayed in all morning. Nobody came.",
        "c: I paid for the window cleaning last week. The guy never showed up.",
        "c: We were billed for a piano tuning in March, sixty-five. The tuner never turned up.",
    ],
)
def test_a_visit_billed_then_never_made_is_a_billing_problem_too(read, said):
    assert {Reason.BILLING, Reason.LATE} <= reasons(read, said)


@pytest.mark.parametrize(
    "said",
    [
        ("c: My parcel is a week late. Nobody came with it.",),
        ("c: The engineer was booked for Tuesday. He never showed up.",),
        ("a: You were billed for the visit, I see.", "c: Nobody came though."),
    ],
)
def test_a_visit_that_never_came_with_no_charge_said_before_it_is_no_billing_problem(read, said):
    assert Reason.BILLING not in reasons(read, *said)


@pytest.mark.parametrize(
    "said",
    [
        "c: We handed the car back a month ago and the deposit of 250 is still held on my card.",
        "c: The security deposit has still not been released, it's been three weeks.",
        "c: The hold on my card was never released after check-out.",
    ],
)
def test_a_deposit_or_hold_kept_past_its_time_is_a_billing_problem(read, said):
    assert Reason.BILLING in reasons(read, said)


@pytest.mark.parametrize(
    "said",
    [
        "c: The deposit was released yesterday, thanks, I just wanted to check the date.",
        "c: Can you hold the booking for me until Friday?",
        "c: I paid the deposit of 200 last week for the venue.",
    ],
)
def test_a_deposit_or_hold_spoken_of_without_being_kept_is_no_billing_problem(read, said):
    assert Reason.BILLING not in reasons(read, said)
