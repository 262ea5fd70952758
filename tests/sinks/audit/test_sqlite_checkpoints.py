"""SQLite's WAL is folded into the database file beside the commits, by a thread of its own."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import pytest

from guardrail.sinks.audit import AuditLog, open_storage, sqlite
from guardrail.sinks.audit.verify import verify
from tests.auditdb import decision


def records_in_the_database_file(path: Path, copy: Path) -> int:
    """How many records the database file holds without its WAL (a copy of the file alone)."""
    shutil.copyfile(path, copy)
    with sqlite3.connect(copy) as conn:
        try:
            return int(conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])
        except sqlite3.DatabaseError:  # no schema out of the WAL yet, or copied mid-checkpoint
            return 0


async def test_appended_records_reach_the_database_file_while_appends_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite, "CHECKPOINT_RECORDS", 8)
    path = tmp_path / "audit.db"
    audit = AuditLog(open_storage(f"sqlite:///{path}", timeout=5), timeout_seconds=5)
    await audit.start()
    try:
        for n in range(1, 21):
            await audit.record(decision(n))
        held = 0
        for _ in range(100):  # the checkpointer runs beside the appends: give it a moment
            held = records_in_the_database_file(path, tmp_path / "alone.db")
            if held >= 8:
                break
            await asyncio.sleep(0.05)
        # at least the first checkpoint's records (8) are in it; SQLite alone would have kept
        # all of them in the WAL until it held 1,000 pages
        assert held >= 8, f"the database file alone holds {held} of 20 records"
        result = await verify(audit.storage)
        assert result.ok
        assert result.records == 20
    finally:
        await audit.close()
