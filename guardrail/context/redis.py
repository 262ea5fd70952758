"""The conversation store in Redis: shared by every proxy replica and outliving their restarts.

Layout under the prefix (default ``guardrail:``), for conversation X and account A:

- ``conv:X``: a hash: ``platform`` (what the platform said, one JSON value), ``created_at``,
  ``updated_at``, ``version``, ``rev`` (the version at which ``platform`` last changed) and,
  once a write was trimmed from its history, ``forgotten`` (that write's time);
- ``reads:X``, ``writes:X``: lists of JSON records, RPUSHed and LTRIMmed to MAX_RECORDED;
- ``account:A``: a sorted set of JSON write records scored by their time, trimmed to the
  retention and to MAX_ACCOUNT_WRITES;
- ``version``: the one counter every change INCRs (see guardrail.context.changes);
- ``job:J``: a hash for bulk job J: ``spec`` (guardrail.context.jobs, JSON) and, once its one
  upload was let through, ``uploaded`` (set with HSETNX, so only one upload ever claims it)
  and ``rows`` (how its upsert rows were judged, JSON, written by that upload alone).

A conversation's keys share one TTL that every access refreshes, so idle expiry is Redis's own.

What depends on stored state runs as a Lua script, which Redis runs atomically: an append checks
that the conversation exists, pushes, trims and bumps the version in one step, so concurrent
appends from any number of replicas are never lost. PATCH and turn appends are read, merged here
with the rules in ``changes`` and saved only if ``rev`` is still the one read, else redone.
Comparing ``rev`` rather than WATCHing the key matters: every append refreshes the hash's TTL,
which would abort a WATCH although nothing the merge depends on changed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, NamedTuple, cast

import orjson
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError, RedisError

from guardrail.context.changes import (
    ACCOUNT_RETENTION,
    MAX_ACCOUNT_WRITES,
    account_window_start,
    assemble,
    patched,
    utc_now,
    with_turns,
)
from guardrail.context.jobs import BulkJob, JudgedRow, rows_json
from guardrail.context.lru import Lru
from guardrail.context.model import (
    MAX_RECORDED,
    READ_JSON,
    WRITE_JSON,
    Conversation,
    ConversationIn,
    ConversationPatch,
    ReadRecord,
    Turn,
    WriteRecord,
)
from guardrail.errors import ConfigError, ContextUnavailable

#: Decoded values kept per store: the platforms of the calls in progress, and their records and
#: their accounts' (MAX_ACCOUNT_WRITES each) newest.
_DECODED_PLATFORMS = 256
_DECODED_RECORDS = 4 * MAX_ACCOUNT_WRITES
_FIELDS = ("platform", "created_at", "updated_at", "version", "rev", "understanding", "forgotten")

# KEYS: conversation hash, reads list, writes list, version counter.
# ARGV: idle ms, now, platform JSON, the rev the change was based on ("" to create or replace).
# Returns the saved conversation's parts, or nil when the rev is no longer current.
_SAVE = """
local conv = KEYS[1]
if ARGV[4] ~= '' and redis.call('HGET', conv, 'rev') ~= ARGV[4] then
  return false
end
local version = redis.call('INCR', KEYS[4])
redis.call('HSETNX', conv, 'created_at', ARGV[2])
redis.call('HSET', conv, 'platform', ARGV[3], 'updated_at', ARGV[2],
           'version', version, 'rev', version)
redis.call('HDEL', conv, 'understanding')
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
return {redis.call('HMGET', conv, 'platform', 'created_at', 'updated_at', 'version', 'rev',
                   'understanding', 'forgotten'),
        redis.call('LRANGE', KEYS[2], 0, -1), redis.call('LRANGE', KEYS[3], 0, -1)}
