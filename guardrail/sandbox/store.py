"""The sandbox org's records in memory, saved with Salesforce's semantics.

Every write goes through here: validation, defaults, auto-numbers, audit fields, triggers,
formulas, cascades on delete. Deleted rows stay as tombstones (``IsDeleted``) so a later read
says ``ENTITY_IS_DELETED`` as Salesforce does. Writes made inside ``transaction()`` can be
rolled back, which is how allOrNone works for collections and composite requests.

The store is not thread-safe and needs no locks: the aiohttp server runs it on one event loop
and no write path awaits.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from guardrail.crm import sfid
from guardrail.sandbox import model_changes
from guardrail.sandbox import seed as seed_data
from guardrail.sandbox.errors import (
    ApiError,
    MultipleMatches,
    entity_deleted,
    missing_argument,
    not_found,
    wrong_operation,
)
from guardrail.sandbox.model_changes import FieldChange, ModelChangeError, NewField
from guardrail.sandbox.org import SCHEMA
from guardrail.sandbox.schema import Field, FieldType, SObjectType
from guardrail.sandbox.traffic import RequestCounter
from guardrail.sandbox.triggers import Operation, Trigger
from guardrail.sandbox.validation import RowState, check_write
from guardrail.sandbox.values import format_datetime, same_value

_FIRST_AUTO_NUMBER = 1001
_ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

Row = dict[str, Any]
Precondition = Callable[[Row], None]
_Undo = tuple[str, str, Row | None]


@dataclass(frozen=True, slots=True)
class Change:
    """One record an API call changed: ``kind`` is create, update or delete; ``cause`` is the
    record whose write cascaded to this one (a deleted Case's comments), None for the record
    the call wrote itself. The differential tests hold every change against the writes the
    proxy allowed."""

    sobject: str
    record_id: str
    kind: str
    cause: str | None = None


class Transaction:
    """A savepoint: ``rollback()`` undoes every write made since it was opened."""

    def __init__(self, store: SandboxStore, mark: int) -> None:
        self._store = store
        self._mark = mark

    def rollback(self) -> None:
        self._store._rollback_to(self._mark)


class SandboxStore:
    """In-memory records of the sandbox org, and the count of API requests that reached it
    (``requests``; the HTTP server counts, ``reset()`` leaves the count alone)."""

    def __init__(self, *, seed: bool = True, triggers: Sequence[Trigger] = ()) -> None:
        #: The data model in force: the org's (guardrail.sandbox.org), unless an admin
        #: endpoint changed it since the last reset().
        self.schema = SCHEMA
        self.triggers: tuple[Trigger, ...] = tuple(triggers)
        self.requests = RequestCounter()
        self._seed = seed
        # Never reset, so no id is handed out twice in a process, even across reset().
        self._serial = itertools.count(1)
        self._rows: dict[str, dict[str, Row]] = {}
        self._auto_numbers: dict[str, int] = {}
        self._undo: list[_Undo] | None = None
        #: Every record the API changed since the last reset() or clear_changes(), in order;
        #: a rolled-back write leaves none.
        self.changes: list[Change] = []
        #: Bulk API 2.0 ingest jobs by id (guardrail.sandbox.bulk owns what they hold).
        self.bulk_jobs: dict[str, Any] = {}
        self.reset()

    def clear_changes(self) -> None:
        self.changes.clear()

    # -- reading ---------------------------------------------------------------------------

    def get(self, sobject: str, record_id: str) -> Row | None:
        """A live record by 15 or 18 character id, or None (unknown, missing or deleted)."""
        stype = self.schema.get(sobject)
        row = self._rows[stype.name].get(record_id[:15]) if stype else None
        return dict(row) if row and not row["IsDeleted"] else None

    def records(self, sobject: str) -> list[Row]:
        """Every live record of an object, oldest first."""
        return [dict(r) for r in self._table(sobject).values() if not r["IsDeleted"]]

    def count(self, sobject: str) -> int:
        return sum(not r["IsDeleted"] for r in self._table(sobject).values())

    def fetch(self, sobject: str, record_id: str) -> Row:
        """A live record, or the 404 Salesforce gives (``NOT_FOUND``, ``ENTITY_IS_DELETED``)."""
        return dict(self._live(self.sobject(sobject), record_id))

    def sobject(self, name: str) -> SObjectType:
        """The object called ``name`` (any case), or ``NOT_FOUND``."""
        stype = self.schema.get(name)
        if stype is None:
            raise not_found()
        return stype

    def id_lookup_field(self, stype: SObjectType, name: str) -> Field:
        """A field records can be found and upserted by (``Id``, an external id...)."""
        field = stype.field(name)
        if field is None or not field.id_lookup:
            raise not_found(
                f"Provided external ID field does not exist or is not accessible: {name}"
            )
        return field

    def matching(self, sobject: str, field: Field, value: Any) -> list[str]:
        return [
            row["Id"]
            for row in self._table(sobject).values()
            if not row["IsDeleted"] and same_value(field, row[field.name], value)
        ]

    def reference_state(self, record_id: str) -> tuple[str | None, RowState]:
        stype = self.schema.for_id(record_id)
        if stype is None:
            return None, RowState.MISSING
        row = self._rows[stype.name].get(record_id[:15])
        if row is None:
            return stype.name, RowState.MISSING
        return stype.name, RowState.DELETED if row["IsDeleted"] else RowState.LIVE

    # -- writing ---------------------------------------------------------------------------

    def create(self, sobject: str, values: Mapping[str, Any]) -> str:
        """Save a new record from decoded values; returns its 18-character id."""
        stype = self.sobject(sobject)
        if not stype.createable:
            raise wrong_operation(stype.name, "inserted")
        return self._insert(stype, values, self._new_id(stype), _now(), run_triggers=True)

    def update(
        self,
        sobject: str,
        record_id: str,
        values: Mapping[str, Any],
        *,
        precondition: Precondition | None = None,
    ) -> None:
        """Save ``values`` over a live record. ``precondition`` sees the record first and
        may raise to refuse the write (a conditional request's 412), before validation."""
        stype = self.sobject(sobject)
        if not stype.updateable:
            raise wrong_operation(stype.name, "updated")
        current = self._live(stype, record_id)
        if precondition is not None:
            precondition(dict(current))
        clean = self._contact_account(stype, check_write(stype, values, self, current["Id"]))
        now = format_datetime(_now())
        row = {**current, **clean, **self._modified(now)}
        self._save(stype, row, "update")

    def upsert(
        self, sobject: str, field_name: str, value: Any, values: Mapping[str, Any]
    ) -> tuple[str, bool]:
        """Update the record whose ``field_name`` is ``value``, or create it; (id, created).

        ``field_name`` must be an id-lookup field (``Id``, an external id, or e.g. Email on
        Contact); several matches raise ``MultipleMatches``, Salesforce's HTTP 300.
        """
        stype = self.sobject(sobject)
        field = self.id_lookup_field(stype, field_name)
        if field.name in values and not same_value(field, values[field.name], value):
            raise ApiError(
                400,
                "INVALID_FIELD",
                f"{field.name} in the request body does not match its value in the URL",
                [field.name],
            )
        rest = {k: v for k, v in values.items() if k != field.name}
        if field.name == "Id":
            if value is None:
                return self.create(stype.name, rest), True
            self.update(stype.name, value, rest)
            return sfid.to18(value), False
        if value is None:
            raise missing_argument(f"{field.name} not specified")
        ids = self.matching(stype.name, field, value)
        if len(ids) > 1:
            raise MultipleMatches(stype.name, field.name, ids)
        if ids:
            self.update(stype.name, ids[0], rest)
            return ids[0], False
        return self.create(stype.name, {**rest, field.name: value}), True

    def delete(
        self, sobject: str, record_id: str, *, precondition: Precondition | None = None
    ) -> None:
        """Delete a record, cascading to or clearing the records that point at it;
        ``precondition`` as for ``update``."""
        stype = self.sobject(sobject)
        if not stype.deletable:
            raise wrong_operation(stype.name, "deleted")
        current = self._live(stype, record_id)
        if precondition is not None:
            precondition(dict(current))
        self._delete_row(stype, current, format_datetime(_now()))

    def stamp(self, sobject: str, record_ids: Sequence[str], field_name: str) -> None:
        """Set a date Salesforce keeps of the running user's use of records (LastViewedDate,
        LastReferencedDate) to now, as a query FOR VIEW or FOR REFERENCE does: a change to
        each record, to that field alone."""
        stype = self.sobject(sobject)
        now = format_datetime(_now())
        for record_id in record_ids:
            self._put(stype.name, {**self._live(stype, record_id), field_name: now})

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A savepoint; an exception inside rolls back to it. Savepoints nest."""
        outermost = self._undo is None
        if self._undo is None:
            self._undo = []
        tx = Transaction(self, len(self._undo))
        try:
            yield tx
        except BaseException:
            tx.rollback()
            raise
        finally:
            if outermost:
                self._undo = None

    # -- the data model ----------------------------------------------------------------------

    def add_field(self, sobject: str, new: NewField) -> Field:
        """Add a field to an object (guardrail.sandbox.model_changes); raises ModelChangeError.

        Existing records get it empty, as Salesforce leaves them (a checkbox: its default).
        """
        self.schema = model_changes.add_field(self.schema, sobject, new)
        stype = self.sobject(sobject)
        field = stype.field(new.name)
        assert field is not None
        value = field.default if field.type is FieldType.BOOLEAN else None
        for row in self._rows[stype.name].values():
            row[field.name] = value
        return field

    def change_field(self, sobject: str, name: str, change: FieldChange) -> Field:
        """Change a field's attributes; saved values stay as they are, as on Salesforce."""
        self.schema = model_changes.change_field(self.schema, sobject, name, change)
        field = self.sobject(sobject).field(name)
        assert field is not None
        return field

    def remove_field(self, sobject: str, name: str) -> Field:
        """Remove a field and its values; a field a trigger reads or sets cannot go (409)."""
        stype = self.sobject(sobject)
        for trigger in self.triggers:
            uses = {trigger.field.lower(), *(k.lower() for k in trigger.when)}
            if trigger.object == stype.name and name.lower() in uses:
                raise ModelChangeError(
                    409, f"{stype.name}.{name} is used by a trigger; remove the trigger first"
                )
        self.schema, removed = model_changes.remove_field(self.schema, sobject, name)
        for row in self._rows[stype.name].values():
            row.pop(removed.name, None)
        return removed

    def reset(self) -> None:
        """Back to the original data model and the seed data (the directory, plus the sample
        customers if seeded)."""
        self.schema = SCHEMA
        self._rows = {o.name: {} for o in self.schema.objects}
        self._auto_numbers = {o.name: _FIRST_AUTO_NUMBER for o in self.schema.objects}
        self._undo = None
        at = datetime.fromisoformat(seed_data.SEED_TIMESTAMP)
        for record in (*seed_data.DIRECTORY, *(seed_data.CUSTOMERS if self._seed else ())):
            stype = self.sobject(record.sobject)
            self._insert(stype, record.values, record.id, at, run_triggers=False)
        self.changes = []  # the seed is not a change the API made

    # -- internals -------------------------------------------------------------------------

    def _table(self, sobject: str) -> dict[str, Row]:
        return self._rows[self.sobject(sobject).name]

    def _live(self, stype: SObjectType, record_id: str) -> Row:
        row = self._rows[stype.name].get(record_id[:15]) if sfid.is_id(record_id) else None
        if row is None:
            raise not_found()
        if row["IsDeleted"]:
            raise entity_deleted()
        return row

    def _insert(
        self,
        stype: SObjectType,
        values: Mapping[str, Any],
        record_id: str,
        at: datetime,
        *,
        run_triggers: bool,
    ) -> str:
        clean = self._contact_account(stype, check_write(stype, values, self))
        now = format_datetime(at)
        row: Row = {f.name: f.default for f in stype.fields}
        row.update(
            Id=record_id,
            IsDeleted=False,
            CreatedDate=now,
            CreatedById=seed_data.INTEGRATION_USER_ID,
            **self._modified(now),
        )
        if "OwnerId" in row:
            row["OwnerId"] = seed_data.INTEGRATION_USER_ID
        for f in stype.fields:
            if f.auto_number:
                row[f.name] = self._next_number(stype)
        row.update(clean)
        self._save(stype, row, "create" if run_triggers else None)
        return record_id

    def _contact_account(self, stype: SObjectType, clean: Row) -> Row:
        """``clean`` with the account Salesforce gives a case written with a contact and a
        blank account (a create, or an update setting the contact): the contact's own."""
        contact = clean.get("ContactId")
        if stype.name != "Case" or not contact or clean.get("AccountId") is not None:
            return clean
        row = self._rows["Contact"].get(str(contact)[:15])
        account = None if row is None or row["IsDeleted"] else row.get("AccountId")
        return {**clean, "AccountId": account} if account else clean

    def _save(self, stype: SObjectType, row: Row, operation: Operation | None) -> None:
        """Run triggers (if this write is the API's) and formulas, then store the row."""
        if operation is not None:
            for trigger in self.triggers:
                if trigger.applies(stype.name, operation, row):
                    trigger.apply(row)
        for f in stype.fields:
            if f.formula is not None:
                row[f.name] = f.formula(row)
        self._put(stype.name, row)

    def _delete_row(self, stype: SObjectType, row: Row, now: str, cause: str | None = None) -> None:
        self._put(stype.name, {**row, "IsDeleted": True, **self._modified(now)}, cause)
        root = cause or row["Id"]
        for child, ref in self.schema.children_of(stype.name):
            if ref.on_delete is None:
                continue
            for other in list(self._rows[child.name].values()):
                if other["IsDeleted"] or not same_value(ref, other[ref.name], row["Id"]):
                    continue
                if ref.on_delete == "cascade":
                    self._delete_row(child, other, now, root)
                else:
                    cleared = {**other, ref.name: None, "SystemModstamp": now}
                    self._put(child.name, cleared, root)

    def _put(self, sobject: str, row: Row, cause: str | None = None) -> None:
        table = self._rows[sobject]
        key = row["Id"][:15]
        before = table.get(key)
        if self._undo is not None:
            self._undo.append((sobject, key, before))
        table[key] = row
        kind = "create" if before is None else "delete" if row["IsDeleted"] else "update"
        self.changes.append(Change(sobject, row["Id"], kind, cause))

    def _rollback_to(self, mark: int) -> None:
        assert self._undo is not None, "rollback outside a transaction"
        while len(self._undo) > mark:
            self.changes.pop()  # each undo entry is one change (_put)
            sobject, key, before = self._undo.pop()
            if before is None:
                del self._rows[sobject][key]
            else:
                self._rows[sobject][key] = before

    def _new_id(self, stype: SObjectType) -> str:
        """Key prefix, a sandbox pod marker, a base-62 serial, and the checksum."""
        serial, digits = next(self._serial), ""
        while serial:
            serial, digit = divmod(serial, 62)
            digits = _ID_ALPHABET[digit] + digits
        return sfid.to18(f"{stype.key_prefix}SB0{digits:0>9}")

    def _next_number(self, stype: SObjectType) -> str:
        number = self._auto_numbers[stype.name]
        self._auto_numbers[stype.name] = number + 1
        assert stype.auto_number_format is not None, f"{stype.name} has no auto-number format"
        return stype.auto_number_format.format(number)

    @staticmethod
    def _modified(now: str) -> Row:
        return {
            "LastModifiedDate": now,
            "LastModifiedById": seed_data.INTEGRATION_USER_ID,
            "SystemModstamp": now,
        }


def _now() -> datetime:
    return datetime.now(UTC)
