"""Both conversation stores, one suite: what one does, the other must do too.

The Redis runs are against a real Redis (GUARDRAIL_TEST_REDIS_URL, default 127.0.0.1:6379), each
test under its own key prefix, removed afterwards. Without a Redis they skip, except under CI,
where they fail. Memory runs use a fake clock; Redis runs wait real time with a short idle.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis
import redis.asyncio
from pydantic import ValidationError

from guardrail.context.changes import MAX_ACCOUNT_WRITES
from guardrail.context.factory import open_store
from guardrail.context.jobs import BulkJob, JudgedRow
from guardrail.context.memory import MemoryConversationStore
from guardrail.context.model import (
    MAX_RECORDED,
    MAX_TURNS,
    ConversationIn,
    ConversationPatch,
    ReadRecord,
    Turn,
    WriteRecord,
)
from guardrail.context.redis import RedisConversationStore
from guardrail.context.store import ConversationStore
from guardrail.crm.base import JobSpec, dialect_for
from guardrail.errors import ConfigError, ContextUnavailable

REDIS_URL = os.environ.get("GUARDRAIL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ACCOUNT = "001000000000001AAA"  # 18 characters; its 15-character form is ACCOUNT[:15]
OTHER_ACCOUNT = "001000000000002AAA"
#: Which accounts a write belongs to, and how an account is keyed, are the dialect's.
SALESFORCE = dialect_for("salesforce")


async def save_write(
    store: ConversationStore, conversation: str | None, write: WriteRecord
) -> None:
    """Record ``write`` as the proxy's recorder does: indexed under the accounts the
    Salesforce dialect says it belongs to."""
    accounts = SALESFORCE.accounts(write.object, write.id, write.fields)
    await store.record_write(conversation, write, accounts)


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Backend:
    """How a test reaches one backend.

    ``replicas(n, idle_seconds)`` opens n stores over the same data, as n proxy replicas would
    (memory: one store, n times). ``wait`` lets time pass; ``now`` is the store's time.
    """

    name: str
    replicas: Callable[[int, float], list[ConversationStore]]
    wait: Callable[[float], Awaitable[None]]
    now: Callable[[], datetime]
    opened: list[ConversationStore] = field(default_factory=list)

    def store(self, idle_seconds: float = 60.0) -> ConversationStore:
        return self.replicas(1, idle_seconds)[0]


@pytest.fixture(scope="session")
def redis_url() -> str:
    try:
        probe = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, retry=None)
        probe.ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs a Redis at {REDIS_URL}: {exc}")
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")
    return REDIS_URL


def memory_backend() -> Backend:
    clock = FakeClock()

    def replicas(n: int, idle_seconds: float) -> list[ConversationStore]:
        return [MemoryConversationStore(idle_seconds, clock)] * n

    async def wait(seconds: float) -> None:
        clock.now += timedelta(seconds=seconds)

    return Backend("memory", replicas, wait, clock)


def redis_backend(url: str, prefix: str) -> Backend:
    opened: list[ConversationStore] = []

    def replicas(n: int, idle_seconds: float) -> list[ConversationStore]:
        stores = [RedisConversationStore.open(url, idle_seconds, prefix) for _ in range(n)]
        opened.extend(stores)
        return list(stores)

    return Backend("redis", replicas, asyncio.sleep, lambda: datetime.now(UTC), opened)


@pytest.fixture(params=["memory", "redis"])
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[Backend]:
    if request.param == "memory":
        yield memory_backend()
        return
    prefix = f"guardrail-test:{uuid.uuid4().hex}:"
    url = request.getfixturevalue("redis_url")
    chosen = redis_backend(url, prefix)
    yield chosen
    for store in chosen.opened:
        await store.close()
    async with redis.asyncio.Redis.from_url(url) as client:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)


def conversation(**overrides: Any) -> ConversationIn:
    data: dict[str, Any] = {
        "channel": "voice",
        "customer": {"account_ids": [ACCOUNT], "contact_ids": ["003000000000001AAA"]},
        "entitlements": {"refund_limit": 50, "tier": "gold"},
        "turns": [{"role": "customer", "text": "My order arrived broken."}],
        "metadata": {"queue": {"name": "billing", "skill": 3}},
    }
    return ConversationIn.model_validate(data | overrides)


def read(n: int, at: datetime) -> ReadRecord:
    return ReadRecord(object="Case", id=f"500{n:015d}", fields={"Status": "New"}, at=at)


def write(at: datetime, account: str | None = ACCOUNT, **overrides: Any) -> WriteRecord:
    data: dict[str, Any] = {
        "decision_id": uuid.uuid4().hex,
        "object": "Case",
        "operation": "update",
        "id": "500000000000001AAA",
        "fields": {"AccountId": account} if account else {},
        "decision": "allow",
        "at": at,
    }
    return WriteRecord(**(data | overrides))


async def test_put_then_get_returns_what_was_put(backend: Backend) -> None:
    store = backend.store()
    put = await store.put("c-1", conversation())
    assert put.id == "c-1"
    assert put.channel == "voice"
    assert put.customer.account_ids == [ACCOUNT]
    assert put.entitlements == {"refund_limit": 50, "tier": "gold"}
    assert put.turns == [Turn(role="customer", text="My order arrived broken.")]
    assert put.metadata == {"queue": {"name": "billing", "skill": 3}}
    assert put.reads == put.writes == []
    assert put.created_at == put.updated_at
    assert await store.get("c-1") == put
    assert await store.get("c-2") is None


async def test_put_replaces_what_the_platform_said_and_keeps_the_records(
    backend: Backend,
) -> None:
    store = backend.store()
    first = await store.put("c-1", conversation())
    await store.record_reads("c-1", [read(1, backend.now())])
    await save_write(store, "c-1", write(backend.now()))
    await backend.wait(0.01)
    second = await store.put("c-1", ConversationIn(channel="chat"))
    assert second.channel == "chat"
    assert second.turns == []
    assert second.entitlements == {}
    assert len(second.reads) == len(second.writes) == 1
    assert second.created_at == first.created_at
    assert second.updated_at > first.updated_at
    assert second.version > first.version


async def test_patch_merges_what_was_sent(backend: Backend) -> None:
    store = backend.store()
    await store.put("c-1", conversation(outcome="escalated"))
    patch = ConversationPatch.model_validate(
        {
            "customer": {"verified": True},
            "entitlements": {"refund_limit": 80, "tier": None},
            "metadata": {"queue": {"skill": 5}},
            "outcome": None,
            "turns": [{"role": "agent", "text": "Let me check."}],
        }
    )
    patched = await store.patch("c-1", patch)
    assert patched is not None
    # Objects merge member by member; null removes; lists replace.
    assert patched.customer.verified is True
    assert patched.customer.account_ids == [ACCOUNT]
    assert patched.entitlements == {"refund_limit": 80}
    assert patched.metadata == {"queue": {"name": "billing", "skill": 5}}
    assert patched.outcome is None
    assert patched.turns == [Turn(role="agent", text="Let me check.")]
    assert patched.channel == "voice"  # not sent, kept
    assert await store.get("c-1") == patched
    assert await store.patch("nobody", patch) is None


async def test_append_turns_keeps_order_and_the_transcript_limit(backend: Backend) -> None:
    store = backend.store()
    await store.put("c-1", conversation())
    turns = [Turn(role="agent", text="Sorry to hear."), Turn(role="customer", text="Refund?")]
    appended = await store.append_turns("c-1", turns)
    assert appended is not None
    assert [t.text for t in appended.turns] == [
        "My order arrived broken.",
        "Sorry to hear.",
        "Refund?",
    ]
    too_many = [Turn(role="system", text="x")] * (MAX_TURNS - 2)
    with pytest.raises(ValidationError, match="at most 2000"):
        await store.append_turns("c-1", too_many)
    assert await store.get("c-1") == appended  # refused whole, nothing half-applied
    assert await store.append_turns("nobody", turns) is None


async def test_delete_forgets_the_conversation_and_its_records(backend: Backend) -> None:
    store = backend.store()
    await store.put("c-1", conversation())
    await store.record_reads("c-1", [read(1, backend.now())])
    assert await store.delete("c-1") is True
    assert await store.get("c-1") is None
    assert await store.delete("c-1") is False
    again = await store.put("c-1", conversation())
    assert again.reads == []


async def test_every_change_takes_a_higher_version_even_after_a_delete(
    backend: Backend,
) -> None:
    store = backend.store()
    now = backend.now()
    changes: list[Callable[[], Awaitable[Any]]] = [
        lambda: store.put("c-1", conversation()),
        lambda: store.patch("c-1", ConversationPatch(outcome="resolved")),
        lambda: store.append_turns("c-1", [Turn(role="agent", text="Done.")]),
        lambda: store.record_reads("c-1", [read(1, now)]),
        lambda: save_write(store, "c-1", write(now)),
        lambda: store.put("c-1", conversation()),
        lambda: store.delete("c-1"),
        lambda: store.put("c-1", conversation()),  # a cache keyed (id, version) stays right
    ]
    versions = []
    for change in changes:
        await change()
        current = await store.get("c-1")
        if current is not None:
            versions.append(current.version)
    assert versions == sorted(set(versions))
    assert len(versions) == len(changes) - 1


async def test_reads_and_writes_are_appended_and_keep_the_newest(backend: Backend) -> None:
    store = backend.store()
    await store.put("c-1", conversation())
    now = backend.now()
    await store.record_reads("c-1", [read(n, now) for n in range(300)])
    await store.record_reads("c-1", [read(n, now) for n in range(300, 650)])
    await store.record_reads("c-1", [])  # nothing to add: no change
    for n in range(MAX_RECORDED):
        await save_write(store, "c-1", write(now + timedelta(seconds=n), decision_id=f"d{n}"))
    whole = await store.get("c-1")
    assert whole is not None
    assert whole.forgotten is None
    for n in range(MAX_RECORDED, MAX_RECORDED + 3):
        await save_write(store, "c-1", write(now + timedelta(seconds=n), decision_id=f"d{n}"))
    got = await store.get("c-1")
    assert got is not None
    assert [r.id for r in got.reads] == [read(n, now).id for n in range(650 - MAX_RECORDED, 650)]
    assert [w.decision_id for w in got.writes] == [f"d{n}" for n in range(3, MAX_RECORDED + 3)]
    # The history says from when it is incomplete: the newest write it dropped.
    assert got.forgotten == now + timedelta(seconds=2)


async def test_records_for_an_unknown_conversation_are_dropped(backend: Backend) -> None:
    store = backend.store()
    now = backend.now()
    await store.record_reads("later", [read(1, now)])
    await save_write(store, "later", write(now))
    assert await store.get("later") is None
    created = await store.put("later", conversation())
    assert created.reads == created.writes == []
    # The account index is across conversations: the write counts there all the same.
    assert (
        len(
            await store.account_writes(
                SALESFORCE.record_key("Account", ACCOUNT), now - timedelta(minutes=1)
            )
        )
        == 1
    )


async def test_a_conversation_not_used_for_the_idle_time_is_gone(backend: Backend) -> None:
    store = backend.store(idle_seconds=1.0)
    await store.put("c-1", conversation())
    await store.put("c-2", conversation())
    await backend.wait(0.6)
    assert await store.get("c-1") is not None  # a read keeps it alive
    await store.record_reads("c-2", [read(1, backend.now())])  # so does a recorded read
    await backend.wait(0.6)
    assert await store.get("c-1") is not None
    assert await store.append_turns("c-2", [Turn(role="agent", text="still here")])
    await backend.wait(1.1)
    assert await store.get("c-1") is None
    assert await store.get("c-2") is None
    assert await store.patch("c-2", ConversationPatch(outcome="resolved")) is None


async def test_account_writes_cover_the_window_asked_within_the_retention(
    backend: Backend,
) -> None:
    store = backend.store()
    now = backend.now()
    old = write(now - timedelta(hours=25), decision_id="too-old")
    earlier = write(now - timedelta(hours=3), decision_id="earlier")
    recent = write(
        now - timedelta(minutes=10), fields={"Account__c": ACCOUNT[:15]}, decision_id="recent"
    )
    account_itself = write(now, account=None, object="Account", id=ACCOUNT, decision_id="self")
    elsewhere = write(now, account=OTHER_ACCOUNT, decision_id="elsewhere")
    no_account = write(now, account=None, decision_id="none")
    for record in (account_itself, recent, old, earlier, elsewhere, no_account):
        await save_write(store, None, record)

    def ids(records: list[WriteRecord]) -> list[str]:
        return [r.decision_id for r in records]

    # Oldest first; 15 and 18 character ids are the same account.
    assert ids(
        await store.account_writes(
            SALESFORCE.record_key("Account", ACCOUNT), now - timedelta(hours=1)
        )
    ) == [
        "recent",
        "self",
    ]
    assert ids(
        await store.account_writes(
            SALESFORCE.record_key("Account", ACCOUNT[:15]), now - timedelta(days=7)
        )
    ) == [
        "earlier",
        "recent",
        "self",
    ]
    assert ids(
        await store.account_writes(
            SALESFORCE.record_key("Account", OTHER_ACCOUNT), now - timedelta(hours=1)
        )
    ) == ["elsewhere"]
    assert (
        await store.account_writes(
            SALESFORCE.record_key("Account", "001000000000009AAA"), now - timedelta(days=1)
        )
        == []
    )


async def test_account_index_keeps_the_newest_writes_of_a_busy_account(backend: Backend) -> None:
    store = backend.store()
    start = backend.now() - timedelta(hours=1)
    for n in range(MAX_ACCOUNT_WRITES + 5):
        await save_write(store, None, write(start + timedelta(seconds=n), decision_id=f"d{n}"))
    kept = await store.account_writes(SALESFORCE.record_key("Account", ACCOUNT), start)
    assert [w.decision_id for w in kept] == [f"d{n}" for n in range(5, MAX_ACCOUNT_WRITES + 5)]


async def test_concurrent_changes_from_many_tasks_and_replicas_lose_nothing(
    backend: Backend,
) -> None:
    first, second = backend.replicas(2, 60.0)
    await first.put("busy", conversation())
    now = backend.now()

    async def reads(n: int) -> None:
        await (first if n % 2 else second).record_reads("busy", [read(n, now)])

    async def writes(n: int) -> None:
        await save_write(second if n % 2 else first, "busy", write(now, decision_id=f"w{n}"))

    async def turn(n: int) -> None:
        replica = first if n % 2 else second
        assert await replica.append_turns("busy", [Turn(role="agent", text=f"t{n}")])

    async def entitlement(n: int) -> None:
        replica = second if n % 2 else first
        assert await replica.patch("busy", ConversationPatch(entitlements={f"e{n}": n}))

    await asyncio.gather(
        *(reads(n) for n in range(MAX_RECORDED)),
        *(writes(n) for n in range(MAX_RECORDED)),
        *(turn(n) for n in range(25)),
        *(entitlement(n) for n in range(25)),
    )
    got = await second.get("busy")
    assert got is not None
    assert sorted(r.id for r in got.reads) == sorted(read(n, now).id for n in range(MAX_RECORDED))
    assert sorted(w.decision_id for w in got.writes) == sorted(f"w{n}" for n in range(MAX_RECORDED))
    assert sorted(t.text for t in got.turns[1:]) == sorted(f"t{n}" for n in range(25))
    assert {f"e{n}" for n in range(25)} <= got.entitlements.keys()
    assert (
        len(
            await first.account_writes(
                SALESFORCE.record_key("Account", ACCOUNT), now - timedelta(minutes=1)
            )
        )
        == 100
    )


async def test_a_store_that_answers_is_not_unavailable(backend: Backend) -> None:
    assert await backend.store().unavailable() is None


# Memory only: what keeps one process's memory bounded.


async def test_memory_sweeps_idle_conversations_without_being_asked_for_them() -> None:
    clock = FakeClock()
    store = MemoryConversationStore(60, clock)
    for n in range(100):
        await store.put(f"c-{n}", conversation())
    clock.now += timedelta(seconds=61)
    await store.put("fresh", conversation())
    assert store.size == 1


async def test_memory_evicts_the_least_recently_used_past_its_cap() -> None:
    store = MemoryConversationStore(60, max_conversations=2)
    await store.put("a", conversation())
    await store.put("b", conversation())
    assert await store.get("a") is not None
    await store.put("c", conversation())
    assert store.size == 2
    assert await store.get("b") is None
    assert await store.get("a") is not None


# Redis only: the layout other replicas rely on, and failing closed.


async def test_redis_keys_share_the_idle_ttl_and_the_account_index_the_retention(
    redis_url: str,
) -> None:
    prefix = f"guardrail-test:{uuid.uuid4().hex}:"
    store = RedisConversationStore.open(redis_url, 30, prefix)
    client = redis.asyncio.Redis.from_url(redis_url, decode_responses=True)
    try:
        await store.put("c-1", conversation())
        await store.record_reads("c-1", [read(1, datetime.now(UTC))])
        await save_write(store, "c-1", write(datetime.now(UTC)))
        for kind in ("conv", "reads", "writes"):
            assert 29_000 < await client.pttl(f"{prefix}{kind}:c-1") <= 30_000
        assert 23 * 3600 < await client.ttl(f"{prefix}account:{ACCOUNT[:15]}") <= 24 * 3600
        assert await client.type(f"{prefix}reads:c-1") == "list"
        assert await client.type(f"{prefix}account:{ACCOUNT[:15]}") == "zset"
        got = await store.get("c-1")
        assert got is not None
        assert int(await client.get(f"{prefix}version")) == got.version
    finally:
        await store.close()
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        await client.delete(*keys)
        await client.aclose()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_redis_down_is_context_unavailable() -> None:
    store = RedisConversationStore.open(f"redis://127.0.0.1:{closed_port()}/0", 60, timeout=1)
    now = datetime.now(UTC)
    calls: list[Callable[[], Awaitable[Any]]] = [
        lambda: store.get("c-1"),
        lambda: store.put("c-1", conversation()),
        lambda: store.patch("c-1", ConversationPatch(outcome="resolved")),
        lambda: store.append_turns("c-1", [Turn(role="agent", text="hi")]),
        lambda: store.delete("c-1"),
        lambda: store.record_reads("c-1", [read(1, now)]),
        lambda: save_write(store, None, write(now)),
        lambda: store.account_writes(SALESFORCE.record_key("Account", ACCOUNT), now),
    ]
    try:
        for call in calls:
            with pytest.raises(ContextUnavailable) as caught:
                await call()
            assert caught.value.status == 503
            assert caught.value.code == "GUARDRAIL_CONTEXT_UNAVAILABLE"
        assert "Redis does not answer" in (await store.unavailable() or "")
    finally:
        await store.close()


def test_open_store_without_a_url_is_memory_and_a_bad_url_is_a_config_error() -> None:
    assert isinstance(open_store(None, 60), MemoryConversationStore)
    with pytest.raises(ConfigError, match="redis_url"):
        open_store("http://127.0.0.1:6379", 60)


async def test_open_store_with_a_url_is_redis(redis_url: str) -> None:
    shared = open_store(redis_url, 60)
    assert isinstance(shared, RedisConversationStore)
    assert await shared.unavailable() is None
    await shared.close()


async def test_rev_moves_with_what_was_said_not_with_reads_and_writes(backend: Backend) -> None:
    store = backend.store()
    created = await store.put("c-rev", conversation())
    await store.record_reads("c-rev", [read(1, backend.now())])
    after_read = await store.get("c-rev")
    assert after_read is not None
    assert after_read.version > created.version
    assert after_read.rev == created.rev  # a transcript digest cached per rev stays valid
    appended = await store.append_turns("c-rev", [Turn(role="customer", text="And a refund.")])
    assert appended is not None
    assert appended.rev > after_read.rev
    patched = await store.patch("c-rev", ConversationPatch(outcome="resolved"))
    assert patched is not None
    assert patched.rev > appended.rev


async def test_a_bulk_job_is_seen_by_every_replica_and_takes_one_upload(backend: Backend) -> None:
    first, second = backend.replicas(2, 1.0)
    job = BulkJob("750SB0000000001YAA", "c-1", JobSpec("Case", "upsert", "External_Id__c"))
    await first.put_job(job)
    assert await second.get_job(job.id) == job
    rows = {"d-1": (JudgedRow("row 1", "create", "AC-1"),),
            "d-2": (JudgedRow("row 1", "update", "AC-2", "500SB0000000001AAA"),)}  # fmt: skip
    claims = await asyncio.gather(first.claim_upload(job.id, "d-1", rows["d-1"]),
                                  second.claim_upload(job.id, "d-2", rows["d-2"]))  # fmt: skip
    assert sorted(claims) == [False, True]
    uploaded = await first.get_job(job.id)
    assert uploaded is not None
    assert uploaded.uploaded == ("d-1" if claims[0] else "d-2")
    assert uploaded.rows == rows[uploaded.uploaded]  # how the claiming upload judged its rows
    assert await second.claim_upload("750SB0000000009YAA", "d-3") is False
    await backend.wait(1.1)
    assert await first.get_job(job.id) is None


async def test_a_reading_is_kept_with_its_revision_and_shared_by_replicas(
    backend: Backend,
) -> None:
    first, second = backend.replicas(2, 60.0)
    put = await first.put("c-u", conversation())
    reading = {"version": 1, "backend": "lexical", "rev": put.rev, "asks": []}
    assert await first.save_understanding("c-u", put.rev, reading)
    seen = await second.get("c-u")
    assert seen is not None
    assert seen.understanding == reading


async def test_a_reading_of_older_turns_is_neither_kept_nor_shown(backend: Backend) -> None:
    store = backend.store()
    put = await store.put("c-u", conversation())
    await store.save_understanding("c-u", put.rev, {"rev": put.rev})
    newer = await store.append_turns("c-u", [Turn(role="customer", text="Actually, no.")])
    assert newer is not None
    assert newer.understanding is None  # the new turns made the stored reading stale
    assert not await store.save_understanding("c-u", put.rev, {"rev": put.rev})
    got = await store.get("c-u")
    assert got is not None
    assert got.understanding is None
