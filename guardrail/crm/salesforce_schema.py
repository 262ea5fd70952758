"""JSON Schemas for ParameterValidation, built from Salesforce describe documents.

The describe is the CRM's own statement of what a write may contain, so the schema is derived,
not hand-written: lengths, picklists (restricted ones become an enum, unrestricted ones list
their values in ``x-salesforce-picklist``), decimal scale, id fields
with the key prefixes they accept, read-only and create-only fields, and what a create requires
(not nillable, createable, not defaulted on create).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from guardrail.crm.markup import HTML

_TEXT = {"string", "textarea", "phone", "email", "url", "encryptedstring", "combobox", "picklist"}
_NUMBER = {"double", "currency", "percent"}
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_DATETIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$"


def schema_from_describe(
    describe: Mapping[str, Any], key_prefixes: Mapping[str, str]
) -> dict[str, Any]:
    """The ParameterValidation schema of one object.

    ``key_prefixes`` maps object names to key prefixes (from the describeGlobal), for the id
    fields' ``x-salesforce-reference``; referenced objects without a prefix are left out.
    """
    properties: dict[str, Any] = {}
    required: list[str] = []
    for f in describe["fields"]:
        properties[f["name"]] = _property(f, key_prefixes)
        if _required(f):
            required.append(f["name"])
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": describe["name"],
        "description": f"Writes to {describe['name']}, from the CRM's describe.",
        "type": "object",
        "x-salesforce-keyPrefix": describe.get("keyPrefix"),
        "additionalProperties": False,
        "properties": properties,
    }
    if required:
        schema["required"] = required
    return schema


def _required(f: Mapping[str, Any]) -> bool:
    return (
        not f.get("nillable", True)
        and f.get("createable", False)
        and not f.get("defaultedOnCreate", False)
        and f.get("type") != "boolean"
    )


def _property(f: Mapping[str, Any], key_prefixes: Mapping[str, str]) -> dict[str, Any]:
    kind = f.get("type", "string")
    prop: dict[str, Any] = {}
    if f.get("label"):
        prop["title"] = f["label"]
    if kind == "picklist" and f.get("restrictedPicklist"):
        prop["enum"] = _values(f)
    elif kind in _TEXT or kind == "multipicklist":
        prop["type"] = "string"
        if f.get("length"):
            prop["maxLength"] = f["length"]
        if f.get("htmlFormatted"):  # a rich text area: its readers see it rendered as HTML
            prop["contentMediaType"] = HTML
        if kind == "picklist" and _values(f):
            # Unrestricted: any text is saved, but one of these in another case is saved as
            # the picklist spells it (PolicySet.canonical refuses it spelled so).
            prop["x-salesforce-picklist"] = _values(f)
    elif kind in ("reference", "id"):
        prop["type"] = "string"
        refs = {o: key_prefixes[o] for o in f.get("referenceTo", []) if o in key_prefixes}
        if kind == "reference":
            prop["x-salesforce-reference"] = refs
    elif kind in _NUMBER:
        prop["type"] = "number"
        if f.get("scale") is not None:
            prop["x-salesforce-scale"] = f["scale"]
    elif kind == "int":
        prop["type"] = "integer"
    elif kind == "boolean":
        prop["type"] = "boolean"
    elif kind in ("date", "datetime"):
        prop["type"] = "string"
        prop["pattern"] = _DATE if kind == "date" else _DATETIME
    if f.get("nillable", True) and kind != "boolean":
        if "enum" in prop:
            prop["enum"] = [*prop["enum"], None]
        elif "type" in prop:
            prop["type"] = [prop["type"], "null"]
    createable, updateable = f.get("createable", False), f.get("updateable", False)
    if not createable and not updateable:
        prop["readOnly"] = True
    elif createable and not updateable:
        prop["x-salesforce-createOnly"] = True
    return prop


def _values(f: Mapping[str, Any]) -> list[str]:
    """A picklist's active values."""
    return [v["value"] for v in f.get("picklistValues", []) if v.get("active", True)]


async def fetch_schemas(
    client: httpx.AsyncClient, objects: Sequence[str], api_version: str = "59.0"
) -> dict[str, dict[str, Any]]:
    """Schemas of ``objects`` from a Salesforce-compatible CRM's describe.

    ``client`` carries the base URL and the credential. Raises httpx.HTTPStatusError when the
    CRM refuses a describe.
    """
    base = f"/services/data/v{api_version}/sobjects"
    answer = await client.get(base)
    answer.raise_for_status()
    prefixes = {s["name"]: s["keyPrefix"] for s in answer.json()["sobjects"] if s.get("keyPrefix")}
    schemas = {}
    for name in objects:
        answer = await client.get(f"{base}/{name}/describe")
        answer.raise_for_status()
        schemas[name] = schema_from_describe(answer.json(), prefixes)
    return schemas
