"""The schema check's findings quote no card number or SSN back to the agent: a value a field
does not list ('4111 1111 1111 1111' as a Case's Status), an id field given one
(AccountId), a field given one as text where it takes a number are told by their field and
what to send, with the number masked, as a rule's own message is (RuleSet._message). The
agent sent it, but the answer goes back into its context and its platform's transcripts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from guardrail.checks.schema import RULE
from guardrail.errors import MalformedBody
from guardrail.model import Caller, Operation, WriteIntent
from guardrail.pipeline import Pipeline
from guardrail.policy.loader import load_policy_set

PACKS = Path(__file__).resolve().parents[2] / "policies"
CARD = "4111 1111 1111 1111"


@pytest.mark.parametrize(("crm", "obj", "field", "value"), [
    ("salesforce", "Case", "Status", CARD),
    ("salesforce", "Case", "Priority", CARD.replace(" ", "")),
    ("salesforce", "Case", "AccountId", CARD.replace(" ", "")),
    ("servicenow", "sn_customerservice_case", "category", CARD),
    ("zendesk", "ticket", "priority", "123-45-6789"),
])  # fmt: skip
def test_a_value_a_field_refuses_is_named_masked(
    crm: str, obj: str, field: str, value: Any
) -> None:
    policies = load_policy_set(PACKS / f"{crm}-contact-center")
    intent = WriteIntent(crm, obj, Operation.CREATE, {field: value})
    decision = Pipeline(lambda: policies).evaluate(crm, [intent], Caller(conversation="c"))
    [found] = [v for v in decision.violations if v.rule.startswith(RULE) and v.fields == (field,)]
    assert value not in found.message, found.message
    assert "[" in found.message, found.message  # masked, still said


def test_a_card_given_as_text_to_a_number_field_is_refused_masked() -> None:
    policies = load_policy_set(PACKS / "zendesk-contact-center")
    intent = WriteIntent("zendesk", "user", Operation.CREATE, {"id": CARD})
    with pytest.raises(MalformedBody, match=r"user\.id: expected a whole number") as refused:
        Pipeline(lambda: policies).evaluate("zendesk", [intent], Caller(conversation="c"))
    assert CARD not in str(refused.value)
