"""The conversation store in process memory: one proxy, no Redis (development, single replica).

Conversations and account indexes live in ordered dicts kept in least-recently-used order, so the
entries idle longest are always at the front: expiry sweeps pop from the front until they meet a
live one (lazily, on every call, so memory stays bounded without a timer), and the hard caps
evict from the same end. Every method runs without awaiting, so on one event loop each call is
atomic and concurrent requests cannot interleave inside it.
"""

from __future__ import annotations

import bisect
import itertools
from collections import OrderedDict, deque
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from guardrail.context.changes import (
    ACCOUNT_RETENTION,
    MAX_ACCOUNT_WRITES,
    account_window_start,
    assemble,
    patched,
    utc_now,
    with_turns,
)
from guardrail.context.jobs import BulkJob, JudgedRow
from guardrail.context.model import (
    MAX_RECORDED,
    Conversation,
    ConversationIn,
    ConversationPatch,
    ReadRecord,
    Turn,
    WriteRecord,
)

# Bounds on what one process holds (least recently used out first), besides the idle expiry:
# enough for a large contact center's live calls, small enough that a flood cannot exhaust memory.
MAX_CONVERSATIONS = 100_000
MAX_ACCOUNTS = 100_000

_V = TypeVar("_V")


@dataclass(slots=True)
class _Entry:
    platform: ConversationIn
    created_at: datetime
    updated_at: datetime
    version: int
    seen: datetime  # last read or write: what idle expiry counts from
    rev: int = 0  # the version at which ``platform`` last changed
    understanding: dict[str, Any] | None = None  # a reading of ``platform`` at ``rev``
    forgotten: datetime | None = None  # the time of the newest write dropped from ``writes``
    reads: deque[ReadRecord] = field(default_factory=lambda: deque(maxlen=MAX_RECORDED))
    writes: deque[WriteRecord] = field(default_factory=lambda: deque(maxlen=MAX_RECORDED))


