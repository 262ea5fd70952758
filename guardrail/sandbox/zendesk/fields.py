"""The sandbox's ticket fields: Zendesk's system fields and the custom fields the pack uses.

``GET /api/v2/ticket_fields.json`` lists them as Zendesk does (the describe the dialect turns
into JSON Schema). A custom field's value is checked as Zendesk checks it: a dropdown
(``tagger``) takes one of its option values, a ``decimal`` a number, an ``integer`` a whole
number, a ``checkbox`` a boolean, a ``text`` a string; null clears it. Zendesk ignores a
custom field id it does not know, and so does the sandbox (that is the guardrail's to refuse).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from guardrail.sandbox.zendesk.errors import invalid
from guardrail.sandbox.zendesk.seed import SEED_TIMESTAMP


@dataclass(frozen=True, slots=True)
class TicketField:
    id: int
    type: str
    title: str
    options: tuple[tuple[str, str], ...] = ()  # (name, value) of a tagger's options
    description: str = ""
    required: bool = False

    @property
    def custom(self) -> bool:
        return self.id >= CUSTOM_FIELD_IDS

    def describe(self, base_url: str) -> dict[str, Any]:
        found: dict[str, Any] = {
            "url": f"{base_url}/api/v2/ticket_fields/{self.id}.json",
            "id": self.id,
            "type": self.type,
            "title": self.title,
            "raw_title": self.title,
            "description": self.description,
            "raw_description": self.description,
            "position": self.id % 1000,
            "active": True,
            "required": self.required,
            "collapsed_for_agents": False,
            "regexp_for_validation": None,
            "title_in_portal": self.title,
            "raw_title_in_portal": self.title,
            "visible_in_portal": False,
            "editable_in_portal": False,
            "required_in_portal": False,
            "tag": None,
            "created_at": SEED_TIMESTAMP,
            "updated_at": SEED_TIMESTAMP,
            "removable": self.custom,
            "key": None,
            "agent_description": None,
        }
        if self.type == "tagger" or self.options:
            found["custom_field_options"] = [
                {
                    "id": self.id * 100 + n,
                    "name": name,
                    "raw_name": name,
                    "value": value,
                    "default": False,
                }
                for n, (name, value) in enumerate(self.options, 1)
            ]
        return found

    def check(self, value: Any) -> Any:
        """The value as saved; raises ZendeskError (422) for one this field cannot hold."""
        if value is None:
            return None
        fits = self._fits(value)
        if not fits:
            raise invalid(
                "base",
                f"{self.title}: {value!r} is not a valid value for this field",
            )
        if self.type == "decimal":
            return str(value)
        return value

    def _fits(self, value: Any) -> bool:
        if self.type == "tagger":
            return isinstance(value, str) and value in {v for _, v in self.options}
        if self.type == "decimal":
            return _is_decimal(value)
        if self.type == "integer":
            return (isinstance(value, int) and not isinstance(value, bool)) or (
                isinstance(value, str) and value.lstrip("-").isdigit()
            )
        if self.type == "checkbox":
            return isinstance(value, bool)
        return isinstance(value, str)  # text, textarea


def _is_decimal(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    if isinstance(value, str):
        try:
            Decimal(value)
        except InvalidOperation:
            return False
        return True
    return False


CUSTOM_FIELD_IDS = 360_000_000  # custom field ids start here; system ones sit below

# The custom fields (fixed ids: the pack names them).
CONTACT_REASON_FIELD = 360_000_101
REFUND_AMOUNT_FIELD = 360_000_102
REFUND_REASON_FIELD = 360_000_103
RESOLUTION_FIELD = 360_000_104
ORDER_NUMBER_FIELD = 360_000_105

STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
PRIORITIES = ("urgent", "high", "normal", "low")
TYPES = ("problem", "incident", "question", "task")

TICKET_FIELDS: tuple[TicketField, ...] = (
    TicketField(21_000_001, "subject", "Subject", required=True),
    TicketField(21_000_002, "description", "Description", required=True),
    TicketField(21_000_003, "status", "Status", tuple((s.title(), s) for s in STATUSES)),
    TicketField(21_000_004, "tickettype", "Type", tuple((t.title(), t) for t in TYPES)),
    TicketField(21_000_005, "priority", "Priority", tuple((p.title(), p) for p in PRIORITIES)),
    TicketField(21_000_006, "group", "Group"),
    TicketField(21_000_007, "assignee", "Assignee"),
    TicketField(
        CONTACT_REASON_FIELD,
        "tagger",
        "Contact reason",
        (
            ("Billing", "billing"),
            ("Technical", "technical"),
            ("Return", "return"),
            ("Account closure", "account_closure"),
            ("Complaint", "complaint"),
            ("Other", "other"),
        ),
        "Why the customer got in touch.",
    ),
    TicketField(REFUND_AMOUNT_FIELD, "decimal", "Refund amount", description="Refund issued."),
    TicketField(
        REFUND_REASON_FIELD,
        "tagger",
        "Refund reason",
        (
            ("Damaged item", "damaged_item"),
            ("Late delivery", "late_delivery"),
            ("Billing error", "billing_error"),
            ("Goodwill", "goodwill"),
        ),
    ),
    TicketField(
        RESOLUTION_FIELD,
        "tagger",
        "Resolution",
        (
            ("Resolved", "resolved"),
            ("Escalated", "escalated"),
            ("Transferred", "transferred"),
            ("Refund issued", "refund_issued"),
            ("Callback scheduled", "callback_scheduled"),
            ("Unresolved", "unresolved"),
            ("Customer hung up", "customer_hung_up"),
        ),
        "How the contact ended.",
    ),
    TicketField(ORDER_NUMBER_FIELD, "text", "Order number"),
)


def custom_fields(fields: Sequence[TicketField]) -> dict[int, TicketField]:
    """The custom ones of ``fields``, by id."""
    return {f.id: f for f in fields if f.custom}


def check_custom_fields(
    given: Any, custom: Mapping[int, TicketField]
) -> list[dict[str, Any]] | None:
    """``custom_fields: [{id, value}]`` as saved (unknown ids left out, as Zendesk does), or
    None when the write sets none. Raises ZendeskError for a value a field cannot hold."""
    if given is None:
        return None
    if not isinstance(given, list) or not all(isinstance(f, dict) for f in given):
        raise invalid("custom_fields", "Custom fields: must be a list of {id, value}")
    saved = []
    for entry in given:
        field = custom.get(entry.get("id")) if isinstance(entry.get("id"), int) else None
        if field is not None:
            saved.append({"id": field.id, "value": field.check(entry.get("value"))})
    return saved


def merged_custom_fields(
    current: Sequence[dict[str, Any]],
    changes: Sequence[dict[str, Any]],
    custom: Mapping[int, TicketField],
) -> list[dict[str, Any]]:
    """Every custom field's value after ``changes``, in the fields' order."""
    values = {f["id"]: f["value"] for f in current}
    values.update({f["id"]: f["value"] for f in changes})
    return [{"id": i, "value": values.get(i)} for i in custom]


def selected_by_tags(
    current: Sequence[dict[str, Any]],
    before: Sequence[str],
    tags: Sequence[str],
    custom: Mapping[int, TicketField],
) -> list[dict[str, Any]]:
    """The custom fields once the ticket's tags go from ``before`` to ``tags``: a drop-down
    (``tagger``) holds the option whose tag (its value) is among them, one just added before
    one it had, else nothing; the others keep theirs."""
    given, added = set(tags), set(tags) - set(before)
    values = {f["id"]: f["value"] for f in current}
    for field in custom.values():
        if field.type == "tagger":
            held = [v for _, v in field.options if v in given]
            values[field.id] = next((v for v in held if v in added), held[0] if held else None)
    return [{"id": i, "value": values.get(i)} for i in custom]


def tags_of_options(
    tags: Sequence[str], values: Sequence[dict[str, Any]], custom: Mapping[int, TicketField]
) -> list[str]:
    """``tags`` with each drop-down's option tags replaced by the tag of the option it holds."""
    options = {v for f in custom.values() if f.type == "tagger" for _, v in f.options}
    held = [f["value"] for f in values
            if f["id"] in custom and custom[f["id"]].type == "tagger" and f["value"]]  # fmt: skip
    return sorted({*(t for t in tags if t not in options), *held})
