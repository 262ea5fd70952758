"""The audit log as the proxy uses it: a store behind group commit, a health state and a clock.

``append`` (``appending``: handed over now, awaited later) is what the proxy awaits before
answering an agent: it returns once the record is durable, or raises AuditUnavailable at once
while the log is known to be down (a refused write must not wait out a timeout too). The
health state is the gate the proxy checks before it forwards a write; while it is down a probe
runs until the store answers again. A checkpoint
(sequence and head hash) is published periodically, as a metric and a log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Coroutine
from typing import Any

import structlog

from guardrail.errors import AuditUnavailable
from guardrail.model import Decision
from guardrail.sinks.audit.chain import Head, Row
from guardrail.sinks.audit.health import Health
from guardrail.sinks.audit.metrics import AuditMetrics
from guardrail.sinks.audit.record import Pending, ReviewVerdict, review_entry
from guardrail.sinks.audit.store import Storage

log = structlog.get_logger("guardrail.audit")
MAX_BATCH = 512


class DecisionNotFound(LookupError):
    """A review names a decision the log does not hold."""


class AuditLog:
    def __init__(
        self,
        storage: Storage,
        *,
        timeout_seconds: float,
        metrics: AuditMetrics | None = None,
        checkpoint_seconds: float = 60.0,
        probe_seconds: float = 1.0,
    ) -> None:
        self.storage = storage
        self._timeout = timeout_seconds
        self._metrics = metrics
        self._checkpoint_seconds = checkpoint_seconds
        self._probe_seconds = probe_seconds
        self.health = Health(timeout_seconds, self._availability_changed)
        self._group = storage.committer(self._ran, MAX_BATCH)
        self._tasks: list[asyncio.Task[None]] = []
        self._bound = _Bound(timeout_seconds)

    @property
    def available(self) -> bool:
        return self.health.available

    @property
    def timeout_seconds(self) -> float:
        """How long a write to the store may take before the store counts as down."""
        return self._timeout

    @property
    def commits(self) -> int:
        return self._group.commits

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Open the store; if it cannot be opened now, start unavailable and keep probing."""
        self._bound = _Bound(self._timeout)  # its timer on this loop
        await self._try_open()
        self._tasks = [
            asyncio.create_task(self._probe_forever()),
            asyncio.create_task(self._checkpoint_forever()),
        ]

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        with contextlib.suppress(TimeoutError):  # a stuck commit must not hold shutdown
            await asyncio.wait_for(self._group.drain(), self._timeout * 2)
        if self.available:
            with contextlib.suppress(AuditUnavailable):
                await self._checkpoint()  # the last head, for whoever keeps checkpoints
        self.health.closed()
        await self.storage.close()

    async def _try_open(self) -> None:
        started = time.perf_counter()
        try:
            await asyncio.wait_for(self._opened(), self._timeout)
        except Exception as exc:  # whatever keeps it from opening, it stays down and probed
            self.health.failed(_reason(exc, self._timeout))
        else:
            self.health.succeeded(time.perf_counter() - started)

    async def _opened(self) -> None:
        await self.storage.open()
        await self.storage.probe()

    async def _probe_forever(self) -> None:
        while True:
            await asyncio.sleep(self._probe_seconds)
            if not self.available:
                await self._try_open()

    async def _checkpoint_forever(self) -> None:
        while True:
            if self.available:
                try:
                    await self._checkpoint()
                except Exception as exc:  # the next one may succeed; the loop must live on
                    log.warning("audit_checkpoint_failed", error=_reason(exc, self._timeout))
            await asyncio.sleep(self._checkpoint_seconds)

    async def _checkpoint(self) -> Head:
        head = await self.storage.head()
        if self._metrics is not None:
            self._metrics.checkpoint(head)
        log.info("audit_checkpoint", sequence=head.seq, hash=head.hash, store=self.storage.where)
        return head

    def _availability_changed(self, available: bool) -> None:
        if self._metrics is not None:
            self._metrics.available.set(1 if available else 0)

    # -- writes ----------------------------------------------------------------------------

    def ahead(self, decision: Decision) -> None:
        """``decision`` goes out to the CRM now, and is recorded when it is answered: the store
        may begin its record meanwhile (``Storage.ahead``)."""
        if self.available:
            self.storage.ahead(decision)

    async def record(self, decision: Decision) -> Row:
        """Append the decision's record, made by the store off the event loop (the decision is
        frozen: what is recorded is what was decided)."""
        return await self.append(decision)

    async def append(self, entry: Pending) -> Row:
        """Append ``entry`` (a record, or a decision to make one of); returns once it is durable.
        Raises AuditUnavailable."""
        return await self.appending(entry)

    def appending(self, entry: Pending) -> Coroutine[Any, Any, Row]:
        """Hand ``entry`` to the store now; awaited, its row once durable (raises
        AuditUnavailable then). What the caller does before awaiting runs beside the commit."""
        handed: asyncio.Future[Row] | AuditUnavailable
        if not self.available:
            handed = AuditUnavailable(f"the audit log is unavailable: {self.health.reason}")
        else:
            try:
                handed = self._bound.watch(self._group.hand(entry))
            except AuditUnavailable as exc:
                handed = exc
        return self._durable(handed)

    async def _durable(self, handed: asyncio.Future[Row] | AuditUnavailable) -> Row:
        try:
            if isinstance(handed, AuditUnavailable):
                raise handed
            return await handed
        except (AuditUnavailable, TimeoutError) as exc:
            self._error()
            if isinstance(exc, TimeoutError):
                self.health.failed(_reason(exc, self._timeout))
                raise AuditUnavailable(_reason(exc, self._timeout)) from None
            raise

    def _ran(self, appends: int, seconds: float, error: BaseException | None) -> None:
        """A commit's outcome: the health state follows it, metrics count it."""
        if isinstance(error, AuditUnavailable):
            self.health.failed(error.message)
        elif error is None:
            self.health.succeeded(seconds)
            if self._metrics is not None:
                self._metrics.committed(appends, seconds)

    def _error(self) -> None:
        if self._metrics is not None:
            self._metrics.errors.inc()

    async def review(
        self, decision_id: str, verdict: ReviewVerdict, comment: str, reviewer: str
    ) -> Row:
        """A reviewer's mark, appended as a record of its own (the decision is never edited)."""
        if await self.storage.decision(decision_id) is None:
            raise DecisionNotFound(decision_id)
        return await self.append(review_entry(decision_id, verdict, comment, reviewer))


