"""The agent token store protocol: a memory backend and a Redis backend shared by replicas.

Both keep records (never tokens) by token id, and each conversation's token ids, so a
conversation's tokens can be listed and revoked together. Records are forgotten a while after
their expiry (``RETAIN_AFTER_EXPIRY``); a revoked record stays until then, so a later attempt
with the token is recognised and audited as revoked.
"""

from __future__ import annotations

from typing import Protocol

from guardrail.tokens.model import AgentToken, Revocation


class TokenStore(Protocol):
    async def add(self, token: AgentToken) -> None:
        """Keep a newly issued token's record."""
        ...

    async def find(self, token_id: str) -> AgentToken | None:
        """The record, or None when unknown or forgotten."""
        ...

    async def of_conversation(self, conversation_id: str) -> list[AgentToken]:
        """The conversation's records still kept, oldest first."""
        ...

    async def revoke(self, conversation_id: str, token_id: str) -> Revocation:
        """Revoke one token of the conversation (a token of another conversation is UNKNOWN)."""
        ...

    async def revoke_conversation(self, conversation_id: str) -> int:
        """Revoke every token of the conversation; how many were not revoked before."""
        ...

    async def close(self) -> None: ...
