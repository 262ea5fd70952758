"""The PostgreSQL audit store (asyncpg): for several replicas sharing one log.

Every batch runs in one transaction that first takes a transaction-scoped advisory lock, so the
replicas' batches take turns at the chain head: each reads the head its predecessor committed
(the lock is released only after that commit is visible) and the chain stays one chain. The
sequence number is also the primary key, so should anything ever race, a batch fails rather
than forks the chain. ``synchronous_commit`` is the server's (on by default): a commit returns
once it is durable.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Sequence
from typing import Any, TypeVar

import asyncpg
import structlog

from guardrail.errors import AuditUnavailable
from guardrail.sinks.audit import scripts
from guardrail.sinks.audit.base import SQLStorage
from guardrail.sinks.audit.chain import Row
from guardrail.sinks.audit.record import Pending
from guardrail.sinks.audit.scripts import Execute, Fetch, Script
from guardrail.sinks.audit.store import FEWER_INDEXES, HOLD_STATES, REPEAT_KEYS, Migration
from guardrail.sinks.audit.thread import Worker

T = TypeVar("T")
log = structlog.get_logger("guardrail.audit")

_FAILURES = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)
_MARK = re.compile(r"\?")

MIGRATIONS = (
    Migration(
        1,
        (
            """CREATE TABLE audit_log (
                seq bigint PRIMARY KEY,
                kind text NOT NULL CHECK (kind IN ('decision', 'review', 'prune')),
                at timestamptz NOT NULL,
                decision_id text,
                verdict text,
                conversation text,
                agent text,
                prune_through bigint,
                body text NOT NULL,
                prev_hash text NOT NULL,
                hash text NOT NULL
            )""",
            "CREATE TABLE audit_terms (term text NOT NULL, seq bigint NOT NULL, "
            "PRIMARY KEY (term, seq))",
            "CREATE INDEX audit_terms_seq ON audit_terms (seq)",
            "CREATE INDEX audit_log_decision ON audit_log (decision_id, seq)",
            "CREATE INDEX audit_log_conversation ON audit_log (conversation, seq)",
            "CREATE INDEX audit_log_agent ON audit_log (agent, seq)",
            "CREATE INDEX audit_log_verdict ON audit_log (verdict, seq)",
            "CREATE INDEX audit_log_at ON audit_log (at)",
            "CREATE INDEX audit_log_prunes ON audit_log (prune_through) "
            "WHERE prune_through IS NOT NULL",
            # A record may be deleted only once a prune record covers it; nothing is updated,
            # and nothing is truncated.
            """CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' AND TG_TABLE_NAME IN ('audit_log', 'audit_terms') THEN
                    IF EXISTS (
                        SELECT 1 FROM audit_log p
                        WHERE p.prune_through IS NOT NULL AND p.prune_through >= OLD.seq
                    ) THEN
                        RETURN OLD;
                    END IF;
                END IF;
                RAISE EXCEPTION 'audit records are append-only: % refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END $$""",
            *(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
                for table in ("audit_log", "audit_terms", "audit_schema")
            ),
            *(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
                for table in ("audit_log", "audit_terms", "audit_schema")
            ),
        ),
    ),
    # Held writes (guardrail.holds): a state machine, not a record; each transition is
    # audited as a decision record of its own.
    Migration(
        2,
        (
            f"""CREATE TABLE audit_holds (
                decision_id text PRIMARY KEY,
                state text NOT NULL CHECK (state IN ({HOLD_STATES})),
                created_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                conversation text,
                agent text,
                policy text NOT NULL,
                rule text NOT NULL,
                request text,
                body bytea,
                execution_id text NOT NULL,
                claim text,
                claimed_at timestamptz,
                reviewer text,
                comment text,
                outcome text
            )""",
            "CREATE INDEX audit_holds_state ON audit_holds (state, expires_at)",
        ),
    ),
    Migration(
        3,
        (
            # Context parts (guardrail.context.snapshot), named by the SHA-256 of their body;
            # never updated or deleted (audit_append_only allows no DELETE on this table).
            "CREATE TABLE audit_contexts (hash text PRIMARY KEY, body text NOT NULL)",
            "CREATE TRIGGER audit_contexts_append_only BEFORE UPDATE OR DELETE ON audit_contexts "
            "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
            "CREATE TRIGGER audit_contexts_no_truncate BEFORE TRUNCATE ON audit_contexts "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
        ),
    ),
    Migration(4, REPEAT_KEYS),
    Migration(5, FEWER_INDEXES),
)


