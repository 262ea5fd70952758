"""A charge disputed in any words is a billing problem: money kept back from a deposit for
damage, a charge questioned with "why", one that should not have been made in any verb of
billing, one that ran before it should or was not stopped, one at the wrong kind of price, the
bill held against the contract or read out line by line; a refund written as a Billing Error
fits it. The same words about other things are none."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    "said",
    [
        ("c: The shop kept sixty back from my deposit for a scratch that was already there.",),
        ("c: Thirty was deducted for damage and I never even used the thing.",),
        ("c: Why did you take forty-five pounds out of my account last week?",),
        ("c: why do I pay for delivery when I collected it myself",),
        ("c: Hi, it's about my account.", "a: That call-out fee shouldn't have been invoiced."),
        ("c: Hi, it's about my account.", "a: The insurance shouldn't have been added, sorry."),
        ("c: Hi, it's about my account.", "a: The direct debit wasn't cancelled when you left."),
        ("c: Hi, it's about my account.", "a: The payment ran before your discount was applied."),
        ("c: Hi, it's about my account.", "a: Your daughter should have been on the student rate."),
        ("c: Hi, it's about my account.", "a: We billed you for extras you didn't have."),
        ("c: The tenancy agreement says water is included in the rent.",),
        ("c: I'm checking my statement and there's a twelve pound admin charge.",),
        ("c: The invoice says six hours and the plumber was here for two.",),
    ],
)
def test_a_charge_disputed_in_any_words_is_a_billing_problem(read, said):
    assert Reason.BILLING in read.reasons(*said)


@pytest.mark.parametrize(
    "said",
    [
        "c: The wheel broke the first day. I kept it for a week to see if it settled.",
        "c: Why did you take so long to send it? It came a week late.",
        "c: I should have been home by six but the courier was late.",
        "c: My booking wasn't cancelled, good, we still want to go.",
        "c: The contract was signed in March and the lamp came broken.",
    ],
)
def test_the_same_words_about_other_things_are_no_billing_problem(read, said):
    assert Reason.BILLING not in read.reasons(said)


@pytest.mark.parametrize(
    "said",
    [
        "c: The parking permit, the 25, it went off my card twice on Monday.",
        "c: The gym fee came out of my account again this month after I'd paid it.",
    ],
)
def test_money_gone_off_the_card_twice_is_a_billing_problem_not_spoiled_goods(read, said):
    assert read.reasons(said) == {Reason.BILLING}


def test_food_gone_off_is_still_spoiled(read):
    assert Reason.BILLING not in read.reasons("c: The milk in the box had gone off, it stank.")
    assert Reason.DAMAGED in read.reasons("c: The milk in the box had gone off, it stank.")


@pytest.mark.parametrize(
    "said",
    [
        "c: hi. gym renewed. 45. i cancelled in march",
        "c: You billed me 12 on the 3rd. But I'd already cancelled the plan in May.",
    ],
)
def test_a_charge_told_of_then_leaving_before_it_is_a_billing_problem(read, said):
    assert Reason.BILLING in read.reasons(said)


@pytest.mark.parametrize(
    "said",
    [
        "c: I cancelled in March. Can you confirm it went through?",
        "c: The flight was moved. I cancelled my order for the bags.",
    ],
)
def test_leaving_told_of_without_a_charge_before_it_is_no_billing_problem(read, said):
    assert Reason.BILLING not in read.reasons(said)
