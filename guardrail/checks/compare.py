"""Comparing what a write intended with what the CRM saved, by the field's type.

A trigger that rewrites an owner, a silently truncated subject, a picklist that fell back to
its default, an amount rounded on save: each shows as a difference here. Equal means equal for
the type: 10.5 and 10.50 are the same amount, two datetimes in different zones the same instant,
a 15- and an 18-character id the same record; strings are compared exactly, so truncation shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from guardrail.crm import sfid
from guardrail.model import FieldDiff


class Kind(StrEnum):
    STRING = "string"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    ID = "id"


_DATE_PATTERN_START = r"^\d{4}-\d{2}-\d{2}$"


#: The schema keywords that type a field as holding record ids (a reference to another record):
#: read back as ids, and never read for card data nor masked (guardrail.sinks.redact.text_fields).
_REFERENCES = ("x-salesforce-reference", "x-servicenow-reference", "x-zendesk-reference")


def kind_of(prop: Mapping[str, Any]) -> Kind:
    """The comparison kind of a ParameterValidation schema property."""
    types = prop.get("type")
    names = {types} if isinstance(types, str) else set(types or ())
    if any(keyword in prop for keyword in _REFERENCES):
        return Kind.ID
    if names & {"number", "integer"}:
        return Kind.NUMBER
    if "boolean" in names:
        return Kind.BOOLEAN
    pattern = prop.get("pattern", "")
    if pattern == _DATE_PATTERN_START:
        return Kind.DATE
    if isinstance(pattern, str) and pattern.startswith(r"^\d{4}-\d{2}-\d{2}T"):
        return Kind.DATETIME
    return Kind.STRING


def compare(
    intended: Mapping[str, Any], saved: Mapping[str, Any], kinds: Mapping[str, Kind]
) -> list[FieldDiff]:
    """The fields whose saved value is not the intended one."""
    found = []
    for name, wanted in intended.items():
        kind = kinds.get(name, Kind.STRING)
        if name not in saved:
            found.append(FieldDiff(name, wanted, None, "not in the saved record"))
        elif not same(kind, wanted, saved[name]):
            found.append(FieldDiff(name, wanted, saved[name], _note(kind, wanted, saved[name])))
    return found


def same(kind: Kind, a: Any, b: Any) -> bool:
    if _blank(a) or _blank(b):
        return _blank(a) and _blank(b)
    try:
        if kind is Kind.NUMBER:
            return Decimal(str(a)) == Decimal(str(b))
        if kind is Kind.DATE:
            return _date(a) == _date(b)
        if kind is Kind.DATETIME:
            return instant(a) == instant(b)
        if kind is Kind.ID:  # a Salesforce id in either length; any other (a sys_id, Zendesk's
            # number or its digits in text) exactly
            return sfid.same_id(a, b) if sfid.is_id(a) and sfid.is_id(b) else str(a) == str(b)
    except (InvalidOperation, ValueError, TypeError):
        return False
    return bool(a == b) and type(a) is type(b)


def _blank(value: Any) -> bool:
    """Salesforce stores an empty string as null."""
    return value is None or value == ""


def _date(value: Any) -> date:
    return date.fromisoformat(str(value)[:10])


def instant(value: Any) -> datetime:
    """An aware datetime from ISO 8601 text, Salesforce's ``+0000`` offsets included."""
    text = str(value).replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"  # Salesforce's +0000 -> +00:00
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("a datetime without a zone is not an instant")
    return moment


def _note(kind: Kind, intended: Any, saved: Any) -> str:
    if _blank(saved):
        return "cleared"
    truncated = (
        isinstance(intended, str)
        and isinstance(saved, str)
        and intended.startswith(saved)
        and len(saved) < len(intended)
    )
    if kind is Kind.STRING and truncated:
        return f"truncated to {len(saved)} characters"
    if kind is Kind.NUMBER:
        try:
            wanted, got = Decimal(str(intended)), Decimal(str(saved))
        except InvalidOperation:
            return "changed"
        exponent = got.as_tuple().exponent
        if isinstance(exponent, int) and wanted.quantize(Decimal(1).scaleb(exponent)) == got:
            return "rounded"
    return "changed"
