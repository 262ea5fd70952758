"""Agent tokens in Redis: issued through one replica, honoured and revoked through any.

Layout under the prefix (default ``guardrail:``), for token T of conversation X:

- ``agent-token:T``: a hash: ``conversation``, ``record`` (the AgentToken as JSON, without its
  revocation) and, once revoked, ``revoked_at``; it expires at the record's ``forget_at``;
- ``agent-tokens:X``: the set of X's token ids, kept as long as its longest-lived record.

Revocation is one ``HSETNX`` of ``revoked_at`` inside a script that first checks the token is
there and is the conversation's, so it cannot revive a forgotten key nor revoke another
conversation's token, and two replicas revoking at once count it once.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import cast

from redis.asyncio import Redis

from guardrail.context.changes import utc_now
from guardrail.context.redis import answering
from guardrail.tokens.model import AgentToken, Revocation

# KEYS: the token hashes to revoke. ARGV: the conversation they must belong to, now (ISO).
# Returns, per key: 0 no such token (or another conversation's), 1 revoked now, 2 already.
_REVOKE = """
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('HGET', key, 'conversation') ~= ARGV[1] then
    out[i] = 0
  elseif redis.call('HSETNX', key, 'revoked_at', ARGV[2]) == 1 then
    out[i] = 1
  else
    out[i] = 2
  end
end
return out
"""
_RESULTS = {0: Revocation.UNKNOWN, 1: Revocation.REVOKED, 2: Revocation.ALREADY}
_STORE = "agent token store"


class RedisTokenStore:
    """``TokenStore`` in Redis, over a ``redis.asyncio`` client (``context.redis.connect``)."""

    def __init__(self, client: Redis, prefix: str = "guardrail:") -> None:
        self._redis = client
        self._prefix = prefix
        self._revoke_script = client.register_script(_REVOKE)

    async def add(self, token: AgentToken) -> None:
        key, index = self._token(token.token_id), self._index(token.conversation)
        record = token.model_dump_json(exclude={"revoked_at"})
        forget_ms = _ms(token.forget_at)
        with answering(_STORE):
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hset(key, mapping={"conversation": token.conversation, "record": record})
                pipe.pexpireat(key, forget_ms)
                pipe.sadd(index, token.token_id)
                # A new set has no expiry (NX sets one); an existing one only ever grows (GT).
                pipe.pexpireat(index, forget_ms, nx=True)
                pipe.pexpireat(index, forget_ms, gt=True)
                await pipe.execute()

    async def find(self, token_id: str) -> AgentToken | None:
        with answering(_STORE):
            found = await self._redis.hmget(self._token(token_id), ["record", "revoked_at"])
        record, revoked_at = cast(list[str | None], found)
        return _parse(record, revoked_at)

    async def of_conversation(self, conversation_id: str) -> list[AgentToken]:
        with answering(_STORE):
            ids = sorted(cast(set[str], await self._redis.smembers(self._index(conversation_id))))
            async with self._redis.pipeline(transaction=False) as pipe:
                for token_id in ids:
                    pipe.hmget(self._token(token_id), ["record", "revoked_at"])
                rows = await pipe.execute()
        tokens = [t for t in (_parse(*row) for row in rows) if t is not None]
        return sorted(tokens, key=lambda t: t.issued_at)

    async def revoke(self, conversation_id: str, token_id: str) -> Revocation:
        [result] = await self._revoke(conversation_id, [token_id])
        return result

    async def revoke_conversation(self, conversation_id: str) -> int:
        with answering(_STORE):
            ids = cast(set[str], await self._redis.smembers(self._index(conversation_id)))
        results = await self._revoke(conversation_id, sorted(ids))
        return sum(1 for r in results if r is Revocation.REVOKED)

    async def close(self) -> None:
        await self._redis.aclose()

    async def _revoke(self, conversation_id: str, token_ids: list[str]) -> list[Revocation]:
        if not token_ids:
            return []
        keys = [self._token(t) for t in token_ids]
        with answering(_STORE):
            found = await self._revoke_script(
                keys=keys, args=[conversation_id, utc_now().isoformat()]
            )
        return [_RESULTS[int(n)] for n in cast(list[int], found)]

    def _token(self, token_id: str) -> str:
        return f"{self._prefix}agent-token:{token_id}"

    def _index(self, conversation_id: str) -> str:
        return f"{self._prefix}agent-tokens:{conversation_id}"


# Remembered: every request an agent makes reads its token's record, the same text each time
# until it is revoked (records are frozen, so one parsed record serves them all). Bounded.
@functools.lru_cache(maxsize=4096)
def _parse(record: str | None, revoked_at: str | None) -> AgentToken | None:
    if record is None:
        return None
    token = AgentToken.model_validate_json(record)
    if revoked_at is not None:
        token = token.model_copy(update={"revoked_at": datetime.fromisoformat(revoked_at)})
    return token


def _ms(when: datetime) -> int:
    return round(when.timestamp() * 1000)
