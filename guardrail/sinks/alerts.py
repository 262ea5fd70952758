"""Pushes blocked and post-failed writes as alerts: to Alertmanager's v2 API and a webhook.

Never on the hot path: ``emit`` only queues (a bounded queue; an overflow is counted and
logged, never silent) and a worker sends, retrying with backoff. One alert per rule and
conversation within the dedupe window, so an agent retrying the same bad write pages once.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import structlog

from guardrail.model import Decision, Verdict
from guardrail.sinks.metrics import Metrics
from guardrail.sinks.redact import mask_text

log = structlog.get_logger("guardrail.alerts")

ALERT_NAMES = {
    Verdict.BLOCK: "GuardrailWriteBlocked",
    Verdict.POST_FAIL: "GuardrailPostVerifyFailed",
    Verdict.HOLD: "GuardrailWriteHeld",  # a reviewer is needed
}


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert, in the shapes its targets take."""

    labels: dict[str, str]
    annotations: dict[str, str]
    starts_at: datetime
    ends_at: datetime
    generator_url: str | None
    event: dict[str, Any]  # the webhook's body

    def for_alertmanager(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "labels": self.labels,
            "annotations": self.annotations,
            "startsAt": self.starts_at.isoformat(),
            "endsAt": self.ends_at.isoformat(),
        }
        if self.generator_url:
            body["generatorURL"] = self.generator_url
        return body


@dataclass(frozen=True, slots=True)
class Target:
    """Where alerts go: a name for metrics, a URL, and how one alert becomes a request body."""

    name: str
    url: str
    body: Callable[[Alert], Any]


def alertmanager(url: str) -> Target:
    return Target(
        "alertmanager", url.rstrip("/") + "/api/v2/alerts", lambda a: [a.for_alertmanager()]
    )


def webhook(url: str) -> Target:
    return Target("webhook", url, lambda a: a.event)


#: Alerts remembered for de-duplication at most: past it the oldest is forgotten early, so a
#: storm over many conversations costs a repeated alert, never unbounded memory.
MAX_DEDUPED = 10_000


