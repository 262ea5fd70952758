"""The audit log as the proxy uses it: unavailable fails fast, a probe brings it back, a slow
commit trips it, and the checkpoint is exported as a metric that is replaced, not piled up."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, generate_latest

from guardrail.errors import AuditUnavailable
from guardrail.sinks.audit import AuditLog, AuditSink, audit_gate, open_storage
from guardrail.sinks.audit.log import _Bound
from guardrail.sinks.audit.metrics import AuditMetrics
from tests.auditdb import decision


async def wait_for(condition: object, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition never held"
        await asyncio.sleep(0.02)


async def test_a_store_that_cannot_open_fails_fast_until_a_probe_finds_it(tmp_path: Path) -> None:
    directory = tmp_path / "not-yet"
    registry = CollectorRegistry()
    log = AuditLog(
        open_storage(f"sqlite:///{directory / 'audit.db'}", timeout=1),
        timeout_seconds=1,
        metrics=AuditMetrics(registry, "sqlite"),
        probe_seconds=0.05,
    )
    await log.start()
    try:
        assert not log.available
        assert "unable to open" in log.health.reason
        gate = audit_gate(log, fail_open=False)
        with pytest.raises(AuditUnavailable) as refused:
            gate()
        assert refused.value.code == "GUARDRAIL_AUDIT_UNAVAILABLE"
        assert refused.value.status == 503
        audit_gate(log, fail_open=True)()  # open: the write goes on
        started = time.perf_counter()
        with pytest.raises(AuditUnavailable):
            await log.record(decision(1))
        assert time.perf_counter() - started < 0.1  # no waiting out a timeout
        await AuditSink(log).emit(decision(2))  # logged and counted, never raised
        text = generate_latest(registry).decode()
        assert 'guardrail_audit_errors_total{store="sqlite"} 2.0' in text
        assert 'guardrail_audit_available{store="sqlite"} 0.0' in text

        directory.mkdir()
        await wait_for(lambda: log.available)
        gate()
        row = await log.record(decision(3))
        assert row.seq == 1
    finally:
        await log.close()


async def test_a_commit_stuck_past_the_bound_trips_the_gate(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    log = AuditLog(open_storage(f"sqlite:///{path}", timeout=0.3), timeout_seconds=0.3,
                   probe_seconds=0.05)  # fmt: skip
    await log.start()
    try:
        await log.record(decision(1))
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # another process holds the file
        with pytest.raises(AuditUnavailable):
            await log.record(decision(2))
        assert not log.available
        await asyncio.sleep(0.2)
        assert not log.available  # the probe cannot take the lock either
        other.execute("ROLLBACK")
        other.close()
        await wait_for(lambda: log.available)
        await log.record(decision(3))
    finally:
        await log.close()


async def test_only_the_appends_past_the_bound_fail_and_one_timer_watches_them_all() -> None:
    loop = asyncio.get_running_loop()
    bound = _Bound(0.05)
    answered, stuck = loop.create_future(), loop.create_future()
    bound.watch(answered)
    bound.watch(stuck)
    answered.set_result("row")
    await asyncio.sleep(0.03)
    later = bound.watch(loop.create_future())  # handed after: its own bound, the same timer
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(stuck, 1)
    assert answered.result() == "row"
    assert not later.done()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(later, 1)


async def test_the_checkpoint_metric_is_replaced_not_accumulated(tmp_path: Path) -> None:
    registry = CollectorRegistry()
    log = AuditLog(
        open_storage(f"sqlite:///{tmp_path / 'audit.db'}", timeout=1),
        timeout_seconds=1,
        metrics=AuditMetrics(registry, "sqlite"),
        checkpoint_seconds=0.05,
    )
    await log.start()
    try:
        await asyncio.gather(*(log.record(decision(n)) for n in range(20)))
        head = await log.storage.head()

        def exported() -> bool:
            return f'guardrail_audit_checkpoint_sequence{{store="sqlite"}} {head.seq}.0' in (
                generate_latest(registry).decode()
            )

        await wait_for(exported)
        text = generate_latest(registry).decode()
        info = [
            line
            for line in text.splitlines()
            if line.startswith("guardrail_audit_checkpoint_info{")
        ]
        assert info == [
            f'guardrail_audit_checkpoint_info{{hash="{head.hash}",sequence="20",store="sqlite"}} 1.0'
        ]
        assert 'guardrail_audit_appends_total{store="sqlite"} 20.0' in text
        commits = f'guardrail_audit_commits_total{{store="sqlite"}} {log.commits}.0'
        assert commits in text
    finally:
        await log.close()


async def test_a_postgresql_that_refuses_connections_is_unavailable() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = AuditLog(
        open_storage(f"postgresql://postgres@127.0.0.1:{port}/test", timeout=1),
        timeout_seconds=1,
    )
    await log.start()
    try:
        assert not log.available
        assert "Connect call failed" in log.health.reason or "refused" in log.health.reason
        assert "postgres@127.0.0.1" in log.health.reason
    finally:
        await log.close()


def test_sqlite_durability_is_chosen_in_the_dsn(tmp_path: Path) -> None:
    from guardrail.errors import ConfigError
    from guardrail.sinks.audit.factory import open_storage
    from guardrail.sinks.audit.sqlite import SQLiteStorage

    default = open_storage(f"sqlite:///{tmp_path}/a.db", timeout=1)
    full = open_storage(f"sqlite:///{tmp_path}/a.db?synchronous=full", timeout=1)
    assert isinstance(default, SQLiteStorage)
    assert isinstance(full, SQLiteStorage)
    assert (default._synchronous, full._synchronous) == ("NORMAL", "FULL")
    with pytest.raises(ConfigError, match="synchronous=normal or full"):
        open_storage(f"sqlite:///{tmp_path}/a.db?synchronous=off", timeout=1)
