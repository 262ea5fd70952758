"""A Zendesk record's writes as the flat fields rules and schemas judge.

Zendesk nests what a write sets: a ticket's ``comment`` is an object, its custom fields a list
``custom_fields: [{id, value}]`` (``fields`` is the same list under another name), a user's
``user_fields`` and an organization's ``organization_fields`` are objects. The dialect reads
them into one flat map, each name the CRM's own path to the value:

- ``comment.body`` (``body``, or the text of ``html_body``: what the comment says, markup
  and character references read as Zendesk renders them, a ``body``'s Markdown too),
  ``comment.public`` (on a create, true when not given, as Zendesk saves it; on an update
  not given, it is the ticket's first comment's, which the dialect looks up:
  ``zendesk_effects``), ``comment.author_id``; a ticket created with ``description`` and no
  comment: its description is the first comment's body (an update's is read as nothing:
  Zendesk ignores it, read-only once the ticket is made); ``public`` given as anything but a
  JSON boolean (``"false"``, ``0``, null: Rails may read text as either) is refused
  (MalformedBody), since the rules on private notes read it;
- ``custom_fields.<id>`` for each custom field;
- ``user_fields.<key>``, ``organization_fields.<key>``.

Every other attribute keeps its name; its value must be text, a number, a boolean, null or a
list of those (``tags``). An attribute the dialect does not read as what Zendesk saves under its
name (``zendesk_schema.ATTRIBUTES``) is refused (AmbiguousRequest) whatever the pack's schema
allows: Zendesk acts on attributes it documents beside them (``assignee_email`` assigns,
``macro_ids`` applies macros, a user's ``default_group_id`` routes their tickets). What cannot
be read one way is refused (MalformedBody): an attribute named with a ``.`` (it would stand in
for a nested value's flat name), a custom field given twice, both ``custom_fields`` and
``fields``, a nested object the proxy cannot judge (``requester: {...}`` creates a user inline:
name it by ``requester_id``). A ticket's
``custom_status_id`` is refused too (AmbiguousRequest): a custom status sets the ticket's
``status`` to its category (a solved one solves it, and a problem's incidents with it), which
only the account's custom statuses say, so the write would be judged as setting no status;
and so are its ``collaborators``, ``additional_collaborators``, ``email_ccs`` and
``followers``, which take emails as well as ids and make a new end user for an email no user
has (a user create, unjudged as one): ``collaborator_ids``, ``email_cc_ids`` and
``follower_ids`` name people by id.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from typing import Any

from guardrail.crm.markup import html_text, markdown_text
from guardrail.crm.zendesk_schema import ATTRIBUTES
from guardrail.errors import AmbiguousRequest, MalformedBody

COMMENT = "comment"
CUSTOM = "custom_fields"
_CUSTOM_SPELLINGS = ("custom_fields", "fields")
_OWN_FIELDS = {"user": "user_fields", "organization": "organization_fields"}
_COMMENT_KEYS = frozenset({"body", "html_body", "public", "author_id"})
_SCALAR = (str, int, float, bool, type(None))
#: A record's or field's id as Zendesk (Rails, whose ``\d`` is ASCII) reads one, matched whole:
#: ``$`` would take ``"7\n"`` too, and ``str.isdigit`` fullwidth digits.
ID = re.compile(r"[1-9][0-9]{0,17}")
#: A ticket's attributes naming people by email too (Zendesk makes a new end user for an
#: email no user has: "Setting collaborators", "Setting email CCs", "Setting followers") ->
#: the attribute naming them by id alone
_PEOPLE_BY_EMAIL = {
    "collaborators": "collaborator_ids",
    "additional_collaborators": "collaborator_ids",
    "email_ccs": "email_cc_ids",
    "followers": "follower_ids",
}


def flatten(obj: str, record: Any, where: str, creating: bool) -> dict[str, Any]:
    """The flat fields a Zendesk ``obj`` record in a write (a create, when ``creating``) sets.
    Raises MalformedBody."""
    if not isinstance(record, dict):
        raise MalformedBody(f"{where} must be a JSON object (a {obj}).")
    fields: dict[str, Any] = {}
    given_custom = [k for k in _CUSTOM_SPELLINGS if k in record] if obj == "ticket" else []
    if len(given_custom) > 1:
        raise MalformedBody(
            f"{where} gives both 'custom_fields' and 'fields'; Zendesk reads one. Send "
            "custom_fields only."
        )
    for name, value in record.items():
        if name == "id" and value is None:
            continue  # zenpy sends "id": null on a create; Zendesk ignores it
        if "." in name:
            raise MalformedBody(
                f"{where} has an attribute named {name[:100]!r}; no Zendesk attribute's name "
                "holds a '.', and crm-guardrail reads nested values by such names "
                "(comment.body, custom_fields.<id>), so it would stand in for what Zendesk "
                "saves. Send the value nested as Zendesk takes it (comment: {body}, "
                "custom_fields: [{id, value}], user_fields: {key: value})."
            )
        if obj == "ticket" and name == "custom_status_id":
            raise AmbiguousRequest(
                f"{where}.custom_status_id sets the ticket's status to its custom status's "
                "category (solved, say), which crm-guardrail cannot see, so it cannot judge the "
                "write as the status change it is. Leave custom_status_id out and send status "
                "(open, pending, hold or solved) instead."
            )
        if obj == "ticket" and name in _PEOPLE_BY_EMAIL:
            raise AmbiguousRequest(
                f"{where}.{name} takes emails as well as user ids, and Zendesk makes a new end "
                "user for an email no user has, a user create crm-guardrail would not judge as "
                f"one. Name the people by id in {_PEOPLE_BY_EMAIL[name]} (create a new user "
                "first with POST /api/v2/users, then name them by the id Zendesk gives)."
            )
        if obj == "ticket" and name == COMMENT:
            fields.update(_comment(value, where, creating))
        elif name in given_custom:
            fields.update(_custom_fields(value, where))
        elif name == _OWN_FIELDS.get(obj):
            fields.update(_own_fields(name, value, where))
        elif isinstance(value, _SCALAR) or (
            isinstance(value, list) and all(isinstance(v, _SCALAR) for v in value)
        ):
            _refuse_unread(obj, name, where)
            fields[name] = value
        else:
            hint = " Name the record by its id (e.g. requester_id)." if name in (
                "requester", "submitter", "assignee", "organization", "group"
            ) else ""  # fmt: skip
            raise MalformedBody(
                f"{where}.{name} is a nested object crm-guardrail cannot judge; send field "
                f"values only.{hint}"
            )
    if obj == "ticket" and "description" in fields:
        description = fields.pop("description")  # read-only once made: an update ignores it
        if creating and "comment.body" in fields:
            raise AmbiguousRequest(
                f"{where} gives both a description and a comment; a ticket's description is its "
                "first comment, so crm-guardrail reads one of them. Send the comment alone."
            )
        if creating:
            body = comment_text(description, f"{where}.description")
            fields |= {"comment.body": body, "comment.public": True}
    return fields


def comment_text(value: Any, where: str, markup: bool = False) -> str | None:
    """What a comment's text (``where``: its key, in words) says, as rules must read it: as
    Zendesk shows it, its ``html_body`` (``markup``) as HTML, any other text as Markdown (a
    ticket's ``body`` or description, a merge's comments). None for null: a comment with no
    body, which Zendesk refuses itself. Raises MalformedBody for another JSON value: Zendesk
    would save a number or a boolean as its text, and a list or an object as some text of it,
    which the rules reading notes would not read as the note it is."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedBody(
            f"{where} is {json.dumps(value)[:40]}, not text; a comment says what it says in a "
            "JSON string. Send the comment's words in quotes."
        )
    return html_text(value) if markup else markdown_text(value)


