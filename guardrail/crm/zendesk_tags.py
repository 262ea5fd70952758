"""A Zendesk ticket write's tags, read as the custom fields they set.

A drop-down's (or multi-select's) options are tags, and a checkbox may have one: adding an
option's tag to a ticket selects that option, and a ticket's fields are read from its tags, so
a write that leaves an option's tag off clears its field (Zendesk's "Understanding tags and
ticket fields"). ``{"tags": ["refund_issued"]}`` sets the Resolution field as plainly as
``custom_fields: [{"id": ..., "value": "refund_issued"}]`` does, so it is judged as that. And
Zendesk adds a user's tags, and their organization's, to their tickets: an option's tag there
would set the field on tickets no write of the agent's names, so it is refused.

Zendesk saves a tag lower-cased and splits a text with spaces into one tag per word, so the
tags are read that way (``"vip Refund_Issued"`` adds ``refund_issued``). Which tags are
options only the account's ticket fields say, so a ticket write that sets
``tags``, ``additional_tags`` or ``remove_tags`` is looked up first (``GET
/api/v2/ticket_fields.json``, once a request) and judged with ``custom_fields.<id>`` as the
tags leave each field. What cannot be read one way is refused, saying what to send: two
options of one field, tags that disagree with ``custom_fields``, an option's tag removed by
``remove_tags`` (it clears the field only if that option is held), a multi-select's option
added (it adds to values the write does not show).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from guardrail.crm import lookup_answers
from guardrail.errors import AmbiguousRequest
from guardrail.model import Operation, WriteIntent

#: What a ticket write may set its tags by.
TAG_FIELDS = ("tags", "additional_tags", "remove_tags")
#: Whose tags Zendesk adds to which tickets: a user's to theirs, an organization's to its.
_TICKETS_OF = {"user": "a user's", "organization": "an organization's"}
FIELDS_PATH = "/api/v2/ticket_fields.json"


@dataclass(frozen=True, slots=True)
class _Option:
    """A tag's field (as the flat name rules read), its kind, and what the tag sets it to."""

    field: str
    kind: str
    value: Any


def sets_tags(intent: WriteIntent) -> bool:
    """Whether ``intent`` is a ticket write whose tags may set custom fields, or a user's or
    organization's whose tags Zendesk adds to their tickets (user and organization tagging)."""
    if intent.object in _TICKETS_OF:
        return intent.fields.get("tags") is not None
    return intent.object == "ticket" and any(name in intent.fields for name in TAG_FIELDS)


def selected(intent: WriteIntent, status: int, body: bytes) -> WriteIntent:
    """``intent`` with each custom field its tags set, from the ticket fields Zendesk answered.
    Raises AmbiguousRequest, LookupFailed, InvalidSession."""
    options = _options(status, body)
    fields = intent.fields
    for name in TAG_FIELDS:
        given = fields.get(name)
        if given is not None and not (isinstance(given, list) and all(
                isinstance(t, str) for t in given)):  # fmt: skip
            raise _refused(f"{name} is not a list of tags, which Zendesk may read otherwise")
    if intent.object in _TICKETS_OF:
        for tag in _listed(fields.get("tags")):
            if tag in options:
                raise AmbiguousRequest(
                    f"The tag {tag!r} is an option of the ticket field {options[tag].field}, and "
                    f"Zendesk adds {_TICKETS_OF[intent.object]} tags to their tickets, where it "
                    "would set that field unjudged. Leave it off; set the field on a ticket by "
                    "custom_fields."
                )
        return intent
    tags = _listed(fields.get("tags"))
    added = tags + _listed(fields.get("additional_tags"))
    derived: dict[str, Any] = {}
    for tag in added:
        option = options.get(tag)
        if option is None:
            continue
        if option.kind == "multiselect":
            if tag not in tags:
                raise _refused(
                    f"additional_tags adds {tag!r}, an option of the multi-select field "
                    f"{option.field}, to the values the ticket holds"
                )
            derived[option.field] = [*derived.get(option.field, []), option.value]
        elif derived.get(option.field, option.value) != option.value:
            raise _refused(
                f"the tags select both {derived[option.field]!r} and {option.value!r} for "
                f"{option.field}, and Zendesk keeps one"
            )
        else:
            derived[option.field] = option.value
    for tag in _listed(fields.get("remove_tags")):
        if tag in options:
            raise _refused(
                f"remove_tags removes {tag!r}, an option of {options[tag].field}, which clears "
                "that field only if it holds that option"
            )
    if "tags" in fields and intent.operation is not Operation.CREATE:
        for option in options.values():  # a field whose tag the ticket keeps no more is cleared
            derived.setdefault(option.field, False if option.kind == "checkbox" else None)
    for name, value in derived.items():
        if name in fields and not _same(fields[name], value):
            raise _refused(
                f"its tags leave {name} {value!r} while custom_fields sets it to {fields[name]!r}"
            )
    if not derived:
        return intent
    return replace(intent, fields={**fields, **derived})


def _options(status: int, body: bytes) -> dict[str, _Option]:
    """Each tag an active custom ticket field reads as a value."""
    answer = lookup_answers.answer(status, body)
    listed = answer.get("ticket_fields") if isinstance(answer, dict) else None
    if not isinstance(listed, list) or not isinstance(answer, dict) or answer.get("next_page"):
        raise lookup_answers.failed(
            "read the account's ticket fields",
            "Zendesk",
            f"{status}{', more than one page' if isinstance(listed, list) else ''}",
            so="so it cannot tell which custom fields this write's tags set",
            then="Set custom fields by custom_fields, or retry later.",
        )
    found: dict[str, _Option] = {}
    for field in listed:
        if not isinstance(field, dict) or not field.get("active", True):
            continue
        if not field.get("removable", True) or not isinstance(field.get("id"), int):
            continue  # a system field (status, priority) is no tag
        name, kind = f"custom_fields.{field['id']}", str(field.get("type"))
        if kind == "checkbox" and isinstance(field.get("tag"), str) and field["tag"]:
            found.setdefault(field["tag"].lower(), _Option(name, kind, True))
        for option in field.get("custom_field_options") or ():
            if isinstance(option, dict) and isinstance(option.get("value"), str):
                found.setdefault(option["value"].lower(), _Option(name, kind, option["value"]))
    return found


def _listed(value: Any) -> list[str]:
    """The tags a list sets, as Zendesk saves them: lower-cased, a text with spaces one tag per
    word (``"vip Refund_Issued"`` is ``vip`` and ``refund_issued``, which selects that option)."""
    given = value if isinstance(value, list) else []
    return [word for tag in given if isinstance(tag, str) for word in tag.lower().split()]


def _same(given: Any, derived: Any) -> bool:
    if isinstance(derived, list) and isinstance(given, list):
        return sorted(map(str, given)) == sorted(map(str, derived))
    return bool(given == derived)


def _refused(why: str) -> AmbiguousRequest:
    return AmbiguousRequest(
        f"This ticket write sets custom fields through its tags (a drop-down's options are "
        f"tags in Zendesk), and {why}, so crm-guardrail cannot tell what Zendesk saves. Set "
        'the field by custom_fields ([{"id": ..., "value": ...}], null to clear it) and '
        "leave its options' tags out of tags, additional_tags and remove_tags."
    )
