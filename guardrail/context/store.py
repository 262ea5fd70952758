"""The conversation store protocol: one interface, a memory backend and a Redis backend.

Conversations expire after an idle time (no read or write of them). Reads and writes the agent
made are appended atomically, so concurrent requests of one conversation (and several proxy
replicas sharing Redis) do not lose each other's records. ``account_writes`` indexes writes by
the account they touch, across conversations, for duplicate detection.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, Protocol

from guardrail.context.jobs import BulkJob, JudgedRow
from guardrail.context.model import (
    Conversation,
    ConversationIn,
    ConversationPatch,
    ReadRecord,
    Turn,
    WriteRecord,
)


class ConversationStore(Protocol):
    async def get(self, conversation_id: str) -> Conversation | None:
        """The conversation with its reads and writes, or None (unknown or expired)."""
        ...

    async def put(self, conversation_id: str, data: ConversationIn) -> Conversation:
        """Create or replace what the platform said; reads and writes seen so far are kept."""
        ...

    async def patch(self, conversation_id: str, data: ConversationPatch) -> Conversation | None:
        """Merge the fields set in ``data``; None when the conversation does not exist."""
        ...

    async def append_turns(
        self, conversation_id: str, turns: Sequence[Turn]
    ) -> Conversation | None: ...

    async def save_understanding(
        self, conversation_id: str, rev: int, understanding: dict[str, Any]
    ) -> bool:
        """Keep a reading of the conversation (guardrail.understanding) beside it, unless what
        the platform said changed since ``rev`` (then the reading is stale: False)."""
        ...

    async def delete(self, conversation_id: str) -> bool:
        """Forget the conversation and its records; False when there was none."""
        ...

    async def record_reads(self, conversation_id: str, reads: Sequence[ReadRecord]) -> None:
        """Append reads (a no-op for an unknown conversation)."""
        ...

    async def record_write(
        self, conversation_id: str | None, write: WriteRecord, accounts: Collection[str]
    ) -> None:
        """Append a write to its conversation (if any) and to the index of each of
        ``accounts``: the accounts it belongs to, keyed as the dialect keys them
        (Dialect.accounts)."""
        ...

    async def account_writes(self, account: str, since: datetime) -> list[WriteRecord]:
        """Writes touching ``account`` (a key as Dialect.accounts gives it) at or after
        ``since``, across conversations."""
        ...

    async def put_job(self, job: BulkJob) -> None:
        """Remember a bulk job for as long as a conversation stays idle (guardrail.context.jobs)."""
        ...

    async def get_job(self, job_id: str) -> BulkJob | None:
        """The bulk job, or None (never created through the proxy, or expired)."""
        ...

    async def claim_upload(
        self, job_id: str, decision_id: str, rows: tuple[JudgedRow, ...] = ()
    ) -> bool:
        """Mark the job's one upload as the one ``decision_id`` allowed, its upsert rows
        judged as ``rows``; False when the job has had an upload already (or is gone). Atomic
        across replicas."""
        ...

    async def unavailable(self) -> str | None:
        """Why the backend does not answer now (readiness), or None when it does."""
        ...

    async def close(self) -> None: ...