def _refuse_unread(obj: str, name: str, where: str) -> None:
    """Refuse an attribute the dialect does not read as what Zendesk saves under its name."""
    if name in ATTRIBUTES[obj] or (obj == "ticket" and name == "description"):
        return
    close = difflib.get_close_matches(name, ATTRIBUTES[obj], n=1)
    fix = f"Did you mean {close[0]}?" if close else "Send the write without it."
    raise AmbiguousRequest(
        f"{where}.{name[:80]} is not an attribute crm-guardrail reads, and Zendesk may act on "
        "it (assignee_email assigns, macro_ids applies macros), so it cannot judge the write. "
        f"{fix} A {obj}'s attributes it reads: {', '.join(sorted(ATTRIBUTES[obj] - {'id'}))}."
    )


def _comment(value: Any, where: str, creating: bool) -> dict[str, Any]:
    if isinstance(value, str):
        value = {"body": value}
    if not isinstance(value, dict):
        raise MalformedBody(f"{where}.comment must be an object with a body.")
    if "id" in value and value["id"] is None:  # zenpy's Comment carries "id": null
        value = {k: v for k, v in value.items() if k != "id"}
    unknown = sorted(set(value) - _COMMENT_KEYS)
    if unknown:
        raise MalformedBody(
            f"{where}.comment holds {unknown}, which crm-guardrail cannot judge; send body, "
            "public and author_id only."
        )
    if "body" in value and "html_body" in value:
        raise MalformedBody(f"{where}.comment gives both body and html_body; send one.")
    key = "html_body" if "html_body" in value else "body"
    body = comment_text(value.get(key), f"{where}.comment.{key}", markup=key == "html_body")
    found: dict[str, Any] = {"comment.body": body}
    if "public" in value and not isinstance(value["public"], bool):
        raise MalformedBody(
            f"{where}.comment.public is {json.dumps(value['public'])[:40]}, not true or false; "
            'Zendesk may read such a value either way (text such as "false" or "0" as an '
            "internal note), and crm-guardrail judges private notes by it. Send true for a "
            "public reply or false for an internal note."
        )
    if "public" in value or creating:
        found["comment.public"] = value.get("public", True)
    if "author_id" in value:
        found["comment.author_id"] = value["author_id"]
    return found


