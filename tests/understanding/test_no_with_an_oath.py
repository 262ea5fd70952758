"""A no said with an oath before it ("heavens no", "good lord, no") declines an offer as a plain
no does; "oh no" is dismay, not a no."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND

OFFER = (
    "c: My parcel came two days late, but it's all fine.",
    "a: Sorry about that. Would you like a refund of the postage?",
)


@pytest.mark.parametrize("answer", ["c: Heavens no, it was only two days.", "c: Good lord, no."])
def test_a_no_with_an_oath_before_it_declines_the_offer(read, answer):
    assert read.status(REFUND, *OFFER, answer) is AskStatus.OFFERED_DECLINED


def test_oh_no_said_in_dismay_is_no_decline(read):
    answer = "c: Oh no, was it that late? Yes please, the postage back."
    assert read.status(REFUND, *OFFER, answer) is not AskStatus.OFFERED_DECLINED
