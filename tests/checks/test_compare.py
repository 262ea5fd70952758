from typing import Any

import pytest

from guardrail.checks.compare import Kind, compare, kind_of, same
from guardrail.model import FieldDiff


@pytest.mark.parametrize(
    ("kind", "intended", "saved", "equal"),
    [
        (Kind.NUMBER, 10.5, 10.50, True),
        (Kind.NUMBER, 10.5, "10.50", True),
        (Kind.NUMBER, 10, 10.0, True),
        (Kind.NUMBER, 19.99, 20.0, False),
        (Kind.NUMBER, 0.1, 0.10000001, False),
        (Kind.DATE, "2026-11-25", "2026-11-25", True),
        (Kind.DATE, "2026-11-25", "2026-11-26", False),
        (Kind.DATETIME, "2026-11-25T20:00:00+01:00", "2026-11-25T19:00:00.000+0000", True),
        (Kind.DATETIME, "2026-11-25T20:00:00Z", "2026-11-25T20:00:00.000+0000", True),
        (Kind.DATETIME, "2026-11-25T20:00:00Z", "2026-11-25T20:00:01.000+0000", False),
        (Kind.DATETIME, "2026-11-25T20:00:00", "2026-11-25T20:00:00.000+0000", False),
        (Kind.ID, "001000000000001", "001000000000001AAA", True),
        (Kind.ID, "001000000000001AAA", "001000000000002AAA", False),
        (Kind.STRING, "Router broken", "Router broken", True),
        (Kind.STRING, "Router broken", "Router brok", False),
        (Kind.STRING, "abc", "ABC", False),
        (Kind.STRING, None, None, True),
        (Kind.STRING, "", None, True),
        (Kind.STRING, None, "x", False),
        (Kind.BOOLEAN, True, True, True),
        (Kind.BOOLEAN, True, 1, False),
        (Kind.NUMBER, "not a number", 1, False),
    ],
)  # fmt: skip
def test_same_by_kind(kind: Kind, intended: Any, saved: Any, equal: bool) -> None:
    assert same(kind, intended, saved) is equal


def test_compare_names_each_difference_in_words() -> None:
    kinds = {"Subject": Kind.STRING, "Amount__c": Kind.NUMBER, "OwnerId": Kind.ID}
    intended = {"Subject": "Replacement router", "Amount__c": 19.99, "OwnerId": "00G000000000003AAA",
                "Type": "Problem", "Gone__c": "x"}  # fmt: skip
    saved = {"Subject": "Replacement", "Amount__c": 20.0, "OwnerId": "00G000000000001AAA",
             "Type": "Problem"}  # fmt: skip
    assert compare(intended, saved, kinds) == [
        FieldDiff("Subject", "Replacement router", "Replacement", "truncated to 11 characters"),
        FieldDiff("Amount__c", 19.99, 20.0, "rounded"),
        FieldDiff("OwnerId", "00G000000000003AAA", "00G000000000001AAA", "changed"),
        FieldDiff("Gone__c", "x", None, "not in the saved record"),
    ]


def test_kinds_come_from_the_schema() -> None:
    assert kind_of({"type": ["number", "null"], "x-salesforce-scale": 2}) is Kind.NUMBER
    assert kind_of({"type": "string", "x-salesforce-reference": {"Account": "001"}}) is Kind.ID
    assert kind_of({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}) is Kind.DATE
    assert (
        kind_of({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"}) is Kind.DATETIME
    )
    assert kind_of({"enum": ["New", None]}) is Kind.STRING
    assert kind_of({"type": "boolean"}) is Kind.BOOLEAN
