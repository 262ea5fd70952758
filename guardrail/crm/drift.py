"""Drift: how a CRM's describe today differs from the schema a pack was written against.

The CRM team adds a required field, removes one, changes a picklist or a length, and the pack's
schemas go stale without a sound. Comparing the pack's schema with one built from the live
describe (guardrail.crm.salesforce_schema) names each difference by kind.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class DriftKind(StrEnum):
    REQUIRED_ADDED = "required_added"
    FIELD_REMOVED = "field_removed"
    FIELD_ADDED = "field_added"
    PICKLIST_VALUE_ADDED = "picklist_value_added"
    PICKLIST_VALUE_REMOVED = "picklist_value_removed"
    LENGTH_CHANGED = "length_changed"
    TYPE_CHANGED = "type_changed"


@dataclass(frozen=True, slots=True)
class Drift:
    object: str
    field: str
    kind: DriftKind
    detail: str

    def describe(self) -> str:
        return f"{self.object}.{self.field}: {self.kind} ({self.detail})"


def diff(sobject: str, pack: Mapping[str, Any], live: Mapping[str, Any]) -> list[Drift]:
    """Every difference between the pack's schema and the live one, in field order."""
    return list(_diff(sobject, pack, live))


def _diff(sobject: str, pack: Mapping[str, Any], live: Mapping[str, Any]) -> Iterator[Drift]:
    ours: Mapping[str, Any] = pack.get("properties", {})
    theirs: Mapping[str, Any] = live.get("properties", {})
    required_now = set(live.get("required", ())) - set(pack.get("required", ()))
    for name in theirs:
        if name not in ours:
            kind = DriftKind.REQUIRED_ADDED if name in required_now else DriftKind.FIELD_ADDED
            yield Drift(sobject, name, kind, "new in the CRM")
        elif name in required_now:
            yield Drift(sobject, name, DriftKind.REQUIRED_ADDED, "now required on create")
    for name, was in ours.items():
        now = theirs.get(name)
        if now is None:
            yield Drift(sobject, name, DriftKind.FIELD_REMOVED, "gone from the CRM")
            continue
        yield from _field(sobject, name, was, now)


def _field(
    sobject: str, name: str, was: Mapping[str, Any], now: Mapping[str, Any]
) -> Iterator[Drift]:
    old_values, new_values = was.get("enum"), now.get("enum")
    if old_values is not None and new_values is not None:
        for value in new_values:
            if value not in old_values:
                yield Drift(sobject, name, DriftKind.PICKLIST_VALUE_ADDED, repr(value))
        for value in old_values:
            if value not in new_values:
                yield Drift(sobject, name, DriftKind.PICKLIST_VALUE_REMOVED, repr(value))
    elif (old_values is None) != (new_values is None) or _types(was) != _types(now):
        yield Drift(sobject, name, DriftKind.TYPE_CHANGED, f"{_shape(was)} -> {_shape(now)}")
    if was.get("maxLength") != now.get("maxLength"):
        detail = f"{was.get('maxLength')} -> {now.get('maxLength')}"
        yield Drift(sobject, name, DriftKind.LENGTH_CHANGED, detail)


def _types(prop: Mapping[str, Any]) -> frozenset[str]:
    types = prop.get("type", ())
    return frozenset([types] if isinstance(types, str) else types)


def _shape(prop: Mapping[str, Any]) -> str:
    return "picklist" if "enum" in prop else "/".join(sorted(_types(prop))) or "any"
