"""Both audit stores, for real: the chain, group commit, append-only, prune, reviews, search."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from guardrail.errors import AuditUnavailable, ConfigError
from guardrail.model import Verdict
from guardrail.sinks.audit import AuditLog, DecisionNotFound, open_storage
from guardrail.sinks.audit.chain import GENESIS, chain_hash
from guardrail.sinks.audit.record import ReviewVerdict, decision_entry, format_time
from guardrail.sinks.audit.retention import prune
from guardrail.sinks.audit.store import Query, Storage
from guardrail.sinks.audit.verify import verify
from tests.auditdb import decision, execute, indexes, tamper

REFUSED = (sqlite3.IntegrityError, asyncpg.PostgresError)


async def fill(audit: AuditLog, count: int, start: int = 1) -> None:
    for n in range(start, start + count):
        blocked = n % 2 == 0
        await audit.record(
            decision(
                n, Verdict.BLOCK if blocked else Verdict.ALLOW, rule="Status" if blocked else None
            )
        )


async def test_records_read_back_whole_and_chained(audit: AuditLog, storage: Storage) -> None:
    await fill(audit, 3)
    row = await storage.decision("decision-0002")
    assert row is not None
    body = row.body
    assert body["decision"] == "block"
    assert body["conversation"] == "conv-1"
    assert body["tool"] == "update_case"
    assert body["intents"][0]["fields"] == {
        "Subject": "write 2",
        "Description": "mail me at [EMAIL]",
    }
    [violation] = body["violations"]
    assert violation == {
        "policy": "case-fields",
        "rule": "Status",
        "message": "Status is wrong: call [PHONE]",
        "action": "block",
        "mode": "enforce",
        "code": "GUARDRAIL_PARAMETER_INVALID",
        "fields": ["Status"],
        "intent": 0,
    }
    first = await storage.get(1)
    assert first is not None
    assert first.prev_hash == GENESIS
    assert row.seq == 2
    assert row.prev_hash == first.hash
    assert row.hash == chain_hash(2, first.hash, row.entry.body)
    assert (await storage.head()).seq == 3


async def test_concurrent_appends_share_commits(audit: AuditLog, storage: Storage) -> None:
    rows = await asyncio.gather(*(audit.record(decision(n)) for n in range(400)))
    assert sorted(r.seq for r in rows) == list(range(1, 401))
    assert audit.commits < 400 / 4, f"{audit.commits} commits for 400 appends"
    result = await verify(storage)
    assert result.ok
    assert result.records == 400


async def test_records_committed_together_in_any_number_keep_each_its_terms(
    audit: AuditLog, storage: Storage
) -> None:
    rows = await asyncio.gather(
        *(audit.record(decision(n, Verdict.BLOCK, rule=f"Rule{n % 3}")) for n in range(77))
    )
    assert sorted(r.seq for r in rows) == list(range(1, 78))
    for rule in range(3):
        found = await storage.find(Query(rule=f"Rule{rule}", limit=100))
        assert sorted(r.body["decision_id"] for r in found) == [
            f"decision-{n:04d}" for n in range(77) if n % 3 == rule
        ]
    result = await verify(storage)
    assert result.ok
    assert result.records == 77


async def test_records_cannot_be_updated_or_deleted(audit: AuditLog, dsn: str) -> None:
    await fill(audit, 3)
    for statement in (
        "UPDATE audit_log SET verdict = 'allow' WHERE seq = 2",
        "DELETE FROM audit_log WHERE seq = 1",
        "DELETE FROM audit_log",
        "UPDATE audit_terms SET term = 'object:Account'",
        "DELETE FROM audit_terms",
    ):
        with pytest.raises(REFUSED, match="append-only"):
            await execute(dsn, statement)
    if dsn.startswith("postgresql"):
        with pytest.raises(REFUSED, match="append-only"):
            await execute(dsn, "TRUNCATE audit_log")
    assert (await verify(audit.storage)).records == 3


async def test_a_record_changed_by_hand_is_the_first_broken_link(audit: AuditLog, dsn: str) -> None:
    await fill(audit, 8)
    assert (await verify(audit.storage)).ok
    await tamper(
        dsn, "UPDATE audit_log SET body = replace(body, 'write 6', 'write 9') WHERE seq = 6"
    )
    await tamper(
        dsn, "UPDATE audit_log SET body = replace(body, 'write 7', 'write 9') WHERE seq = 7"
    )
    result = await verify(audit.storage)
    assert result.broken is not None
    assert result.broken.seq == 6
    assert "hash does not match" in result.broken.problem
    assert result.head.seq == 5  # the last record still proven


async def test_a_search_column_changed_by_hand_is_caught(audit: AuditLog, dsn: str) -> None:
    await fill(audit, 4)
    await tamper(dsn, "UPDATE audit_log SET verdict = 'allow' WHERE seq = 4")
    broken = (await verify(audit.storage)).broken
    assert broken is not None
    assert broken.seq == 4
    assert "column verdict says 'allow' but the record says 'block'" in broken.problem


async def test_removed_records_are_caught(audit: AuditLog, dsn: str) -> None:
    await fill(audit, 10)
    checkpoint = await audit.storage.head()
    await tamper(dsn, "DELETE FROM audit_log WHERE seq IN (4, 5)")
    broken = (await verify(audit.storage)).broken
    assert broken is not None
    assert broken.seq == 6
    assert broken.problem == "records 4 to 5 are missing"

    await tamper(dsn, "DELETE FROM audit_log WHERE seq < 6 OR seq > 8")
    broken = (await verify(audit.storage)).broken
    assert broken is not None
    assert broken.seq == 6
    assert "no prune record accounts for them" in broken.problem

    # A cut tail leaves a valid chain; only a checkpoint published earlier shows it.
    await tamper(dsn, "DELETE FROM audit_log WHERE seq < 9")
    await fill(audit, 0)
    assert (await verify(audit.storage)).records == 0
    broken = (await verify(audit.storage, checkpoint)).broken
    assert broken is not None
    assert "before the checkpoint at 10" in broken.problem


async def test_prune_removes_old_records_and_anchors_the_chain(
    audit: AuditLog, storage: Storage, dsn: str
) -> None:
    old = datetime(2020, 1, 1, tzinfo=UTC)
    for n in range(1, 8):
        at = format_time(old + timedelta(days=n))
        await audit.append(decision_entry(decision(n), at=at))
    await fill(audit, 3, start=8)
    done = await prune(storage, datetime(2020, 1, 6, tzinfo=UTC), chunk=2)
    assert [r.body["deleted"] for r in done] == [2, 2]  # January 2 to 5, two at a time
    assert [r.body["through"] for r in done] == [2, 4]
    result = await verify(storage)
    assert result.ok, result.broken
    assert result.first_seq == 5
    assert result.starts_from == f"prune record {done[-1].seq}"
    assert await storage.decision("decision-0004") is None
    assert await storage.decision("decision-0005") is not None
    with pytest.raises(REFUSED, match="append-only"):
        await execute(dsn, "DELETE FROM audit_log WHERE seq = 5")  # no prune covers it
    stats = await storage.stats()
    assert stats.by_kind == {"decision": 6, "prune": 2}
    assert stats.last_prune is not None
    assert stats.last_prune["through"] == 4
    with pytest.raises(ConfigError, match="in the future"):
        await prune(storage, datetime.now(UTC) + timedelta(days=1))
    # A prune with nothing left to remove is recorded too, and the chain still starts right.
    nothing = await prune(storage, datetime(2020, 1, 2, tzinfo=UTC))
    assert nothing[0].body["deleted"] == 0
    assert (await verify(storage)).ok


async def test_reviews_are_records_of_their_own(audit: AuditLog, storage: Storage) -> None:
    await fill(audit, 2)
    before = await storage.decision("decision-0002")
    review = await audit.review("decision-0002", ReviewVerdict.FALSE_POSITIVE, "ok", "rita")
    assert review.seq == 3
    assert review.body["verdict"] == "false_positive"
    await audit.review("decision-0002", ReviewVerdict.CONFIRMED, "on second look", "sam")
    assert [r.body["reviewer"] for r in await storage.reviews("decision-0002")] == ["rita", "sam"]
    assert await storage.decision("decision-0002") == before  # never edited
    with pytest.raises(DecisionNotFound):
        await audit.review("decision-9999", ReviewVerdict.CONFIRMED, "", "rita")
    assert (await verify(storage)).ok


async def test_search_filters_and_pages(audit: AuditLog, storage: Storage) -> None:
    await fill(audit, 6)
    await audit.record(
        decision(7, Verdict.BLOCK, obj="Refund__c", rule="RefundUnderCap", agent="b")
    )
    await audit.record(decision(8, Verdict.ALLOW, conversation="conv-2"))

    async def ids(**filters: object) -> list[str]:
        return [r.entry.decision_id or "" for r in await storage.find(Query(**filters))]  # type: ignore[arg-type]

    assert await ids(verdict="block") == [
        "decision-0007",
        "decision-0006",
        "decision-0004",
        "decision-0002",
    ]
    assert await ids(object="Refund__c") == ["decision-0007"]
    assert await ids(rule="Status", limit=1) == ["decision-0006", "decision-0004"]  # one more
    assert await ids(rule="case-fields/Status") == [
        "decision-0006",
        "decision-0004",
        "decision-0002",
    ]
    assert await ids(rule="case-fields/Nope") == []
    assert await ids(agent="b") == ["decision-0007"]
    assert await ids(conversation="conv-2") == ["decision-0008"]
    assert await ids(verdict="block", before_seq=6) == ["decision-0004", "decision-0002"]
    last = await storage.get(8)
    assert last is not None
    at = datetime.fromisoformat(last.entry.at)
    assert await ids(since=at) == ["decision-0008"]
    assert "decision-0008" not in await ids(until=at)


async def test_the_schema_is_migrated_once_and_never_created_by_readers(
    audit: AuditLog, dsn: str, tmp_path: object
) -> None:
    again = open_storage(dsn, timeout=5)
    await again.open()
    await again.open(migrate=False)
    await again.close()
    with pytest.raises(REFUSED, match="append-only"):
        await execute(dsn, "UPDATE audit_schema SET version = 2")
    if dsn.startswith("sqlite"):
        missing = open_storage(dsn.replace("audit.db", "other.db"), timeout=5)
        with pytest.raises(AuditUnavailable, match="there is no audit log"):
            await missing.open(migrate=False)
    else:
        empty = open_storage(dsn.split("?")[0] + "?search_path=no_such_schema", timeout=5)
        with pytest.raises(AuditUnavailable, match="holds no audit log"):
            await empty.open(migrate=False)
        await empty.close()


async def test_a_log_of_the_previous_schema_keeps_its_records_verifiable_searchable_and_prunable(
    dsn: str,
) -> None:
    """The fifth schema version drops the indexes by time and by term seq that no search reads:
    records written before it are still verified, found by every filter, read with their terms
    and pruned (their terms with them)."""
    old = open_storage(dsn, timeout=5)
    old.migrations = old.migrations[:4]  # type: ignore[attr-defined]
    await old.open()
    assert {"audit_log_at", "audit_terms_seq"} <= await indexes(dsn)
    days = [datetime(2020, 1, day, tzinfo=UTC) for day in (2, 3, 4)]
    for n, at in enumerate(days, start=1):
        blocked = decision(n, Verdict.BLOCK, rule="Status", obj="Refund__c", agent="b")
        await old.commit([decision_entry(blocked, at=format_time(at))])
    await old.commit([decision_entry(decision(4, conversation="conv-2"))])
    await old.close()
    new = open_storage(dsn, timeout=5)
    await new.open()
    try:
        assert not {"audit_log_at", "audit_terms_seq"} & await indexes(dsn)
        assert (await verify(new)).ok

        async def ids(**filters: object) -> list[str]:
            return [r.entry.decision_id or "" for r in await new.find(Query(**filters))]  # type: ignore[arg-type]

        blocks = ["decision-0003", "decision-0002", "decision-0001"]
        for found in (
            await ids(verdict="block"),
            await ids(object="Refund__c"),
            await ids(rule="case-fields/Status"),
            await ids(agent="b"),
            await ids(until=datetime(2020, 1, 5, tzinfo=UTC)),
        ):
            assert found == blocks
        assert await ids(conversation="conv-2") == ["decision-0004"]
        first = await new.decision("decision-0001")
        assert first is not None
        assert first.entry.terms == ("object:Refund__c", "rule:Status", "rule:case-fields/Status")
        stats = await new.stats()
        assert stats.first_at == format_time(days[0])
        last = await new.get(4)
        assert last is not None
        assert stats.last_at == last.entry.at
        await prune(new, datetime(2020, 1, 4, tzinfo=UTC))
        result = await verify(new)
        assert result.ok, result.broken
        assert result.first_seq == 3
        assert [r.entry.decision_id async for r in new.scan(terms=True) if r.entry.terms] == [
            "decision-0003",
            "decision-0004",
        ]
    finally:
        await new.close()


async def test_two_writers_keep_one_chain(audit: AuditLog, dsn: str) -> None:
    """Two replicas on one store: their batches take turns at the head, the chain stays one."""
    other = AuditLog(open_storage(dsn, timeout=5), timeout_seconds=5)
    await other.start()
    try:
        await asyncio.gather(
            *(audit.record(decision(n)) for n in range(150)),
            *(other.record(decision(1000 + n)) for n in range(150)),
        )
    finally:
        await other.close()
    result = await verify(audit.storage)
    assert result.ok, result.broken
    assert result.records == 300
