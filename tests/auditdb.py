"""Audit stores for tests: a SQLite file, or a throwaway schema in the real PostgreSQL.

PostgreSQL runs at 127.0.0.1:5432 (trust auth, database test). When it is down the tests that
need it skip, except in CI (CI set), where they fail: CI must prove both stores.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import pytest

from guardrail.model import Caller, Decision, Operation, Verdict, Violation, WriteIntent

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
STORES = ("sqlite", "postgresql")
TABLES = ("audit_log", "audit_terms", "audit_contexts")


def require_postgres() -> None:
    async def ping() -> None:
        conn = await asyncpg.connect(POSTGRES, timeout=3)
        await conn.close()

    try:
        asyncio.run(ping())
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not running at 127.0.0.1:5432 ({exc})")
        pytest.skip(f"PostgreSQL is not running at 127.0.0.1:5432 ({exc})")


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A DSN whose tables live in a schema of their own, dropped afterwards."""
    require_postgres()
    schema = f"guardrail_test_{uuid.uuid4().hex[:12]}"

    async def run(statement: str) -> None:
        conn = await asyncpg.connect(POSTGRES)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{POSTGRES}?search_path={schema}"
    finally:
        asyncio.run(run(f"DROP SCHEMA {schema} CASCADE"))


@contextmanager
def audit_dsn(kind: str, directory: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{directory.resolve() / 'audit.db'}"
    else:
        with postgres_schema() as dsn:
            yield dsn


async def tamper(dsn: str, statement: str) -> None:
    """Run ``statement`` as someone with the database in hand would: past the triggers."""
    if dsn.startswith("sqlite:"):
        conn = sqlite3.connect(dsn.removeprefix("sqlite:///"), isolation_level=None)
        try:
            triggers = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            for (name,) in triggers.fetchall():
                conn.execute(f"DROP TRIGGER {name}")
            conn.execute(statement)
        finally:
            conn.close()
        return
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            for table in TABLES:
                await conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            await conn.execute(statement)
            for table in TABLES:
                await conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    finally:
        await conn.close()


async def execute(dsn: str, statement: str) -> None:
    """Run ``statement`` plainly (the triggers in force)."""
    if dsn.startswith("sqlite:"):
        conn = sqlite3.connect(dsn.removeprefix("sqlite:///"), isolation_level=None)
        try:
            conn.execute(statement)
        finally:
            conn.close()
        return
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def decision(
    n: int,
    verdict: Verdict = Verdict.ALLOW,
    *,
    obj: str = "Case",
    rule: str | None = None,
    agent: str = "agent-1",
    conversation: str = "conv-1",
) -> Decision:
    """A decision on one write of ``obj``; ``rule`` names the violation it carries, if any."""
    violations = (
        (
            Violation(
                "case-fields", rule, f"{rule} is wrong: call 555-123-4567", ("Status",), intent=0
            ),
        )
        if rule
        else ()
    )
    return Decision(
        id=f"decision-{n:04d}",
        verdict=verdict,
        crm="salesforce",
        intents=(
            WriteIntent(
                "salesforce",
                obj,
                Operation.CREATE,
                {"Subject": f"write {n}", "Description": "mail me at jane@example.com"},
            ),
        ),
        violations=violations,
        policy_version="policy-v1",
        caller=Caller(conversation=conversation, agent=agent, tool="update_case"),
        status=400 if verdict is Verdict.BLOCK else 201,
        upstream_status=None if verdict is Verdict.BLOCK else 201,
        guardrail_seconds=0.0002,
    )


async def indexes(dsn: str) -> set[str]:
    """The names of the indexes the audit tables have, but for the ones their keys make."""
    if dsn.startswith("sqlite:"):
        conn = sqlite3.connect(dsn.removeprefix("sqlite:///"))
        try:
            found = conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            )
            return {str(name) for (name,) in found.fetchall()}
        finally:
            conn.close()
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
            "AND indexname NOT LIKE '%pkey'"
        )
        return {str(r["indexname"]) for r in rows}
    finally:
        await conn.close()