"""

# KEYS: conversation hash, the list appended to, the conversation's other list, version counter.
# ARGV: idle ms, now, how many records the list keeps, the hash field that remembers the time of
# the newest record the trim drops ('' for none), the records.
_APPEND = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], unpack(ARGV, 5))
local over = redis.call('LLEN', KEYS[2]) - tonumber(ARGV[3])
if over > 0 and ARGV[4] ~= '' then
  local dropped = cjson.decode(redis.call('LINDEX', KEYS[2], over - 1))
  redis.call('HSET', KEYS[1], ARGV[4], dropped['at'])
end
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
redis.call('HSET', KEYS[1], 'updated_at', ARGV[2], 'version', redis.call('INCR', KEYS[4]))
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
return 1
"""


# KEYS: conversation hash. ARGV: the rev the reading is of, the reading's JSON.
# Kept only while that rev is current: a reading of older turns must not pass for the new.
_UNDERSTOOD = """
if redis.call('HGET', KEYS[1], 'rev') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'understanding', ARGV[2])
return 1
"""


class _Keys(NamedTuple):
    conv: str
    reads: str
    writes: str


@contextmanager
def answering(what: str = "conversation store") -> Iterator[None]:
    """Turn any Redis failure into the error the proxy fails closed on."""
    try:
        yield
    except RedisError as exc:
        raise ContextUnavailable(f"{what}: {exc}") from exc


def connect(url: str, *, timeout: float = 2.0, max_connections: int = 50) -> Redis:
    """A client over a pool for ``url``; connects on first use. Raises ConfigError.

    ``timeout`` bounds every connect, reply and wait for a pooled connection: the proxy
    waits on Redis before each write (and, with agent tokens, each request), so a Redis that
    hangs must fail the request (closed) rather than hold it. A burst of requests waits for
    one of ``max_connections`` instead of failing. One immediate retry, on connection errors
    only, replaces a pooled connection Redis dropped (a restart, an idle timeout) without
    re-sending a command that timed out, which might have run.
    """
    try:
        pool = BlockingConnectionPool.from_url(
            url,
            max_connections=max_connections,
            timeout=timeout,
            decode_responses=True,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 1, supported_errors=(ConnectionError,)),
        )
    except ValueError as exc:  # the message names the problem, never the URL's password
        raise ConfigError(f"redis_url: {exc}") from None
    return Redis.from_pool(pool)


