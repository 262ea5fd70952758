"""The scenario file format (documented in guardrail.scenarios), its loader, and what every
runner does the same way before a scenario's first step: create its starting records and fill
its placeholders.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    model_validator,
)

from guardrail.context.model import ConversationIn, ConversationPatch, TurnsIn
from guardrail.crm.base import StartingRecord
from guardrail.errors import ConfigError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WriteStep(_Strict):
    name: str
    method: Literal["POST", "PUT", "PATCH", "DELETE"]
    path: str
    body: dict[str, Any] | None = None
    tool: str | None = None
    header: Literal["conversation", "none", "unregistered"] = "conversation"
    #: Request headers the write carries (``Sforce-Auto-Assign: "FALSE"``...).
    headers: dict[str, str] = Field(default_factory=dict)
    #: allow: a good write; block: a bad one (blocked, or held for approval: both stop it);
    #: hold: one that must wait for a person whatever the conversation (``action: hold``).
    expect: Literal["allow", "block", "hold"]
    rules: tuple[str, ...] = ()
    near_miss: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _labelled(self) -> WriteStep:
        if self.expect != "allow" and not self.rules:
            raise ValueError(
                f"step {self.name!r}: a {self.expect} must name the rules that {self.expect} it"
            )
        if self.expect == "allow" and self.rules:
            raise ValueError(f"step {self.name!r}: an allowed write names no blocking rules")
        if self.expect != "allow" and self.near_miss:
            raise ValueError(f"step {self.name!r}: only an allowed write is a near miss")
        for rule in (*self.rules, *self.near_miss):
            if rule.count("/") != 1:
                raise ValueError(f"step {self.name!r}: {rule!r} is not policy/Rule")
        return self


class ReadStep(_Strict):
    name: str
    read: str


class PatchStep(_Strict):
    name: str
    patch: dict[str, Any]


class TurnsStep(_Strict):
    name: str
    append_turns: list[dict[str, Any]]


class NewConversationStep(_Strict):
    name: str
    new_conversation: dict[str, Any]


_STEP_KINDS = ("read", "patch", "append_turns", "new_conversation")


def _step_kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return next((k for k in _STEP_KINDS if k in value), "write")
    return "write"


Step = Annotated[
    Annotated[WriteStep, Tag("write")]
    | Annotated[ReadStep, Tag("read")]
    | Annotated[PatchStep, Tag("patch")]
    | Annotated[TurnsStep, Tag("append_turns")]
    | Annotated[NewConversationStep, Tag("new_conversation")],
    Discriminator(_step_kind),
]


RecordKey = Literal["account", "contact", "case", "other_account", "other_contact", "other_case"]


class Scenario(_Strict):
    name: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    about: str
    conversation: dict[str, Any]
    records: dict[RecordKey, dict[str, Any]] = Field(default_factory=dict)
    reads: tuple[str, ...] = ()
    steps: tuple[Step, ...] = Field(min_length=1)
    theme: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        ConversationIn.model_validate(self.conversation)
        names = Counter(s.name for s in self.steps)
        if twice := [n for n, c in names.items() if c > 1]:
            raise ValueError(f"step names must be unique in a scenario: {twice}")
        for step in self.steps:
            if isinstance(step, PatchStep):
                ConversationPatch.model_validate(step.patch)
            elif isinstance(step, TurnsStep):
                TurnsIn.model_validate({"turns": step.append_turns})
            elif isinstance(step, NewConversationStep):
                ConversationIn.model_validate(step.new_conversation)
        if not any(isinstance(s, WriteStep) for s in self.steps):
            raise ValueError("a scenario needs at least one write")
        return self

    @property
    def writes(self) -> list[WriteStep]:
        return [s for s in self.steps if isinstance(s, WriteStep)]


class _ScenarioFile(_Strict):
    scenarios: list[Scenario] = Field(min_length=1)


def load_scenarios(directory: Path) -> list[Scenario]:
    """Every scenario in the directory's YAML files, each tagged with its file's theme.

    Raises ConfigError naming the file and the place when one is not a scenario file, and when
    two scenarios share a name (results, baselines and JUnit cases are keyed by it).
    """
    if not directory.is_dir():
        raise ConfigError(f"{directory}: no such scenario directory")
    found: list[Scenario] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            document = _ScenarioFile.model_validate(yaml.safe_load(path.read_text()))
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not YAML: {exc}") from None
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"])
            raise ConfigError(f"{path}: {where}: {error['msg']}") from None
        found += [s.model_copy(update={"theme": path.stem}) for s in document.scenarios]
    if not found:
        raise ConfigError(f"{directory}: no scenarios (expected *.yaml files)")
    names = Counter(s.name for s in found)
    if twice := [n for n, c in names.items() if c > 1]:
        raise ConfigError(f"{directory}: scenario names must be unique: {twice}")
    return found


# -- placeholders ----------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{(?P<key>[a-z_]+)(?::(?P<arg>[^{}|]+))?(?:\|(?P<filter>15))?\}")
_FILLER = "The customer described the problem at length. "


@dataclass
class Placeholders:
    """The values of one scenario's placeholders; ``created`` grows as its steps create."""

    records: dict[str, str]
    queues: Mapping[str, str] = field(default_factory=dict)
    created: dict[str, str] = field(default_factory=dict)

    def fill(self, value: Any) -> Any:
        """``value`` with every placeholder in its strings (keys included) replaced. Raises
        KeyError for a placeholder with no value yet."""
        if isinstance(value, str):
            return _PLACEHOLDER.sub(self._one, value)
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        if isinstance(value, dict):
            return {self.fill(k): self.fill(v) for k, v in value.items()}
        return value

    def _one(self, match: re.Match[str]) -> str:
        key, arg = match["key"], match["arg"]
        if key == "queue" and arg in self.queues:
            value = self.queues[arg]
        elif key == "created" and arg in self.created:
            value = self.created[arg]
        elif key == "filler" and arg and arg.isdigit():
            value = (_FILLER * (int(arg) // len(_FILLER) + 1))[: int(arg)]
        elif key in self.records and arg is None:
            value = self.records[key]
        else:
            raise KeyError(f"placeholder {match[0]} has no value here")
        return value[:15] if match["filter"] else value


def start(
    records: Mapping[RecordKey, Mapping[str, Any]],
    tag: str,
    create: Callable[[str, dict[str, Any]], str],
    starting: Sequence[StartingRecord],
    queues: Mapping[str, str],
) -> Placeholders:
    """Create the ``starting`` records (the CRM's: SimulatedCrm.starting_records), each with
    the fields a scenario gives it in ``records`` (Scenario.records) over its defaults, with
    ``create(object, fields) -> id``, in order, and return their placeholders (``queues``
    fill ``{queue:Name}``). ``tag`` is unique to this run of the scenario: it makes the
    external ids unique in a CRM that outlives one scenario (the sandbox of a whole suite)."""
    values = Placeholders(
        {"tag": tag, "account_ext": f"ACC-{tag}", "contact_ext": f"CON-{tag}"}, queues
    )
    own = {str(key): fields for key, fields in records.items()}
    for record in starting:
        fields = values.fill({**record.fields, **own.get(record.key, {})})
        values.records[record.key] = create(record.sobject, fields)
    return values
