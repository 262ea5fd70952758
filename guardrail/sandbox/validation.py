"""The checks Salesforce runs when it saves a record (DML), with its errorCodes and messages.

One function serves every write route (sObject rows, collections, composite), so an error a
test sees on one route is the error every route gives. Each check raises the first error it
finds, as Salesforce's REST API reports one error per failed record.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum
from typing import Any, Protocol

from guardrail.crm import sfid
from guardrail.sandbox.errors import ApiError, entity_deleted, required_missing
from guardrail.sandbox.schema import Field, FieldType, SObjectType
from guardrail.sandbox.values import round_half_up

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class RowState(Enum):
    LIVE = "live"
    DELETED = "deleted"
    MISSING = "missing"


class Records(Protocol):
    """What validation needs to know about records other than the one being saved."""

    def reference_state(self, record_id: str) -> tuple[str | None, RowState]:
        """The object an id's key prefix names (None if no object has it), and the row's state."""
        ...

    def matching(self, sobject: str, field: Field, value: Any) -> list[str]:
        """Ids of live ``sobject`` records whose ``field`` equals ``value``."""
        ...


def check_write(
    sobject: SObjectType,
    values: Mapping[str, Any],
    records: Records,
    existing_id: str | None = None,
) -> dict[str, Any]:
    """The values as they will be saved (ids 18 characters, numbers at their scale).

    ``values`` are decoded (canonical names, typed); ``existing_id`` is None for a create.
    """
    creating = existing_id is None
    _check_writable(values, sobject, creating)
    checked = {name: _check_value(_field(sobject, name), v, records) for name, v in values.items()}
    _check_required(sobject, checked, creating)
    _check_unique(sobject, checked, records, existing_id)
    return checked


def _field(sobject: SObjectType, name: str) -> Field:
    field = sobject.field(name)
    assert field is not None, f"{name} was not decoded against {sobject.name}"
    return field


def _check_writable(values: Mapping[str, Any], sobject: SObjectType, creating: bool) -> None:
    if creating and "Id" in values:
        raise ApiError(
            400, "INVALID_FIELD_FOR_INSERT_UPDATE", "cannot specify Id in an insert call", ["Id"]
        )
    locked = [
        name
        for name in values
        if not (_field(sobject, name).createable if creating else _field(sobject, name).updateable)
    ]
    if locked:
        raise ApiError(
            400,
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            f"Unable to create/update fields: {', '.join(locked)}. Please check the security "
            "settings of this field and verify that it is read/write for your profile or "
            "permission set.",
            locked,
        )


def _check_value(field: Field, value: Any, records: Records) -> Any:
    if value is None:
        return None
    if field.type is FieldType.REFERENCE:
        return _check_reference(field, value, records)
    if field.type.is_number:
        return _check_number(field, value)
    if field.type is FieldType.PICKLIST and not field.restricted_picklist:
        value = _defined_spelling(field, value)
    if (
        field.type is FieldType.PICKLIST
        and field.restricted_picklist
        and value not in field.picklist
    ):
        raise ApiError(
            400,
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            f"{field.label}: bad value for restricted picklist field: {value}",
            [field.name],
        )
    if field.type.is_text and len(value) > field.length:
        raise ApiError(
            400,
            "STRING_TOO_LONG",
            f"{field.label}: data value too large: {value} (max length={field.length})",
            [field.name],
        )
    if field.type is FieldType.EMAIL and not _EMAIL.match(value):
        raise ApiError(
            400,
            "INVALID_EMAIL_ADDRESS",
            f"{field.label}: invalid email address: {value}",
            [field.name],
        )
    return value


def _check_reference(field: Field, value: str, records: Records) -> str:
    incorrect = f"{field.label}: id value of incorrect type: {value}"
    if not sfid.is_id(value):
        raise ApiError(400, "MALFORMED_ID", incorrect, [field.name])
    sobject, state = records.reference_state(value)
    if sobject not in field.reference_to:
        raise ApiError(400, "FIELD_INTEGRITY_EXCEPTION", incorrect, [field.name])
    if state is RowState.DELETED:
        raise entity_deleted(400, [field.name])
    if state is RowState.MISSING:
        raise ApiError(
            400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [field.name]
        )
    return sfid.to18(value)


def _check_number(field: Field, value: float) -> float:
    saved = value if field.type is FieldType.INT else round_half_up(value, field.scale)
    if abs(saved) >= 10 ** (field.precision - field.scale):
        raise ApiError(
            400,
            "NUMBER_OUTSIDE_VALID_RANGE",
            f"{field.label}: value outside of valid range on numeric field: {value}",
            [field.name],
        )
    return saved


def _check_required(sobject: SObjectType, values: Mapping[str, Any], creating: bool) -> None:
    missing = [
        f.name
        for f in sobject.fields
        if (f.name in values and values[f.name] is None and not f.nillable)
        or (creating and f.required and f.name not in values)
    ]
    if missing:
        raise required_missing(missing)


def _check_unique(
    sobject: SObjectType, values: Mapping[str, Any], records: Records, existing_id: str | None
) -> None:
    for name, value in values.items():
        if value is None or not _field(sobject, name).unique:
            continue
        others = [
            other
            for other in records.matching(sobject.name, _field(sobject, name), value)
            if existing_id is None or not sfid.same_id(other, existing_id)
        ]
        if others:
            raise ApiError(
                400,
                "DUPLICATE_VALUE",
                f"duplicate value found: {name} duplicates value on record with id: {others[0]}",
                [name],
            )


def _defined_spelling(field: Field, value: str) -> str:
    """An unrestricted picklist's value as the picklist defines it when it is one of its values
    in another case: Salesforce compares picklist values without case and saves the defined one
    ("closed" into a picklist defining "Closed" saves "Closed"; Knowledge Article 000386557,
    "Picklist fields are not case sensitive"; SOAP API Developer Guide, Field Types: Picklist,
    "the API checks to see if there is a match. This check is case-insensitive"). Any other value
    is saved as sent (an inactive value)."""
    folded = value.casefold()
    return next((v for v in field.picklist if v.casefold() == folded), value)
