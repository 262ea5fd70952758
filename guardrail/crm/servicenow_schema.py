"""JSON Schemas for ParameterValidation, built from ServiceNow's own description of a table.

``sys_dictionary`` says each field's internal type, length, the table a reference points at,
whether it is a choice list, mandatory or read-only; ``sys_choice`` holds each choice list's
values. Values are judged as the Table API stores them (text, read by the dialect), so every
property is a string: a choice field is an enum of its values ("" clears it, unless the field
is mandatory), a reference a sys_id (``x-servicenow-reference`` names its table), an integer
digits, a boolean ``true``/``false``. A mandatory field is required on create.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import httpx

from guardrail.crm.markup import HTML

SYS_ID_OR_EMPTY = "^([0-9a-f]{32})?$"
_DATETIME = r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})?$"
_DICTIONARY_FIELDS = (
    "element,column_label,internal_type,max_length,reference,choice,mandatory,read_only"
)


def as_text(value: Any) -> str:
    """A JSON value as the platform stores it: text (``null`` clears a field)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def schema_from_dictionary(
    table: str, fields: Iterable[Mapping[str, Any]], choices: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """The ParameterValidation schema of ``table`` from its ``sys_dictionary`` rows (the table's
    own row, with no element, is skipped) and its ``sys_choice`` rows."""
    values: dict[str, list[str]] = {}
    for choice in sorted(choices, key=lambda c: int(_text(c.get("sequence")) or 0)):
        values.setdefault(_text(choice.get("element")), []).append(_text(choice.get("value")))
    properties: dict[str, Any] = {}
    required: list[str] = []
    for row in fields:
        name = _text(row.get("element"))
        if not name:
            continue
        properties[name] = _property(row, values.get(name))
        if _flag(row.get("mandatory")) and not _flag(row.get("read_only")):
            required.append(name)
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": table,
        "description": f"Writes to {table}, from the instance's sys_dictionary and sys_choice.",
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }
    if required:
        schema["required"] = sorted(required)
    return schema


def _property(row: Mapping[str, Any], choices: Sequence[str] | None) -> dict[str, Any]:
    kind = _text(row.get("internal_type"))
    prop: dict[str, Any] = {"title": _text(row.get("column_label"))}
    mandatory = _flag(row.get("mandatory"))
    if choices and _text(row.get("choice")) not in ("", "0"):
        prop["enum"] = [*choices] if mandatory else [*choices, ""]
    elif kind == "reference":
        prop |= {"type": "string", "pattern": SYS_ID_OR_EMPTY,
                 "x-servicenow-reference": _text(row.get("reference"))}  # fmt: skip
    elif kind == "boolean":
        prop["enum"] = ["true", "false"] if mandatory else ["true", "false", ""]
    elif kind == "integer":
        prop |= {"type": "string", "pattern": "^-?[0-9]*$"}
    elif kind == "glide_date_time":
        prop |= {"type": "string", "pattern": _DATETIME}
    else:
        prop["type"] = "string"
        if kind == "html":  # shown rendered as HTML
            prop["contentMediaType"] = HTML
        length = _text(row.get("max_length"))
        if length.isdigit() and int(length) > 0:
            prop["maxLength"] = int(length)
    if _flag(row.get("read_only")):
        prop["readOnly"] = True
    return prop


def _text(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("value", "")
    return "" if value is None else str(value)


def _flag(value: Any) -> bool:
    return _text(value).lower() in ("true", "1")


async def fetch_schemas(
    client: httpx.AsyncClient, tables: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Each table's schema, from the instance ``client`` is pointed at (two Table API reads
    per table). Raises httpx.HTTPStatusError."""
    schemas = {}
    for table in tables:
        fields = await _rows(
            client, "sys_dictionary", f"name={table}^active=true", _DICTIONARY_FIELDS
        )
        choices = await _rows(
            client, "sys_choice", f"name={table}^inactive=false", "element,value,sequence"
        )
        schemas[table] = schema_from_dictionary(table, fields, choices)
    return schemas


async def _rows(
    client: httpx.AsyncClient, table: str, query: str, fields: str
) -> list[dict[str, Any]]:
    answer = await client.get(
        f"/api/now/table/{table}",
        params={"sysparm_query": query, "sysparm_fields": fields,
                "sysparm_exclude_reference_link": "true"},
    )  # fmt: skip
    answer.raise_for_status()
    rows = answer.json().get("result")
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
