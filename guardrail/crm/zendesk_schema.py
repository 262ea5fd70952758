"""Zendesk's description of its records as JSON Schema (ParameterValidation's), in the flat
field names the dialect reads writes in (``guardrail.crm.zendesk_fields``).

A ticket's schema is built from ``GET /api/v2/ticket_fields.json``: the system attributes,
``comment.*``, and one ``custom_fields.<id>`` per active custom field, typed by the field's
type (a dropdown's options are its enum; a decimal is a number or its text). Users and
organizations have no field describe the pack needs beyond Zendesk's documented attributes,
so theirs are fixed here. Every schema is closed (``additionalProperties: false``): a field
Zendesk would silently ignore is refused instead, so the agent learns of its mistake. Their
attributes are also the ones the dialect reads (``ATTRIBUTES``): it refuses any other itself,
so a pack whose schema is looser lets no attribute through that Zendesk would act on unjudged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx

#: Zendesk takes an id as a number or as its digits in text.
_ID: dict[str, Any] = {
    "type": ["integer", "string", "null"],
    "minimum": 1,
    "pattern": r"^[1-9][0-9]*$",
}


def _reference(to: str, prop: Mapping[str, Any] = _ID) -> dict[str, Any]:
    """A field holding ids of ``to`` records: ``x-zendesk-reference`` types it as holding ids
    (guardrail.checks.compare.Kind.ID), not numbers, so a number field beside it that holds a
    card number is told from it."""
    return {"x-zendesk-reference": to, **prop}


_TEXT: dict[str, Any] = {"type": ["string", "null"]}
_TAGS: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
_IDS: dict[str, Any] = {
    "type": "array",
    "items": {**_ID, "type": ["integer", "string"]},
}
_BOOL: dict[str, Any] = {"type": "boolean"}
_DECIMAL: dict[str, Any] = {"type": ["number", "string", "null"], "pattern": r"^-?\d+(\.\d+)?$"}
_DATE: dict[str, Any] = {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"}
#: A ticket field's type -> the attribute it sets, for the system fields
_SYSTEM = {"status": "status", "priority": "priority", "tickettype": "type"}
_READ_ONLY = {"title": "ID", "type": "integer", "readOnly": True}


def _titled(title: str, prop: Mapping[str, Any]) -> dict[str, Any]:
    return {"title": title, **prop}


#: A ticket's system attributes (its system ticket fields aside: ``_SYSTEM``).
_TICKET_PROPERTIES: dict[str, Any] = {
    "id": _READ_ONLY,
    "subject": _titled("Subject", _TEXT),
    "comment.body": _titled("Comment", {"type": "string", "minLength": 1}),
    "comment.public": _titled("Comment is public", _BOOL),
    "comment.author_id": _titled("Comment author", _reference("user")),
    "requester_id": _titled("Requester", _reference("user")),
    "submitter_id": _titled("Submitter", _reference("user")),
    "assignee_id": _titled("Assignee", _reference("user")),
    "organization_id": _titled("Organization", _reference("organization")),
    "group_id": _titled("Group", _reference("group")),
    "brand_id": _titled("Brand", _reference("brand")),
    "problem_id": _titled("Problem", _reference("ticket")),
    "external_id": _titled("External ID", _TEXT),
    "due_at": _titled("Due at", _TEXT),
    "recipient": _titled("Recipient", _TEXT),
    "tags": _titled("Tags", _TAGS),
    "additional_tags": _titled("Tags to add", _TAGS),
    "remove_tags": _titled("Tags to remove", _TAGS),
    "collaborator_ids": _titled("CCs", _reference("user", _IDS)),
    "follower_ids": _titled("Followers", _reference("user", _IDS)),
    "email_cc_ids": _titled("Email CCs", _reference("user", _IDS)),
    "safe_update": _titled("Safe update", _BOOL),
    "updated_stamp": _titled("Updated stamp", {"type": "string"}),
}


def ticket_schema(ticket_fields: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A ticket's JSON Schema from the ticket fields Zendesk lists."""
    properties = dict(_TICKET_PROPERTIES)
    for field in ticket_fields:
        if not field.get("active", True):
            continue
        options = [o["value"] for o in field.get("custom_field_options") or []]
        kind, title = str(field.get("type")), str(field.get("title", ""))
        if kind in _SYSTEM:
            properties[_SYSTEM[kind]] = _titled(title, {"enum": [*options, None]})
        elif field.get("removable", True) and isinstance(field.get("id"), int):
            properties[f"custom_fields.{field['id']}"] = _titled(title, _custom(kind, options))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ticket",
        "description": "Writes to Zendesk tickets, from GET /api/v2/ticket_fields.",
        "type": "object",
        "additionalProperties": False,
        "required": ["comment.body"],
        "properties": properties,
    }


