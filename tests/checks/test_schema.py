from typing import Any

import pytest

from guardrail.checks.base import CheckContext
from guardrail.checks.schema import ParameterValidation, check_schema
from guardrail.model import Caller, Operation, WriteIntent

CASE: dict[str, Any] = {
    "title": "Case",
    "type": "object",
    "additionalProperties": False,
    "required": ["Subject"],
    "properties": {
        "Subject": {"type": "string", "maxLength": 10},
        "Status": {"enum": ["New", "Working", None]},
        "AccountId": {"type": ["string", "null"], "x-salesforce-reference": {"Account": "001"}},
        "Amount__c": {"type": "number", "x-salesforce-scale": 2},
        "CaseNumber": {"type": "string", "readOnly": True},
        "Origin": {"type": "string", "x-salesforce-createOnly": True},
    },
}
CONTEXT = CheckContext(caller=Caller())
check = ParameterValidation("case-fields", CASE)


def judge(operation: Operation, **fields: Any) -> list[tuple[str, tuple[str, ...], str]]:
    intent = WriteIntent("salesforce", "Case", operation, fields, record_id="500000000000001")
    return [(v.rule, v.fields, v.message) for v in check(intent, CONTEXT)]


def test_a_valid_create_passes() -> None:
    assert judge(Operation.CREATE, Subject="Refund", Status="New", Amount__c=19.99) == []


def test_create_requires_the_required_fields_but_update_does_not() -> None:
    [(rule, fields, message)] = judge(Operation.CREATE, Status="New")
    assert (rule, fields) == ("ParameterValidation.required", ("Subject",))
    assert "Case.Subject is required" in message
    assert judge(Operation.UPDATE, Status="New") == []
    assert judge(Operation.UPSERT, Status="New") == []


def test_bad_picklist_value_names_the_field_and_the_allowed_values() -> None:
    [(rule, fields, message)] = judge(Operation.UPDATE, Status="Open")
    assert fields == ("Status",)
    assert rule == "ParameterValidation.enum"
    assert "'Open' is not an allowed value" in message
    assert "New, Working" in message


def test_unknown_field_is_refused_with_a_suggestion() -> None:
    [(_, fields, message)] = judge(Operation.UPDATE, Subjet="x")
    assert fields == ("Subjet",)
    assert "Did you mean Subject?" in message


def test_field_names_are_matched_case_insensitively_so_checks_still_apply() -> None:
    [(_, fields, _)] = judge(Operation.UPDATE, status="Open")
    assert fields == ("Status",)
    [(_, fields, message)] = judge(Operation.UPDATE, status="New", STATUS="New")
    assert "given twice" in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("001000000000001AAA", None),
        ("001000000000001", None),
        ("003000000000001AAA", "is a Contact id"),
        ("001-not-an-id", "is not a Salesforce id"),
        ("001000000000001AAAA", "is not a Salesforce id"),
    ],
)
def test_id_fields_check_shape_and_key_prefix(value: str, expected: str | None) -> None:
    found = judge(Operation.UPDATE, AccountId=value)
    if expected is None:
        assert found == []
    else:
        [(_, fields, message)] = found
        assert fields == ("AccountId",)
        assert expected in message
        assert "Account id (prefix 001)" in message


def test_null_clears_a_nillable_field() -> None:
    assert judge(Operation.UPDATE, AccountId=None) == []


def test_type_length_and_scale() -> None:
    [(_, _, message)] = judge(Operation.UPDATE, Subject=42)
    assert "expected a string, got 42 (a number)" in message
    [(_, _, message)] = judge(Operation.UPDATE, Subject="x" * 11)
    assert "11 characters; the limit is 10" in message
    [(_, _, message)] = judge(Operation.UPDATE, Amount__c=10.005)
    assert "more than 2 decimal places" in message
    assert judge(Operation.UPDATE, Amount__c=10.5) == []


def test_read_only_and_create_only_fields() -> None:
    [(_, fields, message)] = judge(Operation.UPDATE, CaseNumber="0001")
    assert (fields, "read-only" in message) == (("CaseNumber",), True)
    [(_, _, message)] = judge(Operation.UPDATE, Origin="Web")
    assert "only be set when the record is created" in message
    assert judge(Operation.CREATE, Subject="a", Origin="Web") == []


def test_deletes_carry_no_fields_to_validate() -> None:
    assert judge(Operation.DELETE) == []


def test_composite_references_must_point_at_a_created_record_of_an_allowed_object() -> None:
    def with_ref(target: str | None) -> list[str]:
        intent = WriteIntent(
            "salesforce",
            "Case",
            Operation.CREATE,
            {"Subject": "x", "AccountId": "@{acct.id}"},
            references={"AccountId": target},
        )
        return [v.message for v in check(intent, CONTEXT)]

    assert with_ref("Account") == []
    assert "cannot verify" in with_ref("Contact")[0]
    assert "cannot verify" in with_ref(None)[0]


def test_check_schema_refuses_a_non_object_schema() -> None:
    from jsonschema.exceptions import SchemaError

    with pytest.raises(SchemaError):
        check_schema({"type": "string"})
    with pytest.raises(SchemaError, match="key prefixes"):
        check_schema(
            {"type": "object", "properties": {"A": {"x-salesforce-reference": {"Account": "1"}}}}
        )


def test_an_id_whose_suffix_says_another_case_than_its_letters_is_refused() -> None:
    """001SB000000000a, its suffix saying 001SB000000000A: two records, by who reads it."""
    crafted = "001SB000000000a" + "YAQ"  # the checksum of 001SB000000000A
    [(_, fields, message)] = judge(Operation.UPDATE, AccountId=crafted)
    assert fields == ("AccountId",)
    assert "exactly as the CRM" in message
