"""The shape of sObjects and fields, and their describe documents.

One description serves three masters: the validator (what may be written), the store (what a
row holds, in what order) and the describe endpoints (what clients and the proxy's schema
checks read). Keeping them one value is what makes "every field a record can have is in
describe" true by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

OnDelete = Literal["cascade", "clear"]


class FieldType(StrEnum):
    ID = "id"
    STRING = "string"
    TEXTAREA = "textarea"
    PICKLIST = "picklist"
    REFERENCE = "reference"
    CURRENCY = "currency"
    DOUBLE = "double"
    INT = "int"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    DATE = "date"
    EMAIL = "email"
    PHONE = "phone"

    @property
    def is_text(self) -> bool:
        """Held as a string with a maximum length."""
        return self in _TEXT_TYPES

    @property
    def is_number(self) -> bool:
        return self in (FieldType.CURRENCY, FieldType.DOUBLE, FieldType.INT)

    @property
    def soap_type(self) -> str:
        return _SOAP_TYPES.get(self, "xsd:string")


_TEXT_TYPES = frozenset(
    {
        FieldType.ID,
        FieldType.STRING,
        FieldType.TEXTAREA,
        FieldType.PICKLIST,
        FieldType.REFERENCE,
        FieldType.EMAIL,
        FieldType.PHONE,
    }
)
_SOAP_TYPES = {
    FieldType.ID: "tns:ID",
    FieldType.REFERENCE: "tns:ID",
    FieldType.CURRENCY: "xsd:double",
    FieldType.DOUBLE: "xsd:double",
    FieldType.INT: "xsd:int",
    FieldType.BOOLEAN: "xsd:boolean",
    FieldType.DATETIME: "xsd:dateTime",
    FieldType.DATE: "xsd:date",
}

Formula = Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True, slots=True)
class Field:
    """One field, with the attributes Salesforce's describe reports for it.

    ``default`` is the value a create gets when it leaves the field out; ``formula`` makes the
    field calculated (read-only, recomputed on every save); ``on_delete`` says what deleting the
    referenced record does to this record (cascade-delete it or clear the reference).
    """

    name: str
    label: str
    type: FieldType
    length: int = 0
    precision: int = 0
    scale: int = 0
    nillable: bool = True
    createable: bool = True
    updateable: bool = True
    default: Any = None
    system: bool = False
    auto_number: bool = False
    external_id: bool = False
    unique: bool = False
    id_lookup: bool = False
    name_field: bool = False
    picklist: tuple[str, ...] = ()
    restricted_picklist: bool = False
    #: a rich text area: a textarea its readers see rendered as HTML (describe's
    #: htmlFormatted, extraTypeInfo richtextarea)
    rich_text: bool = False
    reference_to: tuple[str, ...] = ()
    relationship_name: str | None = None
    child_relationship: str | None = None
    on_delete: OnDelete | None = None
    formula: Formula | None = field(default=None, compare=False)

    @property
    def custom(self) -> bool:
        return self.name.endswith("__c")

    @property
    def defaulted_on_create(self) -> bool:
        return self.default is not None or self.system or self.auto_number

    @property
    def required(self) -> bool:
        """Whether a create must name it: Salesforce's not-nillable, creatable, undefaulted."""
        return not self.nillable and self.createable and not self.defaulted_on_create


@dataclass(frozen=True)
class SObjectType:
    """An object: its key prefix, what the API may do with it, and its fields in describe order."""

    name: str
    label: str
    label_plural: str
    key_prefix: str
    fields: tuple[Field, ...]
    createable: bool = True
    updateable: bool = True
    deletable: bool = True
    auto_number_format: str | None = None
    _by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {f.name.lower(): f for f in self.fields})

    @property
    def custom(self) -> bool:
        return self.name.endswith("__c")

    def field(self, name: str) -> Field | None:
        """The field called ``name``; Salesforce field names are case-insensitive."""
        return self._by_name.get(name.lower())

    def references(self) -> Iterator[Field]:
        return (f for f in self.fields if f.type is FieldType.REFERENCE)


