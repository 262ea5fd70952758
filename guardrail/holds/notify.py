"""Pushing each settled hold to the platform's webhook, so the agent's side learns the outcome.

Off the request path: a bounded queue and one worker; each push is tried a few times with a
growing pause. A push that cannot be delivered is counted and logged; the outcome stays in the
audit log and on ``GET /guardrail/v1/decisions/{id}``, which the platform can poll.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from typing import Any

import httpx
import structlog

from guardrail.holds.metrics import HoldMetrics

log = structlog.get_logger("guardrail.holds")
ATTEMPTS = 3


class Notifier:
    def __init__(
        self, url: str, metrics: HoldMetrics, *, timeout: float = 5.0, queue_size: int = 1000
    ) -> None:
        self._url = url
        self._metrics = metrics
        self._timeout = timeout
        self._queue: asyncio.Queue[Mapping[str, Any]] = asyncio.Queue(queue_size)
        self._worker: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None

    def start(self) -> None:
        self._client = httpx.AsyncClient(timeout=self._timeout, trust_env=False)
        self._worker = asyncio.create_task(self._deliver_forever())

    async def close(self, deadline: float) -> None:
        if self._worker is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._queue.join(), deadline)
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        if self._client is not None:
            await self._client.aclose()

    def push(self, event: Mapping[str, Any]) -> None:
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self._metrics.notify_errors.inc()
            log.error("hold_not_notified", decision_id=event.get("decision_id"), why="queue full")

    async def _deliver_forever(self) -> None:
        while True:
            event = await self._queue.get()
            try:
                await self._deliver(event)
            finally:
                self._queue.task_done()

    async def _deliver(self, event: Mapping[str, Any]) -> None:
        assert self._client is not None
        for attempt in range(ATTEMPTS):
            try:
                response = await self._client.post(self._url, json=dict(event))
                if response.status_code < 300:
                    return
                why = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                why = type(exc).__name__
            await asyncio.sleep(0.5 * 2**attempt)
        self._metrics.notify_errors.inc()
        log.error("hold_not_notified", decision_id=event.get("decision_id"), why=why)
