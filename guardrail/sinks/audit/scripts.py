"""The audit log's write transactions, written once as scripts both backends drive.

A script is a generator: it yields the statements to run (``Fetch`` for rows back, ``Execute``
for none) and receives each one's rows, so the same steps run in SQLite's thread (synchronous)
and over asyncpg (asynchronous). The backend opens the transaction and takes the chain's write
lock before driving a script, and commits after it returns: everything a script reads (the
head, the prune bounds) is still true when what it writes is committed.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from guardrail.context.snapshot import Part
from guardrail.sinks.audit import sql
from guardrail.sinks.audit.chain import EMPTY, Head, Row, link
from guardrail.sinks.audit.record import (
    Entry,
    Pending,
    format_time,
    made,
    prune_entry,
)
from guardrail.sinks.audit.store import Migration, pending

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Fetch:
    sql: str
    values: Sequence[Any] = ()


@dataclass(frozen=True, slots=True)
class Execute:
    """One statement, once per row of ``rows`` (``None``: once, without parameters)."""

    sql: str
    rows: Sequence[Sequence[Any]] | None = None


Script = Generator[Fetch | Execute, list[tuple[Any, ...]], T]
#: A record's time (its text, as ``record.now`` writes it) as a store's ``at`` column takes it.
When = Callable[[str], Any]


def commit(
    pending: Sequence[Pending], unknown: Callable[[Sequence[Entry]], list[Part]], when: When
) -> Script[tuple[list[Row], list[Part]]]:
    """Make the records of ``pending`` and append them with the context parts ``unknown``
    says are not stored yet; returns the rows and those parts. The records are made before the
    first statement, so where the backend drives scripts beside the event loop (SQLite's writer
    thread) that is where masking, encoding and hashing run, before the write lock is taken."""
    entries = made(pending)
    parts = unknown(entries)
    rows = yield from append(entries, when, parts)
    return rows, parts


def append(entries: Sequence[Entry], when: When, parts: Sequence[Part] = ()) -> Script[list[Row]]:
    """Chain ``entries`` after the head and insert them with their search terms, and the
    context ``parts`` they name (each kept once: one already stored is left as it is)."""
    if parts:
        yield Execute(sql.INSERT_CONTEXT, [(p.hash, p.body.decode()) for p in parts])
    found = yield Fetch(sql.HEAD)
    head = Head(int(found[0][0]), str(found[0][1])) if found else EMPTY
    rows = link(head, entries)
    yield Execute(sql.INSERT, [_values(row, when) for row in rows])
    terms = [(term, row.seq) for row in rows for term in row.entry.terms]
    if terms:
        yield Execute(sql.INSERT_TERM, terms)
    return rows


def _values(row: Row, when: When) -> tuple[Any, ...]:
    e = row.entry
    return (
        row.seq,
        e.kind.value,
        when(e.at),
        e.decision_id,
        e.verdict,
        e.conversation,
        e.agent,
        e.prune_through,
        e.body.decode(),
        row.prev_hash,
        row.hash,
    )


def prune(before: datetime, at: str, limit: int, when: When) -> Script[Row]:
    """Remove the oldest records, up to ``limit`` of them, all older than ``before`` (a prefix
    of the chain: it ends before the first record at or after ``before``), after appending the
    prune record that covers them. The triggers refuse to delete any record no prune record
    covers, and the prune record names the hash the first remaining record links to, so
    ``verify`` can start there."""
    found = yield Fetch(sql.HEAD)
    head = Head(int(found[0][0]), str(found[0][1])) if found else EMPTY
    first_kept = (yield Fetch(sql.FIRST_FROM, [before]))[0][0]
    through = head.seq if first_kept is None else int(first_kept) - 1
    first = (yield Fetch(sql.FIRST))[0][0]
    if first is not None:
        through = min(through, int(first) + limit - 1)
    if through >= head.seq:
        anchor = head.hash
    else:
        anchor = str((yield Fetch(sql.SURVIVOR_PREV, [through]))[0][0])
    deleted = int((yield Fetch(sql.COUNT_THROUGH, [through]))[0][0])
    entry = prune_entry(format_time(before), through, anchor, deleted, at)
    rows = yield from append([entry], when)
    if deleted:
        yield Execute(sql.DELETE_TERMS, [(through,)])
        yield Execute(sql.DELETE_RECORDS, [(through,)])
    return rows[0]


def migrate(migrations: Sequence[Migration]) -> Script[int]:
    """Bring the schema to the latest version; returns how many migrations ran."""
    yield Execute(sql.SCHEMA_TABLE)
    current = (yield Fetch(sql.SCHEMA_VERSION))[0][0] or 0
    todo = pending(migrations, int(current))
    for migration in todo:
        for statement in migration.statements:
            yield Execute(statement)
        yield Execute(sql.RECORD_VERSION, [(migration.version, format_time(datetime.now(UTC)))])
    return len(todo)


def fetch(statement: str, values: Sequence[Any]) -> Script[list[tuple[Any, ...]]]:
    """One statement that writes and returns rows (``UPDATE ... RETURNING``)."""
    return (yield Fetch(statement, values))


def add_hold(
    values: Sequence[Any], decision_id: str, repeat_key: str | None
) -> Script[tuple[Any, ...]]:
    """Keep a hold, unless one with its ``repeat_key`` stands (the unique index refuses the
    insert); returns the hold that stands for the write, this one or that."""
    yield Execute(sql.INSERT_HOLD, [values])
    if repeat_key is None:
        return (yield Fetch(sql.GET_HOLD, [decision_id]))[0]
    return (yield Fetch(sql.STANDING_HOLD, [repeat_key]))[0]