class MemoryConversationStore:
    """``ConversationStore`` in memory. ``clock`` returns aware datetimes (tests pass a fake)."""

    def __init__(
        self,
        idle_seconds: float,
        clock: Callable[[], datetime] | None = None,
        *,
        max_conversations: int = MAX_CONVERSATIONS,
        max_accounts: int = MAX_ACCOUNTS,
    ) -> None:
        self._idle = timedelta(seconds=idle_seconds)
        self._clock = clock or utc_now
        self._max_conversations = max_conversations
        self._max_accounts = max_accounts
        self._versions = itertools.count(1)
        self._conversations: OrderedDict[str, _Entry] = OrderedDict()
        self._accounts: OrderedDict[str, deque[WriteRecord]] = OrderedDict()
        self._jobs: OrderedDict[str, tuple[BulkJob, datetime]] = OrderedDict()

    @property
    def size(self) -> int:
        """Conversations held, the idle ones not yet swept included: what memory holds.

        (Not ``__len__``: an empty store must not be falsy.)"""
        return len(self._conversations)

    async def get(self, conversation_id: str) -> Conversation | None:
        entry = self._touch(conversation_id, self._clock())
        return None if entry is None else self._view(conversation_id, entry)

    async def put(self, conversation_id: str, data: ConversationIn) -> Conversation:
        now = self._clock()
        entry = self._touch(conversation_id, now)
        if entry is None:
            entry = _Entry(data, created_at=now, updated_at=now, version=0, seen=now)
            self._conversations[conversation_id] = entry
            _cap(self._conversations, self._max_conversations)
        else:
            entry.platform = data
        self._changed(entry, now, platform=True)
        return self._view(conversation_id, entry)

    async def patch(self, conversation_id: str, data: ConversationPatch) -> Conversation | None:
        return self._update(conversation_id, lambda platform: patched(platform, data))

    async def append_turns(
        self, conversation_id: str, turns: Sequence[Turn]
    ) -> Conversation | None:
        return self._update(conversation_id, lambda platform: with_turns(platform, turns))

    async def save_understanding(
        self, conversation_id: str, rev: int, understanding: dict[str, Any]
    ) -> bool:
        entry = self._conversations.get(conversation_id)
        if entry is None or entry.rev != rev:
            return False
        entry.understanding = understanding
        return True

    async def delete(self, conversation_id: str) -> bool:
        self._sweep(self._clock())
        return self._conversations.pop(conversation_id, None) is not None

    async def record_reads(self, conversation_id: str, reads: Sequence[ReadRecord]) -> None:
        now = self._clock()
        entry = self._touch(conversation_id, now)
        if entry is not None and reads:
            entry.reads.extend(reads)
            self._changed(entry, now)

    async def record_write(
        self, conversation_id: str | None, write: WriteRecord, accounts: Collection[str]
    ) -> None:
        now = self._clock()
        entry = self._touch(conversation_id, now) if conversation_id else None
        if entry is not None:
            if len(entry.writes) == MAX_RECORDED:
                entry.forgotten = entry.writes[0].at
            entry.writes.append(write)
            self._changed(entry, now)
        for account in accounts:
            index = self._accounts.get(account)
            if index is None:
                index = self._accounts[account] = deque(maxlen=MAX_ACCOUNT_WRITES)
                _cap(self._accounts, self._max_accounts)
            _in_time_order(index, write)
            self._accounts.move_to_end(account)

    async def account_writes(self, account: str, since: datetime) -> list[WriteRecord]:
        now = self._clock()
        self._sweep(now)
        start = account_window_start(since, now)
        index = self._accounts.get(account)
        if not index:
            return []
        # in time order (_in_time_order): the window is its tail, found without walking it
        return list(itertools.islice(index, bisect.bisect_left(index, start, key=_at), None))

    async def unavailable(self) -> str | None:
        return None

    async def close(self) -> None:
        self._conversations.clear()
        self._accounts.clear()

    def _update(
        self, conversation_id: str, change: Callable[[ConversationIn], ConversationIn]
    ) -> Conversation | None:
        now = self._clock()
        entry = self._touch(conversation_id, now)
        if entry is None:
            return None
        entry.platform = change(entry.platform)
        self._changed(entry, now, platform=True)
        return self._view(conversation_id, entry)

    def _touch(self, conversation_id: str, now: datetime) -> _Entry | None:
        """The live entry, marked as just used; None when unknown or idle too long."""
        self._sweep(now)
        entry = self._conversations.get(conversation_id)
        if entry is not None:
            entry.seen = now
            self._conversations.move_to_end(conversation_id)
        return entry

    def _sweep(self, now: datetime) -> None:
        """Drop idle conversations and accounts with no write in the retention, oldest first."""
        conversations, accounts = self._conversations, self._accounts
        while conversations and now - next(iter(conversations.values())).seen >= self._idle:
            conversations.popitem(last=False)
        while accounts and next(iter(accounts.values()))[-1].at < now - ACCOUNT_RETENTION:
            accounts.popitem(last=False)

    def _changed(self, entry: _Entry, now: datetime, platform: bool = False) -> None:
        entry.version = next(self._versions)
        entry.updated_at = now
        if platform:
            entry.rev = entry.version
            entry.understanding = None

    async def put_job(self, job: BulkJob) -> None:
        self._jobs[job.id] = (job, self._clock())
        _cap(self._jobs, self._max_conversations)

    async def get_job(self, job_id: str) -> BulkJob | None:
        found = self._jobs.get(job_id)
        if found is None:
            return None
        job, seen = found
        now = self._clock()
        if now - seen > self._idle:
            del self._jobs[job_id]
            return None
        self._jobs[job_id] = (job, now)
        return job

    async def claim_upload(
        self, job_id: str, decision_id: str, rows: tuple[JudgedRow, ...] = ()
    ) -> bool:
        job = await self.get_job(job_id)
        if job is None or job.uploaded is not None:
            return False
        self._jobs[job_id] = (replace(job, uploaded=decision_id, rows=rows), self._clock())
        return True

    @staticmethod
    def _view(conversation_id: str, entry: _Entry) -> Conversation:
        return assemble(
            conversation_id,
            entry.platform,
            created_at=entry.created_at,
            updated_at=entry.updated_at,
            version=entry.version,
            rev=entry.rev,
            reads=entry.reads,
            writes=entry.writes,
            understanding=entry.understanding,
            forgotten=entry.forgotten,
        )


def _at(write: WriteRecord) -> datetime:
    return write.at


def _in_time_order(index: deque[WriteRecord], write: WriteRecord) -> None:
    """Add ``write`` to an account's index kept in time order (equal times in arrival order),
    the oldest out past its bound: writes arrive in time order (a clock stepped back aside),
    so an account's window is found by bisection, not by walking up to its thousand writes
    on every write that loads it."""
    if not index or index[-1].at <= write.at:
        index.append(write)
        return
    if len(index) == index.maxlen:
        index.popleft()
    index.insert(bisect.bisect_right(index, write.at, key=_at), write)


def _cap(entries: OrderedDict[str, _V], limit: int) -> None:
    """Evict least recently used entries beyond ``limit``."""
    while len(entries) > limit:
        entries.popitem(last=False)
