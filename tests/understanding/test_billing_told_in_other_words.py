"""A wrong bill told by what happened, not named: more taken than was due, a charge while the
membership was frozen, a bill come without its concession, the sum it was and the sum taken.
A thing that took longer than it should is no bill."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    "said",
    [
        "I topped up my travel card and it took two pound fifty more than it should've",
        "charged 29.99 for gym this month but my membership is frozen til sept??",
        "you billed me for April while my account was suspended",
        "My bill's come without the pensioner concession again.",
        "the loyalty rebate wasn't applied this quarter",
        "my direct debit was eighty pound and the last two months you took a hundred and fifteen",
    ],
)
def test_a_wrong_bill_told_by_what_happened_is_a_billing_issue(read, said):
    assert Reason.BILLING in {i.reason for i in read(f"c: {said}").issues if not i.negated}


@pytest.mark.parametrize(
    "said",
    [
        "it took three days more than it should have to arrive",
        "the install took an hour longer than it should have",
        "my membership is frozen until September, can I book a class for October?",
        "the repair took a lot more than it should've, three visits",
        "I was charged the final month and the membership was cancelled, all as agreed.",
    ],
)
def test_a_thing_taking_longer_or_a_frozen_membership_alone_is_no_billing_issue(read, said):
    assert Reason.BILLING not in {i.reason for i in read(f"c: {said}").issues}
