"""A refund amount said so it reads two ways a hundredfold apart ("seven fifty": 7.50 or 750)
is held when the refund written is neither reading but lies between them: which was asked
cannot be told. A refund at either reading, or under both, is judged as before; readings that
differ otherwise (a list and its total) hold nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from guardrail.model import Caller, Operation, WriteIntent
from guardrail.pipeline import Pipeline
from guardrail.policy.loader import load_policy_set

from .conftest import facts

LATE_FEE = (
    "c: There's a late fee of seven fifty on my bill, but I paid on the due date.",
    "a: I see it. Would you like that refunded?",
    "c: Yes please, give me the seven fifty back.",
)
TWO_FEES = (
    "c: The show was cancelled. I want $4.50 and $3.20 back please.",
    "a: Sorry about that, I'll refund them.",
)


def judged(tmp_path: Path, said: tuple[str, ...], amount: float) -> str:
    """How RefundNotMoreThanAsked of the pack judges a refund of ``amount``: "passes", "held"
    (failed on an unsure reading) or "blocked"."""
    pack = Path(__file__).parents[2] / "policies/salesforce-contact-center/refunds.yaml"
    (tmp_path / "refunds.yaml").write_text(pack.read_text())
    policies = load_policy_set(tmp_path)
    intent = WriteIntent("salesforce", "Refund__c", Operation.CREATE, {"Amount__c": amount})
    decision = Pipeline(lambda: policies).evaluate("salesforce", [intent], Caller(), facts(*said))
    failed = [v for v in decision.violations if v.rule == "RefundNotMoreThanAsked"]
    return "passes" if not failed else "held" if failed[0].uncertain else "blocked"


@pytest.mark.parametrize("amount", [57.5, 75.0, 100.0])
def test_a_refund_between_a_spoken_amounts_two_readings_is_held(tmp_path, amount):
    assert judged(tmp_path, LATE_FEE, amount) == "held"


@pytest.mark.parametrize("amount", [7.5, 5.0])
def test_a_refund_at_or_under_the_smaller_reading_goes_through(tmp_path, amount):
    assert judged(tmp_path, LATE_FEE, amount) == "passes"


@pytest.mark.parametrize("amount", [4.5, 6.0, 7.7])
def test_a_list_and_its_total_are_no_hundredfold_readings(tmp_path, amount):
    assert judged(tmp_path, TWO_FEES, amount) == "passes"
