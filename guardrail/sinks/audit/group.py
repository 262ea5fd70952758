"""Group commit on the event loop, for a store that commits from it (PostgreSQL over asyncpg;
SQLite batches on its writer thread instead, ``thread.Worker.batched``): appends that arrive
while a commit is in flight share the next one.

No timer and no waiting for company: an append to an idle log commits at once, alone; under
load, each commit takes everything that queued up during the previous one (up to a cap), so
a thousand concurrent decisions cost a handful of fsyncs, not a thousand, and the log does not
cap the proxy's throughput. Each caller's await returns only when its own record is committed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

I = TypeVar("I")  # noqa: E741 - an item, as R is a result
R = TypeVar("R")


class GroupCommitter(Generic[I, R]):
    """Batches the items handed to it into calls of ``commit`` (one transaction each), one at
    a time."""

    def __init__(self, commit: Callable[[list[I]], Awaitable[Sequence[R]]], max_batch: int) -> None:
        self._commit = commit
        self._max_batch = max_batch
        self._queue: list[tuple[I, asyncio.Future[R]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self.commits = 0  # how many commits ran (tests and metrics compare with appends)

    def hand(self, item: I) -> asyncio.Future[R]:
        """Queue ``item`` now; the future is its result, once committed."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        # A caller that stops waiting (a timeout) does not take its item out of the batch:
        # it may be committed all the same, as any write racing a timeout may.
        return future

    async def _flush(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[: self._max_batch], self._queue[self._max_batch :]
            self.commits += 1
            try:
                results = await self._commit([item for item, _ in batch])
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            except BaseException:  # cancelled: nobody may be left waiting for ever
                for _, future in batch + self._queue:
                    future.cancel()
                self._queue = []
                raise
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)

    async def drain(self) -> None:
        """Wait for what is queued and in flight (on shutdown)."""
        if self._flusher is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(self._flusher)
