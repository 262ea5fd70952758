"""A customer with two accounts who asks to close one and keeps the other: the record whose Name
names the one kept is not theirs to close; the one asked for, or one named by no word they
kept, is."""

import pytest

from guardrail.policy.functions import RuleFunctions

from .conftest import facts

TWO_ACCOUNTS = (
    "c: Please close my old ISA, I moved the money out in March.",
    "c: Leave my current account alone, my wages land there.",
    "a: No problem, pulling both up now.",
)
BUSINESS_KEPT = (
    "c: Close the personal account, I've merged everything.",
    "c: the business one stays open obviously",
)


@pytest.mark.parametrize(
    ("said", "name"),
    [(TWO_ACCOUNTS, "Current Account 4471"), (BUSINESS_KEPT, "Hollis Joinery Business")],
)
def test_the_account_the_customer_kept_is_named_by_its_record(said, name):
    assert RuleFunctions(facts(*said)).kept_account(name)


@pytest.mark.parametrize(
    ("said", "name"),
    [
        (TWO_ACCOUNTS, "Cash ISA 0912"),
        (BUSINESS_KEPT, "Personal Everyday"),
        (("c: Keep my account open until the refund lands, then close it.",), "Main Account"),
        (("c: I'd like to close it. Keep the card though.",), "Card Services Account"),
    ],
)
def test_an_account_asked_for_or_named_by_no_word_kept_is_not_kept(said, name):
    assert not RuleFunctions(facts(*said)).kept_account(name)


def test_a_record_without_a_name_is_never_kept():
    assert not RuleFunctions(facts(*TWO_ACCOUNTS)).kept_account(None)
