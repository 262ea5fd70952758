"""The SQLite audit store: the default, embedded, no setup.

The standard library's sqlite3 is blocking, so the store keeps two dedicated threads
(``thread.Worker``), each with its own connection: one writes (every commit, in order, so a batch
never waits on a reader; it is also the group commit: appends that queue while it commits share
the next commit, and their records are made, encoded and chained there, off the event loop) and
one reads (the API, exports), which WAL lets run beside the writer. Durability is the DSN's
``?synchronous=``: ``normal`` (the default) returns a commit once it is in the WAL, which
survives the proxy being killed (the kill -9 test) but not the machine losing power, and costs
no fsync per commit; ``full`` waits for the disk, for power-loss durability at ~1 ms a commit.
Several processes may share one file (replicas on one host, the CLI): BEGIN IMMEDIATE takes
SQLite's write lock before the head is read, so the chain stays one chain.

Checkpoints (copying the WAL into the database file, with an fsync) run on a third thread, not
in a commit: SQLite's automatic checkpoint runs inside the COMMIT that fills the WAL past 1,000
pages, so one write in every hundred or so waited for a disk flush (a 1-record commit took
~610 us of wall time where its CPU was ~340; ~340 without). The writer's connection checkpoints
nothing itself; every ``CHECKPOINT_RECORDS`` records it asks the checkpointer for a PASSIVE
checkpoint, which takes no lock a commit waits on. A commit is in the WAL either way, so what
survives a kill is the same.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import structlog

from guardrail.errors import AuditUnavailable
from guardrail.sinks.audit import scripts, sql
from guardrail.sinks.audit.base import SQLStorage
from guardrail.sinks.audit.chain import Row
from guardrail.sinks.audit.record import Pending, format_time
from guardrail.sinks.audit.scripts import Execute, Fetch, Script
from guardrail.sinks.audit.store import (
    FEWER_INDEXES,
    HOLD_STATES,
    REPEAT_KEYS,
    Committer,
    Migration,
    Ran,
)
from guardrail.sinks.audit.thread import Batch, Worker

T = TypeVar("T")
log = structlog.get_logger("guardrail.audit")

#: Records appended between two checkpoints: a decision writes a few pages, so about SQLite's
#: own cadence (1,000 pages), whatever the commits' size.
CHECKPOINT_RECORDS = 256
_APPEND_ONLY = "audit records are append-only: {what} refused"
# A record may be deleted only once a prune record covers it (prune_through >= its seq).
_UNCOVERED = (
    "NOT EXISTS (SELECT 1 FROM audit_log p WHERE p.prune_through IS NOT NULL "
    "AND p.prune_through >= OLD.seq)"
)
MIGRATIONS = (
    Migration(
        1,
        (
            """CREATE TABLE audit_log (
                seq INTEGER PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('decision', 'review', 'prune')),
                at TEXT NOT NULL,
                decision_id TEXT,
                verdict TEXT,
                conversation TEXT,
                agent TEXT,
                prune_through INTEGER,
                body TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            )""",
            "CREATE TABLE audit_terms (term TEXT NOT NULL, seq INTEGER NOT NULL, "
            "PRIMARY KEY (term, seq)) WITHOUT ROWID",
            "CREATE INDEX audit_terms_seq ON audit_terms (seq)",
            "CREATE INDEX audit_log_decision ON audit_log (decision_id, seq)",
            "CREATE INDEX audit_log_conversation ON audit_log (conversation, seq)",
            "CREATE INDEX audit_log_agent ON audit_log (agent, seq)",
            "CREATE INDEX audit_log_verdict ON audit_log (verdict, seq)",
            "CREATE INDEX audit_log_at ON audit_log (at)",
            "CREATE INDEX audit_log_prunes ON audit_log (prune_through) "
            "WHERE prune_through IS NOT NULL",
            *(
                f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
                BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY.format(what="UPDATE")}'); END"""
                for table in ("audit_log", "audit_terms")
            ),
            *(
                f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} WHEN {_UNCOVERED}
                BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY.format(what="DELETE")}'); END"""
                for table in ("audit_log", "audit_terms")
            ),
            *(
                f"""CREATE TRIGGER audit_schema_no_{what.lower()} BEFORE {what} ON audit_schema
                BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY.format(what=what)}'); END"""
                for what in ("UPDATE", "DELETE")
            ),
        ),
    ),
    # Held writes (guardrail.holds): a state machine, not a record; each transition is
    # audited as a decision record of its own.
    Migration(
        2,
        (
            f"""CREATE TABLE audit_holds (
                decision_id TEXT PRIMARY KEY,
                state TEXT NOT NULL CHECK (state IN ({HOLD_STATES})),
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                conversation TEXT,
                agent TEXT,
                policy TEXT NOT NULL,
                rule TEXT NOT NULL,
                request TEXT,
                body BLOB,
                execution_id TEXT NOT NULL,
                claim TEXT,
                claimed_at TEXT,
                reviewer TEXT,
                comment TEXT,
                outcome TEXT
            )""",
            "CREATE INDEX audit_holds_state ON audit_holds (state, expires_at)",
        ),
    ),
    Migration(
        3,
        (
            # Context parts (guardrail.context.snapshot), named by the SHA-256 of their body.
            "CREATE TABLE audit_contexts (hash TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID",
            *(
                f"""CREATE TRIGGER audit_contexts_no_{what.lower()} BEFORE {what}
                ON audit_contexts
                BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY.format(what=what)}'); END"""
                for what in ("UPDATE", "DELETE")
            ),
        ),
    ),
    Migration(4, REPEAT_KEYS),
    Migration(5, FEWER_INDEXES),
)


