"""A field given a value of another JSON type than its schema says the CRM keeps it as
(Salesforce Task.Description 12345, a Zendesk custom field as a list, ServiceNow work_notes
as a number) is refused before any rule reads it, in every dialect, with a 400 saying which
field and what type to send. It reached the pack's rules, which could not evaluate it: the
agent was told to fetch the guardrail's administrator and an alert fired, for a write that
was only malformed. A value of the field's type is judged as before, and no rule of a shipped
pack fails to evaluate on it (a refund's reason cleared with null, a Zendesk refund amount
given as text that is no number, which its schema's pattern refuses)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guardrail.checks.rules import ERROR_CODE
from guardrail.checks.schema import FieldType, ParameterValidation
from guardrail.context.facts import Facts
from guardrail.context.model import Conversation, Turn
from guardrail.errors import MalformedBody, RequestRejected
from guardrail.model import Caller, Operation, WriteIntent
from guardrail.pipeline import Pipeline
from guardrail.policy.loader import load_policy_set
from guardrail.testing import Stack
from tests.crm.helpers import refused_through_the_proxy

PACKS = Path(__file__).resolve().parents[2] / "policies"
CRMS = ("salesforce", "servicenow", "zendesk")
POLICIES = {crm: load_policy_set(PACKS / f"{crm}-contact-center") for crm in CRMS}
#: (crm, object, field, the JSON types its schema takes) for every typed field of every pack
TYPED = sorted(
    {
        (crm, obj, name, types)
        for crm, policies in POLICIES.items()
        for policy in policies.policies
        for check in policy.checks
        if isinstance(check, ParameterValidation)
        for obj in policy.objects
        for name, types in check.types.items()
    },
    key=str,
)
WORDS = st.text(max_size=6)
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), WORDS)
ANY_JSON = st.one_of(
    SCALAR, st.lists(SCALAR, max_size=3), st.dictionaries(WORDS, SCALAR, max_size=2)
)
OF_TYPE = {
    "string": st.one_of(WORDS, st.sampled_from(["20", "Damaged Item", "4111 1111 1111 1111"])),
    "number": st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False)),
    "integer": st.integers(),
    "boolean": st.booleans(),
    "null": st.none(),
    "array": st.lists(SCALAR, max_size=3),
    "object": st.dictionaries(WORDS, SCALAR, max_size=2),
}


def of_field_type(field_type: FieldType) -> st.SearchStrategy[Any]:
    """Values of a field's type, a list's items of theirs."""
    items = (
        st.one_of(*(OF_TYPE[t] for t in sorted(field_type.items))) if field_type.items else SCALAR
    )
    return st.one_of(*(
        st.lists(items, max_size=3) if t == "array" else OF_TYPE[t]
        for t in sorted(field_type.types or OF_TYPE)
    ))  # fmt: skip


NOW = datetime.now(UTC)
SAID = "My charger arrived broken, I'd like a refund of $20. Order 1234."
FACTS = Facts(Conversation(id="c-types", turns=[Turn(role="customer", text=SAID)],
                           created_at=NOW, updated_at=NOW))  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(typed=st.sampled_from(TYPED), value=ANY_JSON, operation=st.sampled_from(
    [Operation.CREATE, Operation.UPDATE]))  # fmt: skip
def test_a_value_of_another_type_than_its_field_takes_is_refused_naming_the_field(
    typed: tuple[str, str, str, FieldType], value: Any, operation: Operation
) -> None:
    crm, obj, name, field_type = typed
    intent = WriteIntent(crm, obj, operation, {name: value},
                         record_id=None if operation is Operation.CREATE else "1")  # fmt: skip
    pipeline = Pipeline(lambda: POLICIES[crm])
    if field_type.problem(name, value) is None:
        pipeline.canonical(crm, [intent])  # judged as before
        return
    with pytest.raises(
        MalformedBody, match=rf"{obj}\.{name}(\[\d+\])?: expected .* Send "
    ) as refused:
        pipeline.evaluate(crm, [intent], Caller(conversation="c-types"))
    assert refused.value.status == 400


@settings(max_examples=300, deadline=None)
@given(typed=st.sampled_from(TYPED), operation=st.sampled_from(
    [Operation.CREATE, Operation.UPDATE]), data=st.data())  # fmt: skip
def test_no_rule_fails_to_evaluate_on_a_value_of_its_fields_type(
    typed: tuple[str, str, str, FieldType], operation: Operation, data: st.DataObject
) -> None:
    crm, obj, name, field_type = typed
    value = data.draw(of_field_type(field_type))
    intent = WriteIntent(crm, obj, operation, {name: value},
                         record_id=None if operation is Operation.CREATE else "1")  # fmt: skip
    try:
        decision = Pipeline(lambda: POLICIES[crm]).evaluate(
            crm, [intent], Caller(conversation="c-types"), FACTS
        )
    except RequestRejected:  # refused before judging (a value spelled as another): no rule ran
        return
    assert not [v for v in decision.violations if v.code == ERROR_CODE], decision.violations


@pytest.mark.parametrize(("crm", "obj", "name", "value"), [
    ("salesforce", "Task", "Description", 12345),
    ("salesforce", "Refund__c", "Amount__c", [20]),
    ("servicenow", "incident", "work_notes", {"text": "called"}),
    ("zendesk", "ticket", "custom_fields.360000102", ["20"]),
])  # fmt: skip
def test_no_rule_is_left_to_find_a_wrong_type(crm: str, obj: str, name: str, value: Any) -> None:
    intent = WriteIntent(crm, obj, Operation.CREATE, {name: value})
    with pytest.raises(MalformedBody, match="expected"):
        Pipeline(lambda: POLICIES[crm]).evaluate(crm, [intent], Caller(conversation="c"))


def test_through_the_proxy_a_zendesk_custom_field_given_as_a_list_is_refused(
    zendesk_stack: Stack,
) -> None:
    refused_through_the_proxy(
        zendesk_stack,
        {"custom_fields": [{"id": 360000102, "value": ["20"]}]},
        "custom_fields.360000102: expected",
    )