def _custom(kind: str, options: list[str]) -> dict[str, Any]:
    if kind == "tagger":
        return {"enum": [*options, None]}
    if kind == "multiselect":
        return {"type": ["array", "null"], "items": {"enum": options}}
    if kind == "decimal":
        return dict(_DECIMAL)
    if kind == "integer":
        return {"type": ["integer", "null"]}
    if kind == "checkbox":
        return {"type": ["boolean", "null"]}
    if kind == "date":
        return dict(_DATE)
    return dict(_TEXT)  # text, textarea, regexp, and any type Zendesk adds


USER_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "user",
    "description": "Writes to Zendesk users: the documented attributes an agent may set.",
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {
        "id": _READ_ONLY,
        "name": _titled("Name", {"type": "string", "minLength": 1}),
        "email": _titled("Email", {"type": ["string", "null"], "pattern": r"^[^@\s]+@[^@\s]+$"}),
        "phone": _titled("Phone", _TEXT),
        "role": _titled("Role", {"enum": ["end-user"]}),
        "organization_id": _titled("Organization", _reference("organization")),
        "external_id": _titled("External ID", _TEXT),
        "details": _titled("Details", _TEXT),
        "notes": _titled("Notes", _TEXT),
        "tags": _titled("Tags", _TAGS),
        "time_zone": _titled("Time zone", _TEXT),
        "locale": _titled("Locale", _TEXT),
        "verified": _titled("Verified", _BOOL),
    },
}

ORGANIZATION_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "organization",
    "description": "Writes to Zendesk organizations: the documented attributes.",
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {
        "id": _READ_ONLY,
        "name": _titled("Name", {"type": "string", "minLength": 1}),
        "external_id": _titled("External ID", _TEXT),
        "domain_names": _titled("Domains", _TAGS),
        "details": _titled("Details", _TEXT),
        "notes": _titled("Notes", _TEXT),
        "group_id": _titled("Group", _reference("group")),
        "shared_tickets": _titled("Shared tickets", _BOOL),
        "shared_comments": _titled("Shared comments", _BOOL),
        "tags": _titled("Tags", _TAGS),
    },
}


async def fetch_schemas(
    client: httpx.AsyncClient, objects: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Schemas of ``objects`` (ticket, user, organization). ``client`` carries the base URL
    and the credential. Raises httpx.HTTPStatusError when Zendesk refuses the describe, and
    ValueError for an object it has no schema of."""
    schemas: dict[str, dict[str, Any]] = {}
    for name in objects:
        if name == "ticket":
            answer = await client.get("/api/v2/ticket_fields.json")
            answer.raise_for_status()
            schemas[name] = ticket_schema(answer.json()["ticket_fields"])
        elif name == "user":
            schemas[name] = USER_SCHEMA
        elif name == "organization":
            schemas[name] = ORGANIZATION_SCHEMA
        else:
            raise ValueError(f"Zendesk has no schema of {name!r}: use ticket, user, organization")
    return schemas


def _flat(properties: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(name for name in properties if "." not in name)


#: Each record's attributes whose value in a write the dialect reads as what Zendesk saves
#: under that name (nested ones, a comment's and custom fields, are read by
#: ``zendesk_fields``): those of the schemas here. A pack's schema may narrow them, never widen.
ATTRIBUTES = {
    "ticket": _flat(_TICKET_PROPERTIES) | frozenset(_SYSTEM.values()),
    "user": _flat(USER_SCHEMA["properties"]),
    "organization": _flat(ORGANIZATION_SCHEMA["properties"]),
}
