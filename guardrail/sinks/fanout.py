"""Every decision to every sink: the proxy's and the async read-back's one way out."""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from guardrail.model import Decision
from guardrail.sinks import Sink
from guardrail.sinks.metrics import Metrics

log = structlog.get_logger("guardrail.sinks")


class Fanout:
    """Sends a decision to each sink in order (the audit log first); a failing sink is counted
    and logged, never the agent's problem: the write's fate is sealed by then."""

    def __init__(self, sinks: Sequence[Sink], metrics: Metrics) -> None:
        self.sinks = tuple(sinks)
        self._metrics = metrics

    async def emit(self, decision: Decision) -> None:
        for sink in self.sinks:
            try:
                await sink.emit(decision)
            except Exception:
                self._metrics.sink_errors.labels(type(sink).__name__).inc()
                log.exception("sink_failed", sink=type(sink).__name__, decision_id=decision.id)