class RedisConversationStore:
    """``ConversationStore`` in Redis, over one ``redis.asyncio`` client and its pool."""

    def __init__(self, client: Redis, idle_seconds: float, prefix: str = "guardrail:") -> None:
        self._redis = client
        self._idle_ms = max(1, round(idle_seconds * 1000))
        self._prefix = prefix
        self._counter = f"{prefix}version"
        self._save_script = client.register_script(_SAVE)
        self._append_script = client.register_script(_APPEND)
        self._understood_script = client.register_script(_UNDERSTOOD)
        # What a load decoded, by the JSON it was decoded from: a record never changes once
        # stored, and a platform only with its rev, so every write of a call (and each account
        # query) decodes only what is new since the last, not its whole history again.
        self._platforms: Lru[ConversationIn] = Lru(_DECODED_PLATFORMS)
        self._reads: Lru[ReadRecord] = Lru(_DECODED_RECORDS)
        self._writes: Lru[WriteRecord] = Lru(_DECODED_RECORDS)

    @classmethod
    def open(
        cls,
        url: str,
        idle_seconds: float,
        prefix: str = "guardrail:",
        *,
        timeout: float = 2.0,
        max_connections: int = 50,
    ) -> RedisConversationStore:
        """A store over a pool for ``url`` (see ``connect``). Raises ConfigError."""
        return cls(
            connect(url, timeout=timeout, max_connections=max_connections), idle_seconds, prefix
        )

    async def get(self, conversation_id: str) -> Conversation | None:
        return await self._load(conversation_id)

    async def put(self, conversation_id: str, data: ConversationIn) -> Conversation:
        saved = await self._save(conversation_id, data, rev="")
        return self._parse(conversation_id, saved)

    async def patch(self, conversation_id: str, data: ConversationPatch) -> Conversation | None:
        return await self._update(conversation_id, lambda platform: patched(platform, data))

    async def append_turns(
        self, conversation_id: str, turns: Sequence[Turn]
    ) -> Conversation | None:
        return await self._update(conversation_id, lambda platform: with_turns(platform, turns))

    async def save_understanding(
        self, conversation_id: str, rev: int, understanding: dict[str, Any]
    ) -> bool:
        conv = self._keys(conversation_id).conv
        with answering():
            saved = await self._understood_script(
                keys=[conv], args=[str(rev), orjson.dumps(understanding).decode()]
            )
        return bool(saved)

    async def delete(self, conversation_id: str) -> bool:
        keys = self._keys(conversation_id)
        with answering():
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.delete(keys.conv)
                pipe.delete(keys.reads, keys.writes)
                existed, _ = await pipe.execute()
        return bool(existed)

    async def record_reads(self, conversation_id: str, reads: Sequence[ReadRecord]) -> None:
        if reads:
            keys = self._keys(conversation_id)
            # Only the newest MAX_RECORDED can survive the trim; sending more would only
            # risk Lua's argument limit.
            records = [READ_JSON.dump_json(r) for r in reads[-MAX_RECORDED:]]
            await self._append(keys.conv, keys.reads, keys.writes, "", records)

    async def record_write(
        self, conversation_id: str | None, write: WriteRecord, accounts: Collection[str]
    ) -> None:
        record = WRITE_JSON.dump_json(write)
        if conversation_id:
            keys = self._keys(conversation_id)
            await self._append(keys.conv, keys.writes, keys.reads, "forgotten", [record])
        if not accounts:
            return
        expired = (utc_now() - ACCOUNT_RETENTION).timestamp()
        retention_ms = round(ACCOUNT_RETENTION.total_seconds() * 1000)
        with answering():
            async with self._redis.pipeline(transaction=True) as pipe:
                for account in sorted(accounts):
                    key = self._account(account)
                    pipe.zadd(key, {record: write.at.timestamp()})
                    pipe.zremrangebyscore(key, "-inf", f"({expired}")
                    pipe.zremrangebyrank(key, 0, -MAX_ACCOUNT_WRITES - 1)
                    pipe.pexpire(key, retention_ms)
                await pipe.execute()

    async def account_writes(self, account: str, since: datetime) -> list[WriteRecord]:
        start = account_window_start(since, utc_now()).timestamp()
        key = self._account(account)
        with answering():
            # Without withscores, redis-py's declared union narrows to the members alone.
            members = cast(list[str], await self._redis.zrangebyscore(key, start, "+inf"))
        return [self._write(m) for m in members]

    async def put_job(self, job: BulkJob) -> None:
        key = self._job(job.id)
        with answering():
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hset(key, "spec", job.to_json())
                pipe.pexpire(key, self._idle_ms)
                await pipe.execute()

    async def get_job(self, job_id: str) -> BulkJob | None:
        key = self._job(job_id)
        with answering():
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hmget(key, ["spec", "uploaded", "rows"])
                pipe.pexpire(key, self._idle_ms)
                (spec, uploaded, rows), _ = await pipe.execute()
        return None if spec is None else BulkJob.from_json(spec, uploaded, rows)

    async def claim_upload(
        self, job_id: str, decision_id: str, rows: tuple[JudgedRow, ...] = ()
    ) -> bool:
        key = self._job(job_id)
        with answering():
            if not await self._redis.exists(key):
                return False
            if not await self._redis.hsetnx(key, "uploaded", decision_id):
                return False
            if rows:  # only the upload that claimed the job writes them
                await self._redis.hset(key, "rows", rows_json(rows))
            return True

    async def unavailable(self) -> str | None:
        try:
            await self._redis.ping()
        except RedisError as exc:
            return f"Redis does not answer: {type(exc).__name__}: {exc}"
        return None

    async def close(self) -> None:
        await self._redis.aclose()

    def _keys(self, conversation_id: str) -> _Keys:
        # The kind comes before the id, so no id (whatever it contains) can name another's key.
        p = self._prefix
        return _Keys(
            f"{p}conv:{conversation_id}",
            f"{p}reads:{conversation_id}",
            f"{p}writes:{conversation_id}",
        )

    def _job(self, job_id: str) -> str:
        return f"{self._prefix}job:{job_id}"

    def _account(self, account: str) -> str:
        return f"{self._prefix}account:{account}"

    async def _load(self, conversation_id: str) -> Conversation | None:
        """The conversation and its records in one round trip, refreshing its TTL."""
        keys = self._keys(conversation_id)
        with answering():
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hmget(keys.conv, _FIELDS)
                pipe.lrange(keys.reads, 0, -1)
                pipe.lrange(keys.writes, 0, -1)
                for key in keys:
                    pipe.pexpire(key, self._idle_ms)
                fields, reads, writes, *_ = await pipe.execute()
        if fields[0] is None:
            return None
        return self._parse(conversation_id, [fields, reads, writes])

    async def _update(
        self, conversation_id: str, change: Callable[[ConversationIn], ConversationIn]
    ) -> Conversation | None:
        """Read, change and save, unless another platform change landed in between: then redo
        the change on top of that one. Each redo means someone else's change succeeded, so the
        loop ends when contention does."""
        conv = self._keys(conversation_id).conv
        while True:
            with answering():
                found = await self._redis.hmget(conv, ["platform", "rev"])
            platform, rev = cast(list[str | None], found)
            if platform is None or rev is None:  # _SAVE writes both at once: none there
                return None
            changed = change(ConversationIn.model_validate_json(platform))
            saved = await self._save(conversation_id, changed, rev)
            if saved is not None:
                return self._parse(conversation_id, saved)

    async def _save(self, conversation_id: str, platform: ConversationIn, rev: str) -> Any:
        """Run the save script: the saved parts, or None when ``rev`` is no longer current."""
        keys = self._keys(conversation_id)
        args: list[str | int] = [
            self._idle_ms,
            utc_now().isoformat(),
            platform.model_dump_json(),
            rev,
        ]
        with answering():
            return await self._save_script(keys=[*keys, self._counter], args=args)

    async def _append(
        self, conv: str, target: str, other: str, forgotten: str, records: list[bytes]
    ) -> None:
        args: list[str | bytes | int] = [
            self._idle_ms,
            utc_now().isoformat(),
            MAX_RECORDED,
            forgotten,
            *records,
        ]
        with answering():
            await self._append_script(keys=[conv, target, other, self._counter], args=args)

    def _read(self, text: str) -> ReadRecord:
        return self._reads.get(text, lambda: READ_JSON.validate_json(text))

    def _write(self, text: str) -> WriteRecord:
        return self._writes.get(text, lambda: WRITE_JSON.validate_json(text))

    def _parse(self, conversation_id: str, parts: Sequence[Any]) -> Conversation:
        """A conversation from the parts ``_load`` and ``_SAVE`` return: the hash's fields
        (in ``_FIELDS`` order) and the two lists."""
        (
            (platform, created_at, updated_at, version, rev, understanding, forgotten),
            reads,
            writes,
        ) = parts
        return assemble(
            conversation_id,
            self._platforms.get(platform, lambda: ConversationIn.model_validate_json(platform)),
            created_at=datetime.fromisoformat(created_at),
            updated_at=datetime.fromisoformat(updated_at),
            version=int(version),
            rev=int(rev),
            reads=[self._read(r) for r in reads],
            writes=[self._write(w) for w in writes],
            understanding=orjson.loads(understanding) if understanding else None,
            forgotten=datetime.fromisoformat(forgotten) if forgotten else None,
        )
