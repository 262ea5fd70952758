"""Changing the org's data model while the sandbox runs, as a CRM admin changes a real org.

A real org's describe changes under a running proxy: someone adds a required field, retires a
picklist value, shortens a text field. The proxy's drift checks must be tested against that
happening to a live CRM, not against a fixture, so the sandbox's admin endpoints build a new
``Schema`` from the one in force with one field added, changed or removed; the store swaps it
in, and describe, validation, SOQL and every write route read the new one on their next call.

The changes are what Salesforce's Setup lets an admin do to a field (label, length, required,
picklist values, default, read-only); changing a field's type is not modelled. System fields
(``Id``, the audit fields, ``OwnerId``), calculated and auto-number fields and an object's name
field cannot be changed or removed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic.alias_generators import to_camel

from guardrail.sandbox.errors import ApiError
from guardrail.sandbox.schema import Field as SField
from guardrail.sandbox.schema import FieldType, Schema, SObjectType
from guardrail.sandbox.values import decode_value

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
_DEFAULT_LENGTHS = {
    FieldType.STRING: 255,
    FieldType.PICKLIST: 255,
    FieldType.TEXTAREA: 32000,
    FieldType.EMAIL: 80,
    FieldType.PHONE: 40,
    FieldType.REFERENCE: 18,
}
_DEFAULT_PRECISION = {FieldType.CURRENCY: 18, FieldType.DOUBLE: 18, FieldType.INT: 9}
_ADDABLE = Literal[
    "string",
    "textarea",
    "picklist",
    "email",
    "phone",
    "reference",
    "currency",
    "double",
    "int",
    "boolean",
    "date",
    "datetime",
]


class ModelChangeError(Exception):
    """A change the org cannot make; ``status`` is the admin endpoint's answer (400, 404, 409)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True)


class FieldChange(_Body):
    """What ``PATCH /_sandbox/schema/{Object}/fields/{Field}`` may change (describe's names).

    ``required`` is Setup's checkbox: not nillable (a create must then name the field unless it
    has a default). ``picklistValues`` replaces the whole list.
    """

    label: str | None = Field(default=None, min_length=1, max_length=80)
    length: int | None = Field(default=None, gt=0, le=131072)
    precision: int | None = Field(default=None, gt=0, le=18)
    scale: int | None = Field(default=None, ge=0, le=17)
    required: bool | None = None
    nillable: bool | None = None
    createable: bool | None = None
    updateable: bool | None = None
    default_value: Any = None
    picklist_values: list[str] | None = Field(default=None, min_length=1)
    restricted_picklist: bool | None = None

    @model_validator(mode="after")
    def _required_or_nillable(self) -> Self:
        if self.required is not None and self.required == self.nillable:
            raise ValueError("required and nillable contradict each other; give one")
        return self


class NewField(FieldChange):
    """The body of ``POST /_sandbox/schema/{Object}/fields``: a field to add."""

    name: str = Field(pattern=_NAME.pattern)
    type: _ADDABLE = "string"
    reference_to: list[str] = Field(default_factory=list)


def parse_new_field(body: Any) -> NewField:
    """The request body as a NewField, or a 400 naming what is wrong."""
    return _parse(NewField, body)


def parse_change(body: Any) -> FieldChange:
    """The request body as a FieldChange, or a 400 naming what is wrong."""
    return _parse(FieldChange, body)


_M = TypeVar("_M", bound=_Body)


def _parse(model: type[_M], body: Any) -> _M:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in err["loc"]) or "body"
        raise ModelChangeError(400, f"{where}: {err['msg']}") from None


def add_field(schema: Schema, sobject: str, new: NewField) -> Schema:
    """``schema`` with ``new`` added at the end of the object's custom fields."""
    stype = _object(schema, sobject)
    if stype.field(new.name) is not None:
        raise ModelChangeError(409, f"{stype.name}.{new.name} already exists")
    kind = FieldType(new.type)
    refs = tuple(_referenced(schema, stype, new))
    field = SField(
        name=new.name,
        label=new.label or new.name,
        type=kind,
        length=_DEFAULT_LENGTHS.get(kind, 0),
        precision=_DEFAULT_PRECISION.get(kind, 0),
        scale=2 if kind is FieldType.CURRENCY else 0,
        nillable=kind is not FieldType.BOOLEAN,
        default=False if kind is FieldType.BOOLEAN else None,
        restricted_picklist=kind is FieldType.PICKLIST,
        reference_to=refs,
        relationship_name=new.name.removesuffix("Id").removesuffix("__c") or None,
        on_delete="clear" if refs else None,
    )
    field = _changed(stype, field, new)
    # After the fields a user sees, before the audit fields, as Setup lists a new custom field.
    at = next((i for i, f in enumerate(stype.fields) if f.name == "CreatedDate"), None)
    fields = list(stype.fields)
    fields.insert(len(fields) if at is None else at, field)
    return _with(schema, replace(stype, fields=tuple(fields)))


