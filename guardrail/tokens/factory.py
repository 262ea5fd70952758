"""Chooses the agent token store from the settings: Redis when replicas must share one."""

from __future__ import annotations

from guardrail.context.redis import connect
from guardrail.tokens.memory import MemoryTokenStore
from guardrail.tokens.redis import RedisTokenStore
from guardrail.tokens.store import TokenStore


def open_token_store(redis_url: str | None, prefix: str = "guardrail:") -> TokenStore:
    """Redis at ``redis_url`` (the conversation store's), else process memory. Raises
    ConfigError for a bad URL; nothing connects here."""
    if redis_url:
        return RedisTokenStore(connect(redis_url), prefix)
    return MemoryTokenStore()