class PostgresStorage(SQLStorage):
    name = "postgresql"
    migrations = MIGRATIONS

    def __init__(self, dsn: str, where: str, *, timeout: float) -> None:
        super().__init__()
        self._dsn = dsn
        self.where = where
        self._timeout = timeout
        self._pool: asyncpg.Pool | None = None
        self._lock_key = 0

    async def open(self, *, migrate: bool = True) -> None:
        if self._maker is None:
            self._maker = Worker("guardrail-audit-records", idle=self._ahead.work)
        if self._pool is None:
            try:
                pool = await asyncpg.create_pool(
                    self._dsn,
                    min_size=1,
                    max_size=4,
                    timeout=self._timeout,
                    command_timeout=self._timeout,
                )
            except ValueError as exc:  # asyncpg's reading of a malformed DSN
                raise AuditUnavailable(f"the audit DSN {self.where} is malformed: {exc}") from exc
            except _FAILURES as exc:
                raise self._unavailable(exc) from exc
            try:
                schema = await pool.fetchval("SELECT current_schema()")
                if schema is None:
                    schema = await self._create_schema(pool)
            except AuditUnavailable:
                await pool.close()
                raise
            except _FAILURES as exc:
                await pool.close()
                raise self._unavailable(exc) from exc
            self._lock_key = _lock_key(str(schema))
            self._pool = pool
        if migrate:
            await self._run(scripts.migrate(self.migrations))
        else:
            await self._check_version()

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            try:  # graceful (waits for connections in use), but not for ever
                await asyncio.wait_for(pool.close(), self._timeout)
            except TimeoutError:
                pool.terminate()
        if self._maker is not None:
            maker, self._maker = self._maker, None
            await maker.stop()

    async def probe(self) -> None:
        """A connection that answers, on a server that takes writes (not a standby)."""
        if await self._fetch("SELECT pg_is_in_recovery()") != [(False,)]:
            raise AuditUnavailable(f"the audit log at {self.where} is read-only (a standby)")

    async def _fetch(self, statement: str, values: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            rows = await self._ready().fetch(_numbered(statement), *values)
        except _FAILURES as exc:
            raise self._unavailable(exc) from exc
        return [tuple(r) for r in rows]

    async def commit(self, pending: Sequence[Pending]) -> list[Row]:
        # asyncpg writes from the event loop: the records are made beside it, on the maker's
        # thread (one hand-off each way, not an executor's), from what it made ahead.
        maker = self._maker
        if maker is not None:
            pending = await maker.call(lambda: self._ahead.made(pending))
        return await super().commit(pending)

    async def _run(self, script: Script[T]) -> T:
        try:
            step = next(script)
        except StopIteration as done:
            value: T = done.value
            return value
        try:
            async with self._ready().acquire() as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock($1)", self._lock_key)
                return await _steps(conn, script, step)
        except _FAILURES as exc:
            raise self._unavailable(exc) from exc

    async def _create_schema(self, pool: asyncpg.Pool) -> str:
        """The DSN's ``search_path`` names no schema that exists (a fresh database): create
        its first, when the role may; else say what to run."""
        path = str(await pool.fetchval("SHOW search_path"))
        names = [n.strip().strip('"') for n in path.split(",") if n.strip() != '"$user"']
        if not names or not names[0] or names[0] == "$user":
            raise AuditUnavailable(
                f"the audit log at {self.where}: no schema in search_path {path!r} exists; "
                "name one in the DSN (?search_path=guardrail)"
            )
        schema, quoted = names[0], '"' + names[0].replace('"', '""') + '"'
        try:
            await pool.execute(f"CREATE SCHEMA IF NOT EXISTS {quoted}")
        except asyncpg.InsufficientPrivilegeError as exc:
            role = await pool.fetchval("SELECT current_user")
            raise AuditUnavailable(
                f"the audit log at {self.where}: schema {schema!r} (search_path) does not exist "
                f"and role {role!r} may not create it ({exc}); create it as an owner of the "
                f'database: CREATE SCHEMA {quoted} AUTHORIZATION "{role}"'
            ) from exc
        log.info("audit_schema_created", schema=schema, store=self.where)
        return schema

    def _ready(self) -> asyncpg.Pool:
        if self._pool is None:
            raise AuditUnavailable(f"the audit log at {self.where} is not open")
        return self._pool

    def _unavailable(self, exc: BaseException) -> AuditUnavailable:
        return AuditUnavailable(f"the audit log at {self.where} failed: {exc or type(exc)}")


async def _steps(conn: Any, script: Script[T], step: Fetch | Execute) -> T:
    try:
        while True:
            if isinstance(step, Fetch):
                found = await conn.fetch(_numbered(step.sql), *step.values)
                result = [tuple(r) for r in found]
            elif step.rows is None:
                await conn.execute(step.sql)
                result = []
            else:
                await conn.executemany(_numbered(step.sql), step.rows)
                result = []
            step = script.send(result)
    except StopIteration as done:
        value: T = done.value
        return value


# Bounded by construction: its keys are this package's own SQL statements, never input.
_numbered_cache: dict[str, str] = {}


def _numbered(statement: str) -> str:
    """``?`` markers as PostgreSQL's ``$1, $2, ...``."""
    found = _numbered_cache.get(statement)
    if found is None:
        marks = iter(range(1, statement.count("?") + 1))
        found = _numbered_cache[statement] = _MARK.sub(lambda _: f"${next(marks)}", statement)
    return found


def _lock_key(schema: str) -> int:
    """The advisory lock of this schema's chain: one per log, whatever else shares the server."""
    digest = hashlib.blake2b(f"guardrail-audit:{schema}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
