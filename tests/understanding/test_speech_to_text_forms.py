"""Forms a speech-to-text engine or a texting customer hands over that a supervisor reads
through: cents named after a signed figure ("$14 and 6 cents"), an "oh" standing for the zero of
the cents ("eleven oh five"), a syllable written as a digit ("l8"), a false start cut off at its
possessive and repaired with "no" ("freeze my no close it"), and an app's purchase that never
reached the customer's place in the app."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind, AskStatus, Reason
from guardrail.understanding.numbers import money_in
from guardrail.understanding.text import clean

CLOSE = AskKind.ACCOUNT_CLOSURE


def _values(said: str) -> list[Decimal]:
    return [m.value for m in money_in(clean(said))]


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("the charge was $14 and 6 cents", Decimal("14.06")),
        ("it came to $31 and 75 cents", Decimal("31.75")),
        ("they took £8 and 40 pence off me", Decimal("8.40")),
        ("it's £3 and 20p", Decimal("3.20")),
    ],
)
def test_cents_named_after_a_signed_figure_belong_to_it(said, value):
    assert _values(said) == [value]


@pytest.mark.parametrize(
    ("said", "values"),
    [
        ("it was $14 and 6 more for the bag", [Decimal(14)]),
        ("$14 and $6", [Decimal(14), Decimal(6)]),
    ],
)
def test_a_signed_figure_and_another_number_that_is_no_cents_stay_apart(said, values):
    assert _values(said) == values


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("i'll put the eleven oh five back", Decimal("11.05")),
        ("it was thirty oh two", Decimal("30.02")),
    ],
)
def test_an_oh_between_tens_and_a_digit_is_the_zero_of_the_cents(said, value):
    assert _values(said) == [value]


@pytest.mark.parametrize("said", ["it was a hundred oh five", "thirty oh well never mind"])
def test_an_oh_after_hundreds_or_before_no_digit_is_no_cents(said):
    assert _values(said) == []


def test_a_syllable_written_as_a_digit_is_read_as_its_word(read):
    assert Reason.LATE in read.reasons("c: parcel came 4 days l8 and the lid was cracked")


@pytest.mark.parametrize(
    "said",
    [
        "c: yeah i want to freeze my no close it just close it we're done",
        "c: i want to pause our no cancel the account cancel it fully",
    ],
)
def test_a_no_after_a_phrase_cut_off_at_its_possessive_repairs_it(read, said):
    assert read.status(CLOSE, "a: how can i help", said) is AskStatus.ASKED


@pytest.mark.parametrize(
    "said",
    ["c: no close it please i still use it", "c: i want no closing of anything"],
)
def test_a_no_that_starts_the_phrase_still_refuses(read, said):
    assert read.status(CLOSE, "a: shall i close the account", said) is not AskStatus.ASKED


@pytest.mark.parametrize(
    "said",
    [
        "c: i paid for the coins and they never showed up in my wallet",
        "c: bought the season pass but it didn't appear in my library",
    ],
)
def test_an_app_purchase_that_never_reached_its_place_in_the_app_failed(read, said):
    assert Reason.TECHNICAL in read.reasons(said)


@pytest.mark.parametrize(
    "said", ["c: the parcel never showed up", "c: the sofa never showed up at my house"]
)
def test_goods_that_never_came_to_the_door_did_not_fail_in_an_app(read, said):
    reasons = read.reasons(said)
    assert Reason.LATE in reasons
    assert Reason.TECHNICAL not in reasons
