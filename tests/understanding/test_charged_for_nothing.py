"""A charge for something that never happened, or money held past its time, is a billing
problem: a refund written as a Billing Error fits it, whatever else the customer said."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, Reason


@pytest.mark.parametrize(
    "said",
    [
        "c: You charged me for the boiler service on Monday. I stayed in all morning. Nobody came.",
        "c: I paid for the window cleaning last week. The guy never showed up.",
        "c: We were billed for a piano tuning in March, sixty-five. The tuner never turned up.",
    ],
)
def test_a_visit_billed_then_never_made_is_a_billing_problem_too(read, said):
    assert {Reason.BILLING, Reason.LATE} <= read.reasons(said)


@pytest.mark.parametrize(
    "said",
    [
        ("c: My parcel is a week late. Nobody came with it.",),
        ("c: The engineer was booked for Tuesday. He never showed up.",),
        ("a: You were billed for the visit, I see.", "c: Nobody came though."),
    ],
)
def test_a_visit_that_never_came_with_no_charge_said_before_it_is_no_billing_problem(read, said):
    assert Reason.BILLING not in read.reasons(*said)


@pytest.mark.parametrize(
    "said",
    [
        "c: We handed the car back a month ago and the deposit of 250 is still held on my card.",
        "c: The security deposit has still not been released, it's been three weeks.",
        "c: The hold on my card was never released after check-out.",
    ],
)
def test_a_deposit_or_hold_kept_past_its_time_is_a_billing_problem(read, said):
    assert Reason.BILLING in read.reasons(said)


@pytest.mark.parametrize(
    "said",
    [
        "c: The deposit was released yesterday, thanks, I just wanted to check the date.",
        "c: Can you hold the booking for me until Friday?",
        "c: I paid the deposit of 200 last week for the venue.",
    ],
)
def test_a_deposit_or_hold_spoken_of_without_being_kept_is_no_billing_problem(read, said):
    assert Reason.BILLING not in read.reasons(said)


@pytest.mark.parametrize(
    ("said", "billing"),
    [
        ("c: Only three of us turned up for the class. But we were charged for five.", True),
        ("c: The groomer could only do the one cat. But my card was charged for both.", True),
        ("c: Just the small van came. But you billed us for two.", True),
        ("c: Only the big one got washed. But my account is charged 90.", True),
        # near misses: a charge told plainly, or a count of time
        ("c: We were charged for five and all five of us came. It was great.", False),
        ("c: The room was great, but you charged for parking as well.", False),
        ("c: I booked for two but we came with four, so I owe you more.", False),
    ],
)
def test_a_charge_for_more_than_came_said_against_it_is_a_billing_problem(read, said, billing):
    assert (Reason.BILLING in read.reasons(said)) is billing


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        ("c: So the 35 for the small dog, please give back.", 35),
        ("c: Then the 60 for the second room, please send back.", 60),
        # a few for someone is a count of things, not a sum
        ("c: So the 3 for the kids, please give back.", None),
    ],
)
def test_the_sum_named_by_what_it_paid_for_is_the_amount_asked_back(read, said, amount):
    ask = read.ask(
        AskKind.REFUND,
        "c: One of the bookings was cancelled on your side but I paid for both.",
        said,
    )
    assert ask is not None
    assert ask.amount == amount


@pytest.mark.parametrize(
    ("said", "billing"),
    [
        ("c: You've charged me 60 for the May clean. Nobody came.", True),
        ("c: Right, but the 40 deposit is still on my card. It should have come back.", True),
        # near misses: a visit missed with no charge said, a deposit told of, not held
        ("c: The May clean is booked for 60. Nobody came yet, it's only nine.", False),
        ("c: The 40 deposit is on my card, I know, I'll bring the van back Friday.", False),
    ],
)
def test_a_sum_charged_for_nothing_or_a_deposit_still_on_the_card_is_a_billing_problem(
    read, said, billing
):
    assert (Reason.BILLING in read.reasons(said)) is billing
