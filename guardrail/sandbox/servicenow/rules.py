"""Business rules: what the instance does to a record as it saves it.

Two run always, as on the platform: a person's ``name`` is their first and last name, and an
incident's ``priority`` is computed from its impact and urgency (a write that sets
``priority`` itself is overridden: what read-back verification exists to catch). Others are
configured (``BusinessRule``, from ``business_rules`` in a YAML or JSON document): before an
insert or update of a table, when every ``condition`` field holds its value, ``set`` fields,
or ``abort`` the write with a message (403 "Operation Failed", as the platform answers).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from guardrail.sandbox.servicenow.errors import aborted
from guardrail.sandbox.servicenow.tables import TABLES

Row = dict[str, str]
OPERATIONS = frozenset({"insert", "update"})

#: Incident priority by (impact, urgency): the platform's priority lookup.
_PRIORITY = {
    ("1", "1"): "1",
    ("1", "2"): "2",
    ("2", "1"): "2",
    ("1", "3"): "3",
    ("2", "2"): "3",
    ("3", "1"): "3",
    ("2", "3"): "4",
    ("3", "2"): "4",
    ("3", "3"): "5",
}


class RuleError(ValueError):
    """A business rule document that cannot be used, saying why."""


@dataclass(frozen=True, slots=True)
class BusinessRule:
    name: str
    table: str
    operations: frozenset[str] = OPERATIONS
    condition: Mapping[str, str] = field(default_factory=dict)
    set: Mapping[str, str] = field(default_factory=dict)
    abort: str | None = None

    def applies(self, table: str, operation: str, row: Mapping[str, str]) -> bool:
        return (
            table == self.table
            and operation in self.operations
            and all(row.get(k, "") == v for k, v in self.condition.items())
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "table": self.table,
            "operations": sorted(self.operations),
            "condition": dict(self.condition),
            "set": dict(self.set),
            "abort": self.abort,
        }


def run_before(rules: tuple[BusinessRule, ...], table: str, operation: str, row: Row) -> None:
    """Apply the built-in and configured rules to ``row`` (changed in place); raises
    InstanceError when one aborts the write."""
    if table in ("sys_user", "customer_contact"):
        row["name"] = " ".join(p for p in (row.get("first_name"), row.get("last_name")) if p)
    if table == "incident":
        row["priority"] = _PRIORITY.get((row.get("impact", "3"), row.get("urgency", "3")), "5")
    for rule in rules:
        if rule.applies(table, operation, row):
            if rule.abort is not None:
                raise aborted(table, rule.name, rule.abort)
            row.update(rule.set)


def read_rules(document: Any) -> tuple[BusinessRule, ...]:
    """Rules from ``{"business_rules": [...]}``; raises RuleError."""
    if not isinstance(document, dict) or not isinstance(document.get("business_rules"), list):
        raise RuleError("a business rule document is {business_rules: [...]}")
    found = []
    for n, item in enumerate(document["business_rules"]):
        where = f"business_rules[{n}]"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise RuleError(f"{where} needs a name")
        if item.get("table") not in TABLES:
            raise RuleError(f"{where}.table must be one of {sorted(TABLES)}")
        operations = frozenset(item.get("operations", sorted(OPERATIONS)))
        if not operations or not operations <= OPERATIONS:
            raise RuleError(f"{where}.operations must be insert and/or update")
        condition, values = item.get("condition", {}), item.get("set", {})
        for name, given in (("condition", condition), ("set", values)):
            if not isinstance(given, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in given.items()
            ):
                raise RuleError(f"{where}.{name} must map field names to text")
        abort = item.get("abort")
        if abort is not None and not isinstance(abort, str):
            raise RuleError(f"{where}.abort must be a message")
        found.append(
            BusinessRule(item["name"], item["table"], operations, condition, values, abort)
        )
    return tuple(found)


def load_rules(path: Path) -> tuple[BusinessRule, ...]:
    try:
        return read_rules(yaml.safe_load(path.read_text()))
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError(f"{path}: {exc}") from None
