"""Agent tokens in process memory: one proxy, no Redis (development, a single replica).

Records are forgotten in the order they fall due (a heap of forget times), swept lazily on
every call, and capped: past ``max_tokens`` the records due soonest go first. Every method
runs without awaiting, so on one event loop each call is atomic.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from datetime import datetime

from guardrail.context.changes import utc_now
from guardrail.tokens.model import AgentToken, Revocation

# Tokens held at most (soonest to expire out first), besides expiry: a flood of issued tokens
# cannot exhaust memory.
MAX_TOKENS = 100_000


class MemoryTokenStore:
    """``TokenStore`` in memory. ``clock`` returns aware datetimes (tests pass a fake)."""

    def __init__(
        self, clock: Callable[[], datetime] | None = None, *, max_tokens: int = MAX_TOKENS
    ) -> None:
        self._clock = clock or utc_now
        self._max = max_tokens
        self._tokens: dict[str, AgentToken] = {}
        self._by_conversation: dict[str, dict[str, None]] = {}  # ordered sets of token ids
        self._due: list[tuple[datetime, str]] = []

    async def add(self, token: AgentToken) -> None:
        self._sweep(self._clock())
        self._tokens[token.token_id] = token
        self._by_conversation.setdefault(token.conversation, {})[token.token_id] = None
        heapq.heappush(self._due, (token.forget_at, token.token_id))
        while len(self._tokens) > self._max:
            self._forget(heapq.heappop(self._due)[1])

    async def find(self, token_id: str) -> AgentToken | None:
        self._sweep(self._clock())
        return self._tokens.get(token_id)

    async def of_conversation(self, conversation_id: str) -> list[AgentToken]:
        self._sweep(self._clock())
        ids = self._by_conversation.get(conversation_id, {})
        return [self._tokens[i] for i in ids]

    async def revoke(self, conversation_id: str, token_id: str) -> Revocation:
        now = self._clock()
        self._sweep(now)
        token = self._tokens.get(token_id)
        if token is None or token.conversation != conversation_id:
            return Revocation.UNKNOWN
        if token.revoked_at is not None:
            return Revocation.ALREADY
        self._tokens[token_id] = token.model_copy(update={"revoked_at": now})
        return Revocation.REVOKED

    async def revoke_conversation(self, conversation_id: str) -> int:
        revoked = 0
        for token_id in list(self._by_conversation.get(conversation_id, {})):
            if await self.revoke(conversation_id, token_id) is Revocation.REVOKED:
                revoked += 1
        return revoked

    async def close(self) -> None:
        self._tokens.clear()
        self._by_conversation.clear()
        self._due.clear()

    def _sweep(self, now: datetime) -> None:
        while self._due and self._due[0][0] <= now:
            self._forget(heapq.heappop(self._due)[1])

    def _forget(self, token_id: str) -> None:
        token = self._tokens.pop(token_id, None)
        if token is None:
            return
        ids = self._by_conversation.get(token.conversation)
        if ids is not None:
            ids.pop(token_id, None)
            if not ids:
                del self._by_conversation[token.conversation]