def change_field(schema: Schema, sobject: str, name: str, change: FieldChange) -> Schema:
    """``schema`` with one field of an object changed as ``change`` says."""
    stype = _object(schema, sobject)
    field = _changeable(stype, name)
    updated = _changed(stype, field, change)
    fields = tuple(updated if f.name == field.name else f for f in stype.fields)
    return _with(schema, replace(stype, fields=fields))


def remove_field(schema: Schema, sobject: str, name: str) -> tuple[Schema, SField]:
    """``schema`` without one field of an object, and the field removed."""
    stype = _object(schema, sobject)
    field = _changeable(stype, name)
    fields = tuple(f for f in stype.fields if f.name != field.name)
    return _with(schema, replace(stype, fields=fields)), field


def _object(schema: Schema, name: str) -> SObjectType:
    stype = schema.get(name)
    if stype is None:
        raise ModelChangeError(404, f"unknown object {name!r}")
    if not stype.createable:
        raise ModelChangeError(409, f"{stype.name} is a read-only directory object")
    return stype


def _changeable(stype: SObjectType, name: str) -> SField:
    field = stype.field(name)
    if field is None:
        raise ModelChangeError(404, f"unknown field {stype.name}.{name}")
    why = (
        "a system field"
        if field.system or field.type is FieldType.ID
        else "calculated"
        if field.formula is not None or field.auto_number
        else "the object's name field"
        if field.name_field
        else None
    )
    if why:
        raise ModelChangeError(409, f"{stype.name}.{field.name} is {why} and cannot be changed")
    return field


def _referenced(schema: Schema, stype: SObjectType, new: NewField) -> list[str]:
    if (new.type == "reference") != bool(new.reference_to):
        raise ModelChangeError(400, "referenceTo goes with type reference, and only with it")
    found = []
    for name in new.reference_to:
        target = schema.get(name)
        if target is None:
            raise ModelChangeError(400, f"referenceTo: unknown object {name!r}")
        found.append(target.name)
    return found


def _changed(stype: SObjectType, field: SField, change: FieldChange) -> SField:
    """``field`` with ``change`` applied, checked as Setup would check it."""
    label = f"{stype.name}.{field.name}"
    updates: dict[str, Any] = {}
    if change.label is not None:
        updates["label"] = change.label
    if change.length is not None:
        if not field.type.is_text or field.type in (FieldType.REFERENCE, FieldType.ID):
            raise ModelChangeError(400, f"{label} is a {field.type}; only text has a length")
        updates["length"] = change.length
    for attribute in ("precision", "scale"):
        value = getattr(change, attribute)
        if value is not None:
            if not field.type.is_number:
                raise ModelChangeError(400, f"{label} is a {field.type}; only numbers have one")
            updates[attribute] = value
    nillable = (not change.required) if change.required is not None else change.nillable
    if nillable is not None:
        if field.type is FieldType.BOOLEAN:
            raise ModelChangeError(400, f"{label} is a checkbox; it is never nillable")
        updates["nillable"] = nillable
    for attribute in ("createable", "updateable"):
        value = getattr(change, attribute)
        if value is not None:
            updates[attribute] = value
    if change.picklist_values is not None or change.restricted_picklist is not None:
        if field.type is not FieldType.PICKLIST:
            raise ModelChangeError(400, f"{label} is a {field.type}, not a picklist")
        if change.picklist_values is not None:
            updates["picklist"] = tuple(dict.fromkeys(change.picklist_values))
        if change.restricted_picklist is not None:
            updates["restricted_picklist"] = change.restricted_picklist
    result = replace(field, **updates)
    if "default_value" in change.model_fields_set:
        result = replace(result, default=_default(label, result, change.default_value))
    elif result.default is not None:
        _default(label, result, result.default)
    if result.type.is_number and result.scale > result.precision:
        raise ModelChangeError(400, f"{label}: scale {result.scale} exceeds precision")
    return result


def _default(label: str, field: SField, value: Any) -> Any:
    """``value`` typed as the field saves it, if it is a value the field may hold."""
    if field.type is FieldType.REFERENCE and value is not None:
        raise ModelChangeError(400, f"{label}: a lookup has no default")
    if value is None:
        if field.type is FieldType.BOOLEAN:
            raise ModelChangeError(400, f"{label}: a checkbox's default is true or false")
        return None
    try:
        typed = decode_value(field, value)
    except ApiError as exc:
        raise ModelChangeError(400, f"{label}: default {value!r}: {exc.message}") from None
    if field.type is FieldType.PICKLIST and typed not in field.picklist:
        raise ModelChangeError(400, f"{label}: default {value!r} is not one of its values")
    if field.type.is_text and len(typed) > field.length:
        raise ModelChangeError(400, f"{label}: default {value!r} is longer than {field.length}")
    return typed


def _with(schema: Schema, stype: SObjectType) -> Schema:
    return Schema(stype if o.name == stype.name else o for o in schema.objects)