class Schema:
    """The org's objects, looked up case-insensitively by name or by an id's key prefix."""

    def __init__(self, objects: Iterable[SObjectType]) -> None:
        self.objects: tuple[SObjectType, ...] = tuple(objects)
        self._by_name = {o.name.lower(): o for o in self.objects}
        self._by_prefix = {o.key_prefix: o for o in self.objects}

    def get(self, name: str) -> SObjectType | None:
        return self._by_name.get(name.lower())

    def for_id(self, record_id: str) -> SObjectType | None:
        return self._by_prefix.get(record_id[:3])

    def children_of(self, parent: str) -> Iterator[tuple[SObjectType, Field]]:
        """Every (object, reference field) that can point at a ``parent`` record."""
        for sobject in self.objects:
            for ref in sobject.references():
                if parent in ref.reference_to:
                    yield sobject, ref


def describe_global(schema: Schema, base: str) -> dict[str, Any]:
    return {
        "encoding": "UTF-8",
        "maxBatchSize": 200,
        "sobjects": [_summary(o, base) for o in schema.objects],
    }


def describe_basic(sobject: SObjectType, base: str) -> dict[str, Any]:
    return {"objectDescribe": _summary(sobject, base), "recentItems": []}


def describe_sobject(schema: Schema, sobject: SObjectType, base: str) -> dict[str, Any]:
    return {
        **_summary(sobject, base),
        "fields": [describe_field(f) for f in sobject.fields],
        "childRelationships": [
            {
                "childSObject": child.name,
                "field": ref.name,
                "relationshipName": ref.child_relationship,
                "cascadeDelete": ref.on_delete == "cascade",
                "deprecatedAndHidden": False,
                "restrictedDelete": False,
            }
            for child, ref in schema.children_of(sobject.name)
        ],
    }


def _summary(sobject: SObjectType, base: str) -> dict[str, Any]:
    url = f"{base}/sobjects/{sobject.name}"
    return {
        "name": sobject.name,
        "label": sobject.label,
        "labelPlural": sobject.label_plural,
        "keyPrefix": sobject.key_prefix,
        "custom": sobject.custom,
        "createable": sobject.createable,
        "updateable": sobject.updateable,
        "deletable": sobject.deletable,
        "queryable": True,
        "retrieveable": True,
        "searchable": True,
        "undeletable": False,
        "urls": {
            "sobject": url,
            "describe": f"{url}/describe",
            "rowTemplate": f"{url}/{{ID}}",
        },
    }


def describe_field(f: Field) -> dict[str, Any]:
    return {
        "name": f.name,
        "label": f.label,
        "type": f.type.value,
        "soapType": f.type.soap_type,
        "length": f.length,
        "precision": f.precision if f.type is not FieldType.INT else 0,
        "scale": f.scale,
        "digits": f.precision if f.type is FieldType.INT else 0,
        "nillable": f.nillable,
        "createable": f.createable,
        "updateable": f.updateable,
        "defaultedOnCreate": f.defaulted_on_create,
        "defaultValue": f.default if f.type is not FieldType.PICKLIST else None,
        "externalId": f.external_id,
        "unique": f.unique,
        "idLookup": f.id_lookup,
        "nameField": f.name_field,
        "calculated": f.formula is not None,
        "htmlFormatted": f.rich_text,
        "extraTypeInfo": "richtextarea" if f.rich_text else None,
        "autoNumber": f.auto_number,
        "custom": f.custom,
        "caseSensitive": False,
        "filterable": f.type is not FieldType.TEXTAREA,
        "sortable": f.type is not FieldType.TEXTAREA,
        "groupable": f.type not in (FieldType.TEXTAREA, FieldType.DATETIME, FieldType.DOUBLE),
        "restrictedPicklist": f.restricted_picklist,
        "picklistValues": [
            {"value": v, "label": v, "active": True, "defaultValue": v == f.default}
            for v in f.picklist
        ],
        "referenceTo": list(f.reference_to),
        "relationshipName": f.relationship_name,
        "cascadeDelete": f.on_delete == "cascade",
    }
