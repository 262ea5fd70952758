"""Audit appends per second on each store alone: the ceiling the audit log puts on the proxy.

Appends realistic decisions (one Case write with a violation, PII in its fields) through the
AuditLog the proxy uses (group commit, durable commits), at 1 writer (each append waits for its
own commit: what one agent sees) and at N concurrent writers (what a loaded proxy sees).

python benchmarks/audit_appends.py [--stores sqlite,sqlite-full,postgresql] [--appends 20000]
    [--concurrency 64] [--postgres postgresql://postgres@127.0.0.1:5432/test] [--dir DIR]

``sqlite`` is the default durability (synchronous=normal), ``sqlite-full`` adds
``?synchronous=full`` (an fsync a commit).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import uvloop

from guardrail.model import Caller, Decision, Operation, Verdict, Violation, WriteIntent
from guardrail.sinks.audit import AuditLog, open_storage
from guardrail.sinks.audit.verify import verify


def decision(n: int) -> Decision:
    return Decision(
        id=f"bench-{n}",
        verdict=Verdict.BLOCK,
        crm="salesforce",
        intents=(
            WriteIntent(
                "salesforce",
                "Case",
                Operation.UPDATE,
                {"Status": "Open", "Description": "Customer jane@example.com, call 555-123-4567"},
                record_id="500000000000001AAA",
            ),
        ),
        violations=(
            Violation(
                "case-fields",
                "ParameterValidation.enum",
                "Case.Status: 'Open' is not an allowed value",
                ("Status",),
                intent=0,
            ),
        ),
        policy_version="0123456789abcdef",
        caller=Caller(conversation=f"conv-{n % 50}", agent="agent-1", tool="update_case"),
        status=400,
        guardrail_seconds=0.00012,
    )


@contextlib.asynccontextmanager
async def store(kind: str, directory: Path, postgres: str) -> AsyncIterator[str]:
    if kind in ("sqlite", "sqlite-full"):  # synchronous=normal (the default), or full
        path = directory / f"bench-{uuid.uuid4().hex[:8]}.db"
        yield f"sqlite:///{path}" + ("?synchronous=full" if kind == "sqlite-full" else "")
        return
    schema = f"guardrail_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(postgres)
    await conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{postgres}?search_path={schema}"
    finally:
        await conn.execute(f"DROP SCHEMA {schema} CASCADE")
        await conn.close()


async def measure(dsn: str, appends: int, concurrency: int) -> tuple[float, int]:
    log = AuditLog(open_storage(dsn, timeout=30), timeout_seconds=30)
    await log.start()
    try:
        counter = iter(range(appends))

        async def writer() -> None:
            for n in counter:
                await log.record(decision(n))

        started = time.perf_counter()
        await asyncio.gather(*(writer() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
        result = await verify(log.storage)
        assert result.ok, result
        assert result.records == appends, result
        return appends / seconds, log.commits
    finally:
        await log.close()


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(dir=args.dir) as name:
        tmp = Path(name)  # absolute already
        for kind in args.stores.split(","):
            for concurrency, appends in (
                (1, max(args.appends // 20, 200)),
                (args.concurrency, args.appends),
            ):
                async with store(kind, tmp, args.postgres) as dsn:
                    rate, commits = await measure(dsn, appends, concurrency)
                print(
                    f"{kind:<10} concurrency {concurrency:>3}: {rate:>8,.0f} appends/s "
                    f"({appends} appends, {commits} commits, {appends / commits:.1f} per commit)"
                )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", default="sqlite,sqlite-full,postgresql")
    parser.add_argument("--appends", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--dir", help="directory for the SQLite file (default: the temp dir)")
    uvloop.run(main(parser.parse_args()))