class _Bound:
    """Fails an append not durable within ``seconds`` with TimeoutError, by one timer for all
    the appends in flight, not one per append: appends are handed over in order with the same
    bound, so the oldest one still waiting is the next to run out of time, and the timer is
    set for it alone (an append that is durable in time costs a place in a queue)."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._waiting: deque[tuple[float, asyncio.Future[Row]]] = deque()
        self._timer: asyncio.TimerHandle | None = None

    def watch(self, future: asyncio.Future[Row]) -> asyncio.Future[Row]:
        waiting = self._waiting
        while waiting and waiting[0][1].done():  # what was answered in time, let go of
            waiting.popleft()
        loop = future.get_loop()
        waiting.append((deadline := loop.time() + self._seconds, future))
        if self._timer is None:
            self._timer = loop.call_at(deadline, self._expire, loop)
        return future

    def _expire(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer = None
        waiting, now = self._waiting, loop.time()
        while waiting:
            deadline, future = waiting[0]
            if not future.done():
                if deadline > now:
                    self._timer = loop.call_at(deadline, self._expire, loop)
                    return
                future.set_exception(TimeoutError())
            waiting.popleft()


def _reason(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, AuditUnavailable):
        return exc.message
    if isinstance(exc, TimeoutError):
        return f"the audit store did not answer within {timeout:g} s"
    return f"the audit store cannot be opened: {type(exc).__name__}: {exc}"
