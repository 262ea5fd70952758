"""Chooses the conversation store from the settings: Redis when replicas must share one."""

from __future__ import annotations

from guardrail.context.memory import MemoryConversationStore
from guardrail.context.redis import RedisConversationStore
from guardrail.context.store import ConversationStore


def open_store(
    redis_url: str | None, idle_seconds: float, prefix: str = "guardrail:"
) -> ConversationStore:
    """Redis at ``redis_url``, else process memory. Raises ConfigError for a bad URL.

    Nothing connects here: a Redis that is down shows in ``unavailable`` (readiness) and fails the
    writes that need it, rather than stopping the proxy from starting.
    """
    if redis_url:
        return RedisConversationStore.open(redis_url, idle_seconds, prefix)
    return MemoryConversationStore(idle_seconds)