class SQLiteStorage(SQLStorage):
    name = "sqlite"
    migrations = MIGRATIONS

    def __init__(self, path: Path, *, timeout: float, synchronous: str = "NORMAL") -> None:
        if synchronous.upper() not in ("NORMAL", "FULL"):
            raise ValueError(f"synchronous must be normal or full, not {synchronous!r}")
        super().__init__()
        self._synchronous = synchronous.upper()
        self.path = path
        self.where = str(path)
        self._timeout = timeout
        self._writer: Worker | None = None
        self._reader: Worker | None = None
        self._checkpointer: Worker | None = None
        # Each connection is touched only by its own thread.
        self._write_conn: sqlite3.Connection | None = None
        self._read_conn: sqlite3.Connection | None = None
        self._checkpoint_conn: sqlite3.Connection | None = None
        self._appended = 0  # records committed since the last checkpoint was asked for
        self._checkpointing = False  # one asked for and not done yet

    async def open(self, *, migrate: bool = True) -> None:
        if not migrate and not self.path.is_file():
            raise AuditUnavailable(f"there is no audit log at {self.path}")
        if self._writer is None:
            # The writer makes the records it commits, and those to come while it waits.
            self._writer = self._maker = Worker("guardrail-audit-write", idle=self._ahead.work)
            self._reader = Worker("guardrail-audit-read")
            self._checkpointer = Worker("guardrail-audit-checkpoint")
        if self._write_conn is None:
            await self._in(self._writer, lambda: self._connect_writer(migrate))
        if self._read_conn is None:
            await self._in(self._reader, self._connect_reader)
        if self._checkpoint_conn is None:
            await self._in(self._checkpointer, self._connect_checkpointer)
        if not migrate:
            await self._check_version()

    def when(self, at: str) -> Any:
        """The record's time as it is written (``record.format_time``'s fixed-width UTC text):
        the column's own form, so it is not parsed and written again for every record."""
        return at

    def _connect(self, create: bool) -> sqlite3.Connection:
        mode = "rwc" if create else "rw"  # without create: a missing file is an error, not a log
        uri = f"file:{quote(str(self.path))}?mode={mode}"
        conn = sqlite3.connect(uri, uri=True, timeout=self._timeout, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
            if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
                raise sqlite3.OperationalError(f"{self.path}: WAL journal mode is not available")
            conn.execute(f"PRAGMA synchronous = {self._synchronous}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _connect_writer(self, migrate: bool) -> None:
        conn = self._connect(create=migrate)
        conn.execute("PRAGMA wal_autocheckpoint = 0")  # the checkpointer's (module docstring)
        if migrate:
            try:
                _drive(conn, scripts.migrate(self.migrations))
            except BaseException:
                conn.close()
                raise
        self._write_conn = conn

    def _connect_reader(self) -> None:
        conn = self._connect(create=False)
        conn.execute("PRAGMA query_only = ON")
        self._read_conn = conn

    def _connect_checkpointer(self) -> None:
        self._checkpoint_conn = self._connect(create=False)

    def _checkpoint(self) -> None:
        """On the checkpointer's thread: the WAL into the database file, as far as readers
        allow; a failed one is retried with the next ``CHECKPOINT_RECORDS`` records."""
        try:
            if self._checkpoint_conn is not None:
                self._checkpoint_conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as exc:
            log.warning("audit_checkpoint_failed", store=self.where, error=str(exc))
        finally:
            self._checkpointing = False

    def _appended_records(self, count: int) -> None:
        """On the writer's thread, after a commit: ask for a checkpoint when one is due."""
        self._appended += count
        checkpointer = self._checkpointer
        if self._appended >= CHECKPOINT_RECORDS and not self._checkpointing and checkpointer:
            self._appended, self._checkpointing = 0, True
            checkpointer.post(self._checkpoint)

    async def close(self) -> None:
        workers = (
            (self._checkpointer, "_checkpoint_conn"),
            (self._writer, "_write_conn"),
            (self._reader, "_read_conn"),
        )
        for worker, attr in workers:
            if worker is None:
                continue
            conn = getattr(self, attr)
            if conn is not None:
                await worker.call(conn.close)
                setattr(self, attr, None)
            await worker.stop()
        self._writer = self._reader = self._checkpointer = self._maker = None

    async def probe(self) -> None:
        """BEGIN IMMEDIATE and roll back: proves the file is writable and the lock obtainable."""

        def probe() -> None:
            conn = self._writer_conn()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")

        await self._in(self._writer, probe)

    def committer(self, ran: Ran, most: int) -> Committer:
        """Group commit on the writer thread: appends that queue while it commits share the
        next commit, and their records are made, chained and committed there."""
        return _Appends(self, Batch(self._commit_now, ran, most))

    async def commit(self, pending: Sequence[Pending]) -> list[Row]:
        return await self._in(self._writer, lambda: self._commit_now(pending))

    def _commit_now(self, pending: Sequence[Pending]) -> list[Row]:
        """On the writer thread: make the records of ``pending`` and commit them."""
        entries = self._ahead.made(pending)
        try:
            script = scripts.commit(entries, self._stored.unknown, self.when)
            rows, parts = _drive(self._writer_conn(), script)
        except sqlite3.Error as exc:
            raise self._failed(exc) from exc
        self._stored.add(parts)  # only once committed: a rolled-back part is sent again
        self._appended_records(len(rows))
        return rows

    async def _fetch(self, statement: str, values: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        def fetch() -> list[tuple[Any, ...]]:
            if self._read_conn is None:
                raise sqlite3.OperationalError("the audit log is not open")
            return self._read_conn.execute(statement, _params(values)).fetchall()

        return await self._in(self._reader, fetch)

    async def _run(self, script: Script[T]) -> T:
        return await self._in(self._writer, lambda: _drive(self._writer_conn(), script))

    def _writer_conn(self) -> sqlite3.Connection:
        if self._write_conn is None:
            raise sqlite3.OperationalError("the audit log is not open")
        return self._write_conn

    async def _in(self, worker: Worker | None, fn: Callable[[], T]) -> T:
        if worker is None:
            raise AuditUnavailable(f"the audit log at {self.where} is not open")
        try:
            return await worker.call(fn)
        except sqlite3.Error as exc:
            raise self._failed(exc) from exc

    def _failed(self, exc: sqlite3.Error) -> AuditUnavailable:
        return AuditUnavailable(f"the audit log at {self.where} failed: {exc}")


class _Appends:
    """The writer thread's group commit (``Worker.batched``), as the audit log submits to it."""

    def __init__(self, storage: SQLiteStorage, batch: Batch[Pending, Row]) -> None:
        self._storage = storage
        self._batch = batch

    @property
    def commits(self) -> int:
        return self._batch.runs

    def hand(self, pending: Pending) -> asyncio.Future[Row]:
        writer = self._storage._writer
        if writer is None:
            raise AuditUnavailable(f"the audit log at {self._storage.where} is not open")
        return writer.batched(self._batch, pending)

    async def drain(self) -> None:
        writer = self._storage._writer
        if writer is not None:  # what was queued before this call is committed before it runs
            await writer.call(_nothing)


def _nothing() -> None:
    return None


def _drive(conn: sqlite3.Connection, script: Script[T]) -> T:
    """Run ``script`` in one IMMEDIATE transaction: the write lock is taken before it reads
    (and after what it does before its first statement, such as making the records)."""
    try:
        step = next(script)
    except StopIteration as done:
        value: T = done.value
        return value
    conn.execute("BEGIN IMMEDIATE")
    try:
        value = _steps(conn, script, step)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return value


def _steps(conn: sqlite3.Connection, script: Script[T], step: Fetch | Execute) -> T:
    try:
        while True:
            if isinstance(step, Fetch):
                result = conn.execute(step.sql, _params(step.values)).fetchall()
            elif step.rows is None:
                conn.execute(step.sql)
                result = []
            else:
                _each(conn, step.sql, step.rows)
                result = []
            step = script.send(result)
    except StopIteration as done:
        value: T = done.value
        return value


def _each(conn: sqlite3.Connection, statement: str, rows: Sequence[Sequence[Any]]) -> None:
    """``statement`` once per row of ``rows``; the rows of an INSERT in as few statements as
    powers of two up to ``_MOST_ROWS`` sum to (13: 8, 4 and 1). ``executemany`` runs a SQLite
    step a row, releasing the GIL and taking it back (from the event loop, under load) around
    each: a group commit's records, terms and context parts were a step each. Powers of two, so
    a handful of statements are prepared (and cached) whatever the batch."""
    if len(rows) == 1:
        conn.execute(statement, _params(rows[0]))
        return
    if not statement.startswith("INSERT"):
        conn.executemany(statement, [_params(r) for r in rows])
        return
    at = 0
    while at < len(rows):
        count = min(_MOST_ROWS, 1 << ((len(rows) - at).bit_length() - 1))
        values = [v for r in rows[at : at + count] for v in _params(r)]
        conn.execute(sql.rows(statement, count), values)
        at += count


#: Rows an INSERT takes at once: 704 values for the records' 11 columns, under every SQLite's
#: limit (999 before 3.32).
_MOST_ROWS = 64


def _params(values: Sequence[Any]) -> tuple[Any, ...]:
    """Times as the fixed-width UTC text SQLite stores (and compares as text)."""
    return tuple(format_time(v) if isinstance(v, datetime) else v for v in values)
