"""Server-side rules that change a record as it is saved, like Apex before-triggers.

They give post-guardrails something real to catch: the CRM saved something other than what
the agent wrote. A trigger names an object, the operations it runs on, optional ``when``
equality conditions on the record being saved, and one action on one field:

- ``set``: write ``value`` (e.g. reassign ``OwnerId`` to a queue);
- ``truncate``: cut a text field to ``length`` characters;
- ``picklist_default``: replace a value not in the picklist (or, with ``only_invalid: false``,
  any value) by ``value``;
- ``round``: round a number field to ``decimals`` places.

A trigger file is YAML or JSON: ``{"triggers": [{...}, ...]}``; the admin endpoint
``/_sandbox/triggers`` takes and returns the same document.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, Self

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    NonNegativeInt,
    PositiveInt,
    PrivateAttr,
    ValidationError,
    model_validator,
)
from pydantic import Field as ModelField

from guardrail.sandbox.errors import ApiError
from guardrail.sandbox.org import SCHEMA
from guardrail.sandbox.schema import Field, FieldType
from guardrail.sandbox.values import decode_value, round_half_up, same_value

Operation = Literal["create", "update"]


class TriggerError(ValueError):
    """A trigger document that does not fit the schema or the sandbox's objects."""


class _Trigger(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    object: str
    operations: tuple[Operation, ...] = ("create", "update")
    when: dict[str, Any] = ModelField(default_factory=dict)
    field: str

    _target: Field = PrivateAttr()
    _conditions: tuple[tuple[Field, Any], ...] = PrivateAttr()

    @model_validator(mode="after")
    def _resolve(self) -> Self:
        """Resolve names against the org (canonical spelling) and type the values."""
        sobject = SCHEMA.get(self.object)
        if sobject is None:
            raise ValueError(f"unknown object {self.object!r}")
        self.object = sobject.name
        self._target = self._lookup(self.field)
        self.field = self._target.name
        if self._target.formula is not None or self._target.type is FieldType.ID:
            raise ValueError(f"{self.object}.{self.field} is calculated and cannot be changed")
        conditions = tuple((self._lookup(k), v) for k, v in self.when.items())
        self._conditions = tuple((f, _decode(f, v)) for f, v in conditions)
        self.when = {f.name: v for f, v in self._conditions}
        self._check_target(self._target)
        return self

    def _lookup(self, name: str) -> Field:
        found = SCHEMA.get(self.object)
        field = found.field(name) if found else None
        if field is None:
            raise ValueError(f"unknown field {self.object}.{name}")
        return field

    @abstractmethod
    def _check_target(self, field: Field) -> None:
        """Reject a field this action cannot change, and type the action's value for it."""

    def applies(self, sobject: str, operation: Operation, row: dict[str, Any]) -> bool:
        return (
            sobject == self.object
            and operation in self.operations
            and all(same_value(f, row.get(f.name), v) for f, v in self._conditions)
        )

    def apply(self, row: dict[str, Any]) -> None:
        row[self.field] = self._change(row.get(self.field))

    @abstractmethod
    def _change(self, value: Any) -> Any:
        """The value to save instead of ``value``."""


class SetTrigger(_Trigger):
    action: Literal["set"]
    value: Any

    def _check_target(self, field: Field) -> None:
        self.value = _decode(field, self.value)

    def _change(self, value: Any) -> Any:
        return self.value


class TruncateTrigger(_Trigger):
    action: Literal["truncate"]
    length: PositiveInt

    def _check_target(self, field: Field) -> None:
        if not field.type.is_text:
            raise ValueError(f"truncate needs a text field, {field.name} is {field.type}")

    def _change(self, value: Any) -> Any:
        return value[: self.length] if isinstance(value, str) else value


class PicklistDefaultTrigger(_Trigger):
    action: Literal["picklist_default"]
    value: str
    only_invalid: bool = True

    def _check_target(self, field: Field) -> None:
        if field.type is not FieldType.PICKLIST:
            raise ValueError(f"picklist_default needs a picklist, {field.name} is {field.type}")
        if self.value not in field.picklist:
            raise ValueError(f"{self.value!r} is not a value of {field.name}")

    def _change(self, value: Any) -> Any:
        if value is None or (self.only_invalid and value in self._target.picklist):
            return value
        return self.value


class RoundTrigger(_Trigger):
    action: Literal["round"]
    decimals: NonNegativeInt

    def _check_target(self, field: Field) -> None:
        if not field.type.is_number:
            raise ValueError(f"round needs a number field, {field.name} is {field.type}")

    def _change(self, value: Any) -> Any:
        return value if value is None else round_half_up(value, self.decimals)


Trigger = Annotated[
    SetTrigger | TruncateTrigger | PicklistDefaultTrigger | RoundTrigger,
    Discriminator("action"),
]


class _TriggerDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    triggers: list[Trigger] = ModelField(default_factory=list)


def parse_triggers(document: Any) -> tuple[Trigger, ...]:
    """Triggers from a parsed document; raises ``TriggerError`` saying what is wrong."""
    try:
        return tuple(_TriggerDocument.model_validate(document or {}).triggers)
    except ValidationError as exc:
        raise TriggerError(str(exc)) from None


def read_triggers(text: str, source: str = "triggers") -> tuple[Trigger, ...]:
    """Triggers from YAML or JSON text (JSON is YAML)."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TriggerError(f"{source}: {exc}") from None
    return parse_triggers(document)


def load_triggers(path: Path) -> tuple[Trigger, ...]:
    return read_triggers(path.read_text(encoding="utf-8"), str(path))


def dump_triggers(triggers: Sequence[Trigger]) -> dict[str, Any]:
    return {"triggers": [t.model_dump(mode="json", exclude_none=True) for t in triggers]}


def _decode(field: Field, value: Any) -> Any:
    try:
        return decode_value(field, value)
    except ApiError as exc:
        raise ValueError(f"{field.name}: {exc.message}") from None
