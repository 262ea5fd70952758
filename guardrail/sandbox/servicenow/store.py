"""The sandbox instance's records in memory, saved as the Table API saves them.

Values are text. A field the table does not have is ignored, a text longer than its column is
cut to fit, a choice or reference value is stored as given (the platform checks neither: the
guardrail's describe-built schemas do), a journal field (``work_notes``, ``comments``) adds an
entry to ``sys_journal_field`` and reads back empty. Business rules run before each insert and
update; a parent incident's new state is carried to its child incidents, and a deleted
record's references are cleared. ``sys_dictionary``, ``sys_choice`` and ``sys_db_object`` are
tables built from the data model, read-only. Every record the API changes is logged in
``changes`` (the same ``Change`` the Salesforce sandbox logs), for the differential tests.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from guardrail.crm.servicenow_schema import as_text
from guardrail.sandbox.servicenow import seed
from guardrail.sandbox.servicenow.errors import InstanceError, acl, invalid_table, no_record
from guardrail.sandbox.servicenow.query import Query
from guardrail.sandbox.servicenow.rules import BusinessRule, run_before
from guardrail.sandbox.servicenow.tables import EXTENDS, TABLES, Column, Kind, Table
from guardrail.sandbox.store import Change

Row = dict[str, str]
#: The tables that describe the others (read-only through the API).
META_TABLES = ("sys_dictionary", "sys_choice", "sys_db_object")
#: A parent incident's states its children follow, and what else they take from it ("The state
#: of a child incident follows the state of its parent incident": In Progress, and Resolved
#: with its resolution notes; On Hold only for some hold reasons, which the sandbox does not
#: model; Closed and Canceled are not carried).
CARRIED_STATES: dict[str, tuple[str, ...]] = {"2": (), "6": ("close_code", "close_notes")}


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


class InstanceStore:
    """Records by table and ``sys_id``; ``changes`` lists what the API changed since the last
    ``reset()`` or ``changes.clear()``."""

    def __init__(self, *, seed_customers: bool = True, rules: tuple[BusinessRule, ...] = ()):
        self.rules = rules
        self._seed_customers = seed_customers
        self.rows: dict[str, dict[str, Row]] = {}
        self.journal: list[Row] = []
        self.changes: list[Change] = []
        self._numbers: dict[str, int] = {}
        self.reset()

    def reset(self) -> None:
        #: The data model in force: the instance's (tables.py), unless an admin changed a
        #: choice list since (``set_choices``).
        self.tables: dict[str, Table] = dict(TABLES)
        #: Child table -> the table it extends, in force (``add_table`` adds to it).
        self.extends: dict[str, str] = dict(EXTENDS)
        self.rows = {name: {} for name in TABLES}
        self.journal = []
        self._numbers = {name: table.first_number for name, table in TABLES.items()}
        loads = [seed.ALWAYS, seed.CUSTOMERS] if self._seed_customers else [seed.ALWAYS]
        for load in loads:
            for table, rows in load.items():
                for values in rows:
                    self.insert(table, values, user="system")
        self.changes = []  # the seed is not a change the API made

    # -- reading ------------------------------------------------------------------------

    def table(self, name: str) -> Table:
        found = self.tables.get(name)
        if found is None:
            raise invalid_table(name)
        return found

    def get(self, table: str, sys_id: str) -> Row | None:
        holder = self.holder(table, sys_id)
        return self._rows(table).get(sys_id) if holder is None else self.rows[holder][sys_id]

    def holder(self, table: str, sys_id: str) -> str | None:
        """The table (``table``, or one extending it) whose record ``sys_id`` is: a child
        table's records are its parent's too (a contact is a user), or None."""
        return next((n for n in self.family(table) if sys_id in self.rows.get(n, {})), None)

    def base(self, table: str) -> str:
        """The table ``table`` extends at the top (itself when it extends none): a hierarchy's
        records are stored in its base table's (``task`` holds incidents and cases), whose
        unique key is the sys_id, so no two records of one hierarchy share one."""
        while table in self.extends:
            table = self.extends[table]
        return table

    def family(self, table: str) -> tuple[str, ...]:
        """``table`` and every table extending it, at any depth."""
        found = [table]
        for name in found:  # grows as each one's children are found
            found.extend(child for child, parent in self.extends.items() if parent == name)
        return tuple(found)

    def records(self, table: str) -> list[Row]:
        return list(self._rows(table).values())

    def select(self, table: str, query: Query) -> list[Row]:
        """The records of ``table`` and the tables extending it (a list of tasks holds the
        incidents and cases) that ``query`` matches, in its order."""
        rows = (r for name in self.family(table) for r in self._rows(name).values())
        return [dict(r) for r in query.sort(r for r in rows if query.matches(r))]

    def _rows(self, table: str) -> Mapping[str, Row]:
        if table in META_TABLES:
            return {r["sys_id"]: r for r in _meta_rows(self.tables, self.extends, table)}
        if table not in self.rows:
            raise invalid_table(table)
        return self.rows[table]

    def display(self, table: str, sys_id: str) -> str:
        """A record's display value ("" when there is no such record)."""
        row = self.rows.get(table, {}).get(sys_id)
        return row.get(self.tables[table].display, "") if row else ""

    def reference_table(self, column: Column, sys_id: str) -> str:
        """The table a reference value points into: a reference to a table may name a record
        of one extending it (a ``sys_user`` reference a customer contact, a ``task`` one an
        incident)."""
        target = column.reference or ""
        return self.holder(target, sys_id) or target

    def referenced(self, table: str, row: Mapping[str, str], name: str) -> tuple[str, Row] | None:
        """The table and record the reference field ``name`` of ``row`` names (what a
        dot-walk through it reads: ``caller_id.email``, ``super_class.name``), or None."""
        value = row.get(name, "")
        if table == "sys_db_object" and name == "super_class":
            found = self._rows(table).get(value)
            return None if found is None else (table, found)
        column = self.tables[table].columns.get(name) if table in self.tables else None
        if column is None or not column.reference or not value:
            return None
        target = self.reference_table(column, value)
        found = self.rows.get(target, {}).get(value)
        return None if found is None else (target, found)

    # -- writing ------------------------------------------------------------------------

    def insert(self, table: str, values: Mapping[str, Any], *, user: str) -> Row:
        spec = self._writable(table, "Insert")
        stamp = now_text()
        row: Row = {name: column.default for name, column in spec.columns.items()}
        given = values.get("sys_id")
        sys_id = given if isinstance(given, str) and _is_sys_id(given) else uuid.uuid4().hex
        if self.holder(self.base(table), sys_id) is not None:
            raise InstanceError(
                403, "Operation Failed", f"Unique Key violation detected by database ({sys_id})"
            )
        if spec.number_prefix:
            row["number"] = f"{spec.number_prefix}{self._numbers[table]:07d}"
        entries = self._assign(spec, row, values)
        row |= {
            "sys_id": sys_id,
            "sys_created_on": stamp,
            "sys_created_by": user,
            "sys_updated_on": stamp,
            "sys_updated_by": user,
            "sys_mod_count": "0",
            "sys_class_name": table,
        }
        run_before(self.rules, table, "insert", row)
        if spec.number_prefix:
            self._numbers[table] += 1
        self.rows[table][sys_id] = row
        self._journal(table, sys_id, entries, user, stamp)
        self.changes.append(Change(table, sys_id, "create"))
        return row

    def update(self, table: str, sys_id: str, values: Mapping[str, Any], *, user: str) -> Row:
        spec = self._writable(table, "Update")  # through a parent: its fields only
        holder = self.holder(table, sys_id)
        if holder is None:
            raise no_record()
        current, table = self.rows[holder][sys_id], holder
        target = as_text(values.get("sys_class_name", table))
        if target != table and target in self.rows:  # reclassified: it moves to that table
            moved = {n: current.get(n, c.default) for n, c in self.table(target).columns.items()}
            del self.rows[table][sys_id]
            self.rows[target][sys_id] = {**moved, "sys_class_name": target}
            self.changes.append(Change(table, sys_id, "delete"))
            return self.update(target, sys_id, values, user=user)
        row = dict(current)
        entries = self._assign(spec, row, values)
        stamp = now_text()
        row |= {
            "sys_updated_on": stamp,
            "sys_updated_by": user,
            "sys_mod_count": str(int(row["sys_mod_count"]) + 1),
        }
        run_before(self.rules, table, "update", row)
        self.rows[table][sys_id] = row
        self._journal(table, sys_id, entries, user, stamp)
        self.changes.append(Change(table, sys_id, "update"))
        if table == "incident" and row["state"] != current["state"]:
            self._carry_to_children(sys_id, row, user)
        return row

    def _carry_to_children(self, parent_id: str, parent: Row, user: str) -> None:
        """A parent incident's new state, carried to its child incidents (the platform's
        parent and child state sync): in progress, or resolved with the parent's resolution
        code and notes. A closed or canceled child is left alone, as is every child when the
        parent is closed or canceled."""
        copied = CARRIED_STATES.get(parent["state"])
        if copied is None:
            return
        for child_id, child in list(self.rows["incident"].items()):
            if child.get("parent_incident") != parent_id or child["state"] in ("7", "8"):
                continue
            if child["state"] != parent["state"]:
                values = {"state": parent["state"], **{f: parent[f] for f in copied}}
                self.update("incident", child_id, values, user=user)

    def delete(self, table: str, sys_id: str) -> None:
        self._writable(table, "Delete")
        holder = self.holder(table, sys_id)
        if holder is None:
            raise no_record()
        del self.rows[holder][sys_id]
        self.changes.append(Change(holder, sys_id, "delete"))
        self._clear_references(sys_id)

    def _clear_references(self, sys_id: str) -> None:
        """Clear every reference to a deleted record, as the platform's reference cascade rule
        does by default ("Clear or -- None --: deleting a record clears references"): a
        child incident's parent_incident, a child case's parent."""
        stamp = now_text()
        for name, rows in self.rows.items():
            named = [c.name for c in self.table(name).columns.values() if c.kind is Kind.REFERENCE]
            for row_id, row in rows.items():
                cleared = [column for column in named if row.get(column) == sys_id]
                if cleared:
                    row.update(dict.fromkeys(cleared, ""), sys_updated_on=stamp)
                    self.changes.append(Change(name, row_id, "update", cause=sys_id))

    def _writable(self, table: str, operation: str) -> Table:
        if table in META_TABLES:
            raise acl(operation)
        return self.table(table)

    @staticmethod
    def _assign(spec: Table, row: Row, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Set the fields the table has (the others are ignored, as the platform ignores
        them); returns the journal entries to add."""
        entries = []
        for name, value in values.items():
            column = spec.columns.get(name)
            if column is None or column.read_only:
                continue
            text = as_text(value)
            if column.kind is Kind.JOURNAL:
                if text:
                    entries.append((name, text[: column.max_length]))
                continue
            row[name] = text[: column.max_length]
        return entries

    def _journal(
        self, table: str, sys_id: str, entries: list[tuple[str, str]], user: str, stamp: str
    ) -> None:
        for element, value in entries:
            self.journal.append(
                {
                    "sys_id": uuid.uuid4().hex,
                    "name": table,
                    "element_id": sys_id,
                    "element": element,
                    "value": value,
                    "sys_created_on": stamp,
                    "sys_created_by": user,
                }
            )

    def add_table(self, spec: Table, extends: str | None = None) -> None:
        """Make a table, as an admin does (a ``sys_db_object`` record); one extending another
        takes its fields beside its own. ``reset`` removes it."""
        if extends is not None:
            spec = replace(spec, columns={**self.table(extends).columns, **spec.columns})
            self.extends[spec.name] = extends
        self.tables[spec.name] = spec
        self.rows[spec.name] = {}
        self._numbers[spec.name] = spec.first_number

    def add_field(self, table: str, column: Column) -> None:
        """Add a field to a table and every table extending it, as an admin adds one in
        ``sys_dictionary`` (a custom reference to ``task``, say); the records hold its default.
        ``reset`` removes it."""
        for name in self.family(table):
            spec = self.table(name)
            self.tables[name] = replace(spec, columns={**spec.columns, column.name: column})
            for row in self.rows[name].values():
                row.setdefault(column.name, column.default)

    def set_choices(self, table: str, element: str, choices: Mapping[str, str]) -> None:
        """Replace a choice list (value -> label), as an admin does in ``sys_choice``; the
        dictionary and every read follow at once. Raises InstanceError for an unknown field."""
        spec = self.table(table)
        column = spec.columns.get(element)
        if column is None or not column.choices:
            raise InstanceError(400, f"Invalid choice field {table}.{element}")
        columns = {**spec.columns, element: replace(column, choices=dict(choices))}
        self.tables[table] = replace(spec, columns=columns)

    def journal_entries(self, table: str, sys_id: str, element: str) -> list[Row]:
        """The journal entries of one field of one record, oldest first."""
        return [
            e
            for e in self.journal
            if (e["name"], e["element_id"], e["element"]) == (table, sys_id, element)
        ]

    def notes(self, table: str, sys_id: str, element: str) -> list[str]:
        """The text of each journal entry of one field of one record, oldest first."""
        return [e["value"] for e in self.journal_entries(table, sys_id, element)]


def _is_sys_id(value: str) -> bool:
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)


def _meta_rows(
    tables: Mapping[str, Table], extends: Mapping[str, str], table: str
) -> Iterator[Row]:
    for spec in tables.values():
        if table == "sys_db_object":
            parent = extends.get(spec.name)
            yield {
                "sys_id": seed.fixed_id(f"sys_db_object:{spec.name}"),
                "name": spec.name,
                "label": spec.label,
                "super_class": seed.fixed_id(f"sys_db_object:{parent}") if parent else "",
                "sys_class_name": "sys_db_object",
            }
        elif table == "sys_dictionary":
            for column in spec.columns.values():
                yield _dictionary_row(spec, column)
        else:
            for column in spec.columns.values():
                for n, (value, label) in enumerate(column.choices.items()):
                    yield {
                        "sys_id": seed.fixed_id(f"sys_choice:{spec.name}.{column.name}.{value}"),
                        "name": spec.name,
                        "element": column.name,
                        "value": value,
                        "label": label,
                        "sequence": str(n),
                        "inactive": "false",
                        "language": "en",
                        "sys_class_name": "sys_choice",
                    }


def _dictionary_row(spec: Table, column: Column) -> Row:
    return {
        "sys_id": seed.fixed_id(f"sys_dictionary:{spec.name}.{column.name}"),
        "name": spec.name,
        "element": column.name,
        "column_label": column.label,
        "internal_type": str(column.kind),
        "max_length": str(column.max_length),
        "reference": column.reference or "",
        "choice": "1" if column.choices else "0",
        "mandatory": "true" if column.mandatory else "false",
        "read_only": "true" if column.read_only else "false",
        "default_value": column.default,
        "active": "true",
        "sys_class_name": "sys_dictionary",
    }


META_FIELDS: dict[str, tuple[str, ...]] = {
    "sys_db_object": ("sys_id", "name", "label", "super_class", "sys_class_name"),
    "sys_dictionary": tuple(_dictionary_row(next(iter(TABLES.values())), Column("x", "x"))),
    "sys_choice": (
        "sys_id",
        "name",
        "element",
        "value",
        "label",
        "sequence",
        "inactive",
        "language",
        "sys_class_name",
    ),
}
