"""Decision records name the context they were judged in; the log keeps each part once."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime

import asyncpg
import pytest

from guardrail.context.facts import Facts, Transcript
from guardrail.context.model import Conversation, Turn, WriteRecord
from guardrail.context.snapshot import Part
from guardrail.sinks.audit import AuditLog
from guardrail.sinks.audit.contexts import Contexts
from guardrail.sinks.audit.record import Entry, decision_entry
from guardrail.sinks.audit.store import Storage
from guardrail.sinks.audit.verify import verify
from tests.auditdb import decision, execute, tamper

REFUSED = (sqlite3.IntegrityError, asyncpg.PostgresError)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def judged_in(n: int, rev: int = 1, writes: int = 0) -> Facts:
    """The facts of write ``n`` of a 40-turn call at revision ``rev``, after ``writes`` writes."""
    conversation = Conversation(
        id="conv-1",
        turns=[Turn(role="customer", text=f"My router drops every evening, turn {t}.") for t in range(40)],
        outcome=f"outcome at rev {rev}",
        writes=[
            WriteRecord(decision_id=f"d{w}", object="Case", operation="update", id="500x",
                        fields={"Status": "New"}, decision="allow", at=NOW)
            for w in range(writes)
        ],
        created_at=NOW,
        updated_at=NOW,
        version=rev + writes,
        rev=rev,
    )  # fmt: skip
    return Facts(conversation, Transcript.of(conversation), {}, NOW)


async def count(storage: Storage) -> int:
    return len([part async for part in storage.context_parts()])


async def test_a_revision_is_stored_once_and_every_record_names_it(
    audit: AuditLog, storage: Storage
) -> None:
    for n in range(1, 4):  # three writes at one revision, each after the one before it
        await audit.record(replace(decision(n), facts=judged_in(n, writes=n - 1)))
    # The platform part once, and each earlier write once: 1 + 2, not 3 copies of 40 turns.
    assert await count(storage) == 3
    row = await storage.decision("decision-0003")
    assert row is not None
    assert b"router" not in row.entry.body  # a reference, not a copy
    [body] = await Contexts(storage).expand([row.body])
    conversation = body["context"]["conversation"]
    assert len(conversation["turns"]) == 40
    assert conversation["outcome"] == "outcome at rev 1"
    assert [w["decision_id"] for w in conversation["writes"]] == ["d0", "d1"]
    await audit.record(replace(decision(4), facts=judged_in(4, rev=2, writes=3)))
    assert await count(storage) == 5  # a new revision is a new part (and d2 is new)
    assert (await verify(storage)).ok


async def test_a_record_begun_while_its_write_is_out_reads_as_one_made_after(
    audit: AuditLog, storage: Storage
) -> None:
    judged = replace(decision(1), facts=judged_in(1, writes=2))
    audit.ahead(judged)  # as the proxy does, before the write goes out to the CRM
    await asyncio.sleep(0.05)  # the CRM answers
    done = replace(judged, status=201, upstream_status=201, upstream_seconds=0.002)
    row = await audit.record(done)
    made = decision_entry(done, at=row.entry.at)
    assert row.entry.body == made.body
    assert {p.hash for p in made.parts} <= {h async for h, _ in storage.context_parts()}
    [body] = await Contexts(storage).expand([row.body])
    assert [w["decision_id"] for w in body["context"]["conversation"]["writes"]] == ["d0", "d1"]
    assert (await verify(storage)).ok


async def test_a_changed_context_breaks_the_record_that_names_it(audit: AuditLog, dsn: str) -> None:
    await audit.record(decision(1))
    await audit.record(replace(decision(2), facts=judged_in(2)))
    await tamper(dsn, "UPDATE audit_contexts SET body = replace(body, 'router', 'modem')")
    broken = (await verify(audit.storage)).broken
    assert broken is not None
    assert broken.seq == 2
    assert "does not match its hash" in broken.problem


async def test_a_removed_context_is_caught_and_replay_says_so(audit: AuditLog, dsn: str) -> None:
    await audit.record(replace(decision(1), facts=judged_in(1)))
    await tamper(dsn, "DELETE FROM audit_contexts")
    broken = (await verify(audit.storage)).broken
    assert broken is not None
    assert broken.seq == 1
    assert "which the log does not hold" in broken.problem
    row = await audit.storage.decision("decision-0001")
    assert row is not None
    [body] = await Contexts(audit.storage).expand([row.body])
    assert body["context"] is None
    assert len(body["context_missing"]) == 1


async def test_contexts_cannot_be_updated_or_deleted(audit: AuditLog, dsn: str) -> None:
    await audit.record(replace(decision(1), facts=judged_in(1)))
    for statement in ("UPDATE audit_contexts SET body = '{}'", "DELETE FROM audit_contexts"):
        with pytest.raises(REFUSED, match="append-only"):
            await execute(dsn, statement)
    if dsn.startswith("postgresql"):
        with pytest.raises(REFUSED, match="append-only"):
            await execute(dsn, "TRUNCATE audit_contexts")


async def test_a_long_call_adds_a_link_per_write_and_its_window_is_read_back_whole(
    audit: AuditLog, storage: Storage
) -> None:
    for n in range(1, 61):
        await audit.record(replace(decision(n), facts=judged_in(n, writes=n - 1)))
    assert await count(storage) == 1 + 59  # the platform part, and a link per later write
    row = await storage.decision("decision-0060")
    assert row is not None
    assert len(row.entry.body) < 1500  # the window is its newest link and a count
    [body] = await Contexts(storage).expand([row.body])
    writes = body["context"]["conversation"]["writes"]
    assert [w["decision_id"] for w in writes] == [f"d{w}" for w in range(9, 59)]
    assert (await verify(storage)).ok


async def test_a_changed_link_breaks_the_first_record_whose_window_reaches_it(
    audit: AuditLog, dsn: str
) -> None:
    for n in range(1, 5):
        await audit.record(replace(decision(n), facts=judged_in(n, writes=n - 1)))
    await tamper(dsn, """UPDATE audit_contexts SET body = replace(body, '"d1"', '"dX"')""")
    broken = (await verify(audit.storage)).broken
    assert broken is not None
    assert broken.seq == 3  # the record that named the link holding d1, first
    assert "does not match its hash" in broken.problem
    row = await audit.storage.decision("decision-0004")
    assert row is not None
    [body] = await Contexts(audit.storage).expand([row.body])
    assert body["context"] is None  # never a window put together from a changed part
    assert len(body["context_missing"]) == 1


async def test_a_record_that_names_each_read_and_write_by_hash_still_reads_and_verifies(
    audit: AuditLog, storage: Storage
) -> None:
    """The form records had before windows were chained: existing logs keep replaying."""
    await audit.record(replace(decision(1), facts=judged_in(1, writes=2)))
    row = await storage.decision("decision-0001")
    assert row is not None
    [now] = await Contexts(storage).expand([row.body])
    written = [Part.of(w) for w in now["context"]["conversation"]["writes"]]
    earlier = {k: v for k, v in row.body.items() if k not in ("context", "chain")}
    earlier["decision_id"] = "decision-0002"
    earlier["context"] = {
        "now": row.body["context"]["now"],
        "conversation": {**row.body["context"]["conversation"], "reads": [],
                         "writes": [p.hash for p in written]},
        "account_writes": {},
    }  # fmt: skip
    await audit.append(Entry.of(earlier, tuple(written)))
    again = await storage.decision("decision-0002")
    assert again is not None
    [then] = await Contexts(storage).expand([again.body])
    assert then["context"] == now["context"]
    assert (await verify(storage)).ok