def _custom_fields(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, list):
        raise MalformedBody(f"{where}.custom_fields must be a list of {{id, value}}.")
    found: dict[str, Any] = {}
    for n, entry in enumerate(value):
        at = f"{where}.custom_fields[{n}]"
        if not isinstance(entry, dict) or set(entry) != {"id", "value"}:
            raise MalformedBody(f'{at} must be {{"id": <field id>, "value": ...}}.')
        field_id = entry["id"]
        if not id_like(field_id):
            raise MalformedBody(
                f"{at}.id must be a ticket field id: a number, or its digits alone as text (no "
                "leading zeros, signs, spaces or other digits), so that it names one field "
                "however it is read."
            )
        name = f"{CUSTOM}.{int(field_id)}"
        if name in found:
            raise MalformedBody(f"{where} sets custom field {field_id} twice; send it once.")
        if not isinstance(entry["value"], _SCALAR) and not (
            isinstance(entry["value"], list) and all(isinstance(v, str) for v in entry["value"])
        ):
            raise MalformedBody(f"{at}.value must be text, a number, a boolean or null.")
        found[name] = entry["value"]
    return found


def id_like(value: object) -> bool:
    """An id as Zendesk takes one, in one spelling: a positive number, or its ASCII digits as
    text without a leading zero. (``"0360000102"`` or ``"+360000102"`` may be field or record
    360000102 to Zendesk, which casts an id's text to a number, and another to the rules.)"""
    return is_int_id(value) or (isinstance(value, str) and bool(ID.fullmatch(value)))


def is_int_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _own_fields(name: str, value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(v, _SCALAR) for v in value.values()):
        raise MalformedBody(f"{where}.{name} must be an object of field keys to values.")
    return {f"{name}.{key}": item for key, item in value.items()}


def flat_record(obj: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """A record as the CRM shows it (a read, a read-back) in the same flat names, scalars
    only: what ``read_field`` and read-back compare with."""
    found: dict[str, Any] = {}
    for name, value in record.items():
        if name in _CUSTOM_SPELLINGS and isinstance(value, list):
            for entry in value:
                if isinstance(entry, dict) and "id" in entry:
                    found[f"{CUSTOM}.{entry['id']}"] = entry.get("value")
        elif name == _OWN_FIELDS.get(obj) and isinstance(value, dict):
            found.update({f"{name}.{k}": v for k, v in value.items() if isinstance(v, _SCALAR)})
        elif isinstance(value, _SCALAR):
            found[name] = value
    return found


def unflatten(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Flat fields as a Zendesk record in a write: ``custom_fields.<id>`` as the
    ``custom_fields`` list, ``comment.body`` as ``comment: {body}`` (``flatten`` undone)."""
    record: dict[str, Any] = {}
    custom = []
    for name, value in fields.items():
        head, _, key = name.partition(".")
        if head == CUSTOM and key:
            custom.append({"id": int(key) if key.isdigit() else key, "value": value})
        elif key:
            record.setdefault(head, {})[key] = value
        else:
            record[name] = value
    if custom:
        record[CUSTOM] = custom
    return record
