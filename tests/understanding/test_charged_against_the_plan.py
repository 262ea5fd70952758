"""A charge set against what the plan or price says it should be ("charged 60 for the visit and
my policy says 45") is a billing error; the plan merely named beside a charge is not."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    "said",
    [
        "c: You charged me sixty for the eye test and my policy says forty-five.",
        "c: I was billed 30 for the car wash but the price list says 22.",
    ],
)
def test_a_charge_against_the_plans_figure_is_a_billing_error(read, said):
    assert Reason.BILLING in read.sure_reasons(said)


@pytest.mark.parametrize(
    "said",
    [
        "c: They charged me 40 for the check-up and my plan says I can claim it back.",
        "c: My plan says 25 a month, can I add my son to it?",
    ],
)
def test_the_plan_named_beside_a_charge_is_no_billing_error(read, said):
    assert Reason.BILLING not in read.sure_reasons(said)
