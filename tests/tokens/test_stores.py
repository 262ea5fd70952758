"""Both agent token stores, one suite; the token's own rules (shape, digest, scopes, status).

Redis runs are against a real Redis (GUARDRAIL_TEST_REDIS_URL, default 127.0.0.1:6379), each
test under its own key prefix, removed afterwards; without one they skip, except under CI.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest
import redis
import redis.asyncio
from pydantic import ValidationError

from guardrail.context.redis import connect
from guardrail.tokens.memory import MemoryTokenStore
from guardrail.tokens.model import (
    RETAIN_AFTER_EXPIRY,
    AgentToken,
    Revocation,
    Scopes,
    TokenIn,
    TokenStatus,
    digest,
    issue,
    token_id_of,
)
from guardrail.tokens.redis import RedisTokenStore
from guardrail.tokens.store import TokenStore

REDIS_URL = os.environ.get("GUARDRAIL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

Replicas = Callable[[int], list[TokenStore]]


@pytest.fixture(scope="session")
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs a Redis at {REDIS_URL}: {exc}")
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")
    return REDIS_URL


@pytest.fixture(params=["memory", "redis"])
async def replicas(request: pytest.FixtureRequest) -> AsyncIterator[Replicas]:
    """``replicas(n)``: n stores over the same tokens, as n proxy replicas would hold them."""
    if request.param == "memory":
        store = MemoryTokenStore()
        yield lambda n: [store] * n
        return
    url = request.getfixturevalue("redis_url")
    prefix = f"guardrail-test-{uuid.uuid4().hex[:8]}:"
    opened: list[RedisTokenStore] = []

    def open_replicas(n: int) -> list[TokenStore]:
        stores = [RedisTokenStore(connect(url), prefix) for _ in range(n)]
        opened.extend(stores)
        return list(stores)

    yield open_replicas
    for store in opened:
        await store.close()
    client = redis.asyncio.Redis.from_url(url)
    async for key in client.scan_iter(f"{prefix}*"):
        await client.delete(key)
    await client.aclose()


async def issued(
    store: TokenStore, conversation: str = "conv-1", agent: str = "agent-1", ttl: int = 60
) -> tuple[str, AgentToken]:
    token, record = issue(conversation, TokenIn(agent=agent), ttl, datetime.now(UTC))
    await store.add(record)
    return token, record


async def test_a_token_is_found_by_its_id_and_matches_only_itself(replicas: Replicas) -> None:
    [store] = replicas(1)
    token, record = await issued(store)
    found = await store.find(record.token_id)
    assert found == record
    assert found.digested(digest(token))
    assert not found.digested(digest(token[:-1] + ("A" if token[-1] != "A" else "B")))
    assert token not in found.model_dump_json()
    assert found.status(datetime.now(UTC)) is TokenStatus.ACTIVE
    assert await store.find("0" * 16) is None


async def test_what_redis_holds_is_the_digest_never_the_token(redis_url: str) -> None:
    prefix = f"guardrail-test-{uuid.uuid4().hex[:8]}:"
    store = RedisTokenStore(connect(redis_url), prefix)
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        token, record = await issued(store)
        keys = list(client.scan_iter(f"{prefix}*"))
        dumped = [
            str(client.hgetall(k) if client.type(k) == "hash" else client.smembers(k)) for k in keys
        ]
        assert any(record.digest in d for d in dumped)
        assert not any(token in d or token.split(".")[2] in d for d in dumped)
    finally:
        await store.close()
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)


async def test_one_replica_issues_another_finds_lists_and_revokes(replicas: Replicas) -> None:
    first, second = replicas(2)
    _, one = await issued(first, "conv-a")
    _, two = await issued(first, "conv-a", agent="agent-2")
    _, other = await issued(first, "conv-b")
    assert [t.token_id for t in await second.of_conversation("conv-a")] == [
        one.token_id,
        two.token_id,
    ]
    assert await second.revoke("conv-a", one.token_id) is Revocation.REVOKED
    assert await first.revoke("conv-a", one.token_id) is Revocation.ALREADY
    revoked = await first.find(one.token_id)
    assert revoked is not None
    assert revoked.revoked_at is not None
    assert revoked.status(datetime.now(UTC)) is TokenStatus.REVOKED
    # Another conversation's token is not this conversation's to revoke.
    assert await second.revoke("conv-a", other.token_id) is Revocation.UNKNOWN
    assert await second.revoke("conv-a", "f" * 16) is Revocation.UNKNOWN


async def test_revoking_a_conversation_revokes_its_tokens_only(replicas: Replicas) -> None:
    first, second = replicas(2)
    _, one = await issued(first, "conv-a")
    _, two = await issued(first, "conv-a")
    _, other = await issued(first, "conv-b")
    await first.revoke("conv-a", one.token_id)
    assert await second.revoke_conversation("conv-a") == 1  # the other was revoked already
    assert all(t.revoked_at for t in await first.of_conversation("conv-a"))
    assert (await first.find(two.token_id)).revoked_at is not None  # type: ignore[union-attr]
    assert (await first.find(other.token_id)).revoked_at is None  # type: ignore[union-attr]
    assert await second.revoke_conversation("conv-none") == 0


async def test_memory_records_expire_then_are_forgotten() -> None:
    now = [NOW]
    store = MemoryTokenStore(lambda: now[0])
    _token, record = issue("conv", TokenIn(agent="a"), 60, NOW)
    await store.add(record)
    now[0] = NOW + timedelta(seconds=61)
    found = await store.find(record.token_id)
    assert found is not None
    assert found.status(now[0]) is TokenStatus.EXPIRED
    now[0] = NOW + timedelta(seconds=60) + RETAIN_AFTER_EXPIRY
    assert await store.find(record.token_id) is None
    assert await store.of_conversation("conv") == []


async def test_memory_store_is_capped_dropping_the_records_due_first() -> None:
    store = MemoryTokenStore(lambda: NOW, max_tokens=2)
    records = [issue("conv", TokenIn(agent="a"), ttl, NOW)[1] for ttl in (300, 100, 200)]
    for record in records:
        await store.add(record)
    assert {t.token_id for t in await store.of_conversation("conv")} == {
        records[0].token_id,
        records[2].token_id,
    }


def test_tokens_are_random_shaped_and_name_their_id() -> None:
    tokens = {issue("c", TokenIn(agent="a"), 60, NOW)[0] for _ in range(50)}
    assert len(tokens) == 50
    for token in tokens:
        assert token.startswith("grt.")
        assert token_id_of(token) == token.split(".")[1]
    assert token_id_of("sandbox-token") is None
    assert token_id_of("grt.0123456789abcdef.short") is None


def test_scopes_compare_objects_case_insensitively_and_validate() -> None:
    scopes = Scopes(objects=["Case", "account"], operations=["read", "update"])
    assert scopes.allows_object("case")
    assert scopes.allows_object("Account")
    assert not scopes.allows_object("Refund__c")
    assert scopes.allows_operation("read")
    assert not scopes.allows_operation("delete")
    assert Scopes().allows_object("Anything")
    assert Scopes().allows_operation("delete")
    with pytest.raises(ValidationError):
        Scopes(objects=["Case; DROP"])
    with pytest.raises(ValidationError):
        Scopes.model_validate({"operations": ["write"]})
    with pytest.raises(ValidationError):
        Scopes(objects=[])
