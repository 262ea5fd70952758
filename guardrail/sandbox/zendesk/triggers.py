"""Business rules that change a record as Zendesk saves it, like Zendesk's own triggers.

They give read-back something real to catch. A trigger names an object (ticket, user,
organization), the operations it runs on, ``when`` equality conditions on the record being
saved, and sets one ``field`` to ``value``; ``custom_fields.<id>`` names a ticket's custom
field. A document is ``{"triggers": [...]}`` in JSON or YAML (``/_sandbox/triggers``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

OBJECTS = frozenset({"ticket", "user", "organization"})
_CUSTOM = "custom_fields."


class TriggerError(ValueError):
    """A trigger document that does not fit the format."""


@dataclass(frozen=True, slots=True)
class Trigger:
    object: str
    field: str
    value: Any
    operations: tuple[str, ...] = ("create", "update")
    when: Mapping[str, Any] | None = None
    name: str | None = None

    def applies(self, obj: str, operation: str, row: Mapping[str, Any]) -> bool:
        return (
            obj == self.object
            and operation in self.operations
            and all(_get(row, k) == v for k, v in (self.when or {}).items())
        )

    def apply(self, row: dict[str, Any]) -> None:
        if self.field.startswith(_CUSTOM):
            wanted = int(self.field.removeprefix(_CUSTOM))
            row["custom_fields"] = [
                {**f, "value": self.value} if f["id"] == wanted else f
                for f in row.get("custom_fields", [])
            ]
            row["fields"] = row["custom_fields"]
        else:
            row[self.field] = self.value

    def dump(self) -> dict[str, Any]:
        found = {"object": self.object, "operations": list(self.operations),
                 "field": self.field, "value": self.value}  # fmt: skip
        if self.when:
            found["when"] = dict(self.when)
        if self.name:
            found["name"] = self.name
        return found


def _get(row: Mapping[str, Any], key: str) -> Any:
    if key.startswith(_CUSTOM):
        wanted = int(key.removeprefix(_CUSTOM))
        return next((f["value"] for f in row.get("custom_fields", []) if f["id"] == wanted), None)
    return row.get(key)


def read_triggers(text: str) -> tuple[Trigger, ...]:
    """Triggers from a JSON or YAML document. Raises TriggerError saying what is wrong."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TriggerError(f"not JSON or YAML: {exc}") from None
    items = document.get("triggers") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise TriggerError("expected {'triggers': [...]}")
    return tuple(_trigger(n, item) for n, item in enumerate(items))


def _trigger(n: int, item: Any) -> Trigger:
    where = f"triggers[{n}]"
    if not isinstance(item, dict):
        raise TriggerError(f"{where} must be an object")
    unknown = set(item) - {"object", "operations", "when", "field", "value", "name"}
    if unknown:
        raise TriggerError(f"{where} has unknown keys {sorted(unknown)}")
    if item.get("object") not in OBJECTS:
        raise TriggerError(f"{where}.object must be one of {sorted(OBJECTS)}")
    field = item.get("field")
    if not isinstance(field, str) or not field or field == "id":
        raise TriggerError(f"{where}.field must name a field other than id")
    if field.startswith(_CUSTOM) and not field.removeprefix(_CUSTOM).isdigit():
        raise TriggerError(f"{where}.field: custom_fields.<id> takes a numeric id")
    operations = item.get("operations", ["create", "update"])
    if not isinstance(operations, list) or not set(operations) <= {"create", "update"}:
        raise TriggerError(f"{where}.operations must be a list of create, update")
    when = item.get("when")
    if when is not None and not isinstance(when, dict):
        raise TriggerError(f"{where}.when must be an object of field: value")
    if "value" not in item:
        raise TriggerError(f"{where}.value is required")
    return Trigger(item["object"], field, item["value"], tuple(operations), when, item.get("name"))


def dump_triggers(triggers: Sequence[Trigger]) -> dict[str, Any]:
    return {"triggers": [t.dump() for t in triggers]}