class Alerter:
    """The alert sink: dedupes, queues, and a worker delivers with retries."""

    def __init__(
        self,
        targets: Sequence[Target],
        metrics: Metrics,
        *,
        dedupe_seconds: float = 300.0,
        queue_size: int = 1000,
        retries: int = 3,
        backoff_seconds: float = 0.2,
        timeout_seconds: float = 5.0,
        decision_url: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.targets = tuple(targets)
        self._metrics = metrics
        self._dedupe = dedupe_seconds
        self._queue: asyncio.Queue[Alert] = asyncio.Queue(queue_size)
        self._retries = retries
        self._backoff = backoff_seconds
        self._timeout = timeout_seconds
        self._decision_url = decision_url
        self._clock = clock
        # Bounded by the dedupe window and MAX_DEDUPED: one key per alert sent in the window.
        self._last_sent: dict[tuple[str, ...], float] = {}
        self._worker: asyncio.Task[None] | None = None

    async def emit(self, decision: Decision) -> None:
        name = ALERT_NAMES.get(decision.verdict)
        if name is None:
            return
        now = self._clock()
        self._forget_before(now - self._dedupe)
        for alert in self._alerts(name, decision):
            key = (name, alert.labels["policy"], alert.labels["rule"], alert.labels["conversation"])
            if key in self._last_sent:
                self._metrics.alerts.labels("any", "deduplicated").inc()
            elif self._put(alert, decision_id=decision.id):
                self._last_sent[key] = now

    def standing(
        self,
        labels: dict[str, str],
        annotations: dict[str, str],
        event: dict[str, Any],
        *,
        since: datetime,
        every: float,
        resolved: bool = False,
    ) -> None:
        """A condition that holds until it is resolved (schema drift), not a one-off event.

        The caller reports it at every check (at least every ``every`` seconds) while it
        stands, and once more with ``resolved``. Alertmanager ends an alert at its endsAt
        unless it hears of it again, so it is sent once per dedupe window (the reports in
        between count as deduplicated) with an endsAt that outlasts the window and one more
        check; a resolution is sent at once, ending it. Deduplicated by the whole label set;
        the webhook's body is ``event`` with ``status`` (firing, resolved) and ``at``.
        """
        now = self._clock()
        self._forget_before(now - self._dedupe)
        key = tuple(f"{k}={v}" for k, v in sorted(labels.items()))
        at = datetime.now(UTC)
        if resolved:
            self._last_sent.pop(key, None)
            ends = at
        elif key in self._last_sent:
            self._metrics.alerts.labels("any", "deduplicated").inc()
            return
        else:
            ends = at + timedelta(seconds=self._dedupe + 2 * every)
        status = "resolved" if resolved else "firing"
        body = {**event, "status": status, "at": at.isoformat()}
        alert = Alert(labels, annotations, min(since, at), ends, None, body)
        if self._put(alert, alertname=labels.get("alertname", "")) and not resolved:
            self._last_sent[key] = now

    def _put(self, alert: Alert, **context: str) -> bool:
        """Queue ``alert`` for delivery; False (counted, logged) when the queue is full."""
        try:
            self._queue.put_nowait(alert)
        except asyncio.QueueFull:
            self._metrics.alerts.labels("any", "dropped").inc()
            log.warning("alert_dropped", reason="queue full", **context)
            return False
        self._metrics.alert_queue.set(self._queue.qsize())
        return True

    def _forget_before(self, cutoff: float) -> None:
        """Forget what was sent before ``cutoff``, and the oldest beyond MAX_DEDUPED keys.

        Keys are only ever added (never re-set), so the map is in the order they were sent:
        the stale ones are at its front."""
        sent = self._last_sent
        while sent:
            oldest = next(iter(sent))
            if sent[oldest] >= cutoff and len(sent) < MAX_DEDUPED:
                break
            del sent[oldest]

    def _alerts(self, name: str, decision: Decision) -> list[Alert]:
        at = datetime.now(UTC)
        ends = at + timedelta(seconds=self._dedupe)
        url = f"{self._decision_url.rstrip('/')}/{decision.id}" if self._decision_url else None
        caller = decision.caller
        found = []
        for v in decision.violations:
            if not v.would_block:
                continue
            intent = decision.intents[v.intent] if v.intent is not None else None
            labels = {
                "alertname": name,
                "severity": "warning",
                "crm": decision.crm,
                "policy": v.policy,
                "rule": v.rule,
                "object": intent.object if intent else "",
                "operation": str(intent.operation) if intent else "",
                "agent": caller.agent or "",
                "conversation": caller.conversation or "",
            }
            message = mask_text(v.message)
            what = f"{labels['operation']} {labels['object']}".strip() or "a write"
            annotations = {
                "summary": f"{what} {decision.verdict} by {v.policy}/{v.rule}",
                "description": message,
                "decision_id": decision.id,
            }
            event = {
                "event": "guardrail.decision",
                "decision": str(decision.verdict),
                "decision_id": decision.id,
                "at": at.isoformat(),
                **{k: labels[k] for k in ("policy", "rule", "object", "operation", "agent")},
                "conversation": labels["conversation"],
                "message": message,
            }
            found.append(Alert(labels, annotations, at, ends, url, event))
        return found

    # -- delivery -----------------------------------------------------------------------------

    def start(self) -> None:
        if self._worker is None:
            self._worker = asyncio.create_task(self._deliver_forever())

    async def close(self, deadline: float = 5.0) -> None:
        """Deliver what is queued (within ``deadline`` seconds), then stop."""
        if self._worker is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._queue.join(), deadline)
        self._worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._worker
        self._worker = None

    async def _deliver_forever(self) -> None:
        async with httpx.AsyncClient(timeout=self._timeout) as client:
            while True:
                alert = await self._queue.get()
                try:
                    await asyncio.gather(*(self._send(client, t, alert) for t in self.targets))
                finally:
                    self._queue.task_done()
                    self._metrics.alert_queue.set(self._queue.qsize())

    async def _send(self, client: httpx.AsyncClient, target: Target, alert: Alert) -> None:
        for attempt in range(self._retries):
            try:
                answer = await client.post(target.url, json=target.body(alert))
            except httpx.HTTPError as exc:
                problem: str = type(exc).__name__
            else:
                if answer.status_code < 300:
                    self._metrics.alerts.labels(target.name, "sent").inc()
                    return
                problem = f"HTTP {answer.status_code}"
                if answer.status_code < 500 and answer.status_code != 429:
                    break  # the target refuses this alert: retrying will not help
            await asyncio.sleep(self._backoff * 2**attempt)
        self._metrics.alerts.labels(target.name, "failed").inc()
        log.warning("alert_not_delivered", target=target.name, problem=problem)
