"""A charge told against what was due is a billing problem, surely enough to stand for a
refund's reason: a thing skipped or paused and charged, one price shown and another taken, more
taken than was paid or loaded, a fee the company took or kept, the full rate where a reduced one
applies, one tier charged while on another, two charges on the same day, a service nobody
booked, tax on what is exempt. Their look-alikes state no such problem. Also a thing that does
its work on one side only is faulty."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    "said",
    [
        "c: You billed me for the meal kit we paused in March, 24 dollars.",
        "c: The menu said 14 euros but they charged me 19.",
        "c: Your checkout showed 58 and then my card was debited 71.",
        "c: I topped up 30 on the travel card and it took 60 from my account.",
        "c: They kept a 25 pound admin fee off my deposit.",
        "c: We paid the adult fare for both, but my daughter is 12 so it should be a child ticket.",
        "c: I've been billed the premium rate since June but I'm on the basic plan.",
        "c: You charged the gym fee twice in the same week, 35 each.",
        "c: We never asked for the installation, my brother put it in.",
        "c: The nappies are VAT free but you added VAT at checkout.",
    ],
)
def test_a_charge_told_against_what_was_due_is_surely_billing(read, said):
    assert Reason.BILLING in read.sure_reasons(said)


@pytest.mark.parametrize(
    "said",
    [
        "c: You took the late fee off, thanks for that.",
        "c: I paid 20 and it took 3 days to get here.",
        "c: I got charged the same day I ordered, which is fine.",
        "c: The website says 3 days and the parcel came in a week.",
        "c: We never ordered the blue one, we ordered the red.",
        "c: The full price was 40 but I bought it in the sale.",
    ],
)
def test_its_look_alikes_are_no_billing_problem(read, said):
    assert Reason.BILLING not in read.sure_reasons(said)


def test_a_thing_that_works_on_one_side_only_is_faulty(read):
    assert Reason.DAMAGED in read.sure_reasons("c: The new grill only cooks one side of the bread.")


def test_one_side_chosen_is_no_fault(read):
    assert Reason.DAMAGED not in read.sure_reasons("c: I only want one side of the bed made up.")
