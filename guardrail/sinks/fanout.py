"""Every decision to every sink: the proxy's and the async read-back's one way out."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence

import structlog

from guardrail.model import Decision
from guardrail.sinks import Sink
from guardrail.sinks.audit import AuditSink
from guardrail.sinks.metrics import Metrics

log = structlog.get_logger("guardrail.sinks")


class Fanout:
    """Sends a decision to each sink; a failing sink is counted and logged, never the agent's
    problem: the write's fate is sealed by then.

    The audit log is handed the decision first. The sinks ``beside`` it keep the proxy's own
    books (the decision log, metrics, the conversation's history) and run while it commits;
    every other sink (alerts: what reaches people) runs once the record is durable, in order.
    ``emit`` returns once every sink has run and the record is durable."""

    def __init__(
        self, sinks: Sequence[Sink], metrics: Metrics, *, beside: Sequence[Sink] = ()
    ) -> None:
        self.sinks = tuple(sinks)
        self.beside = tuple(beside)
        self._metrics = metrics

    @property
    def sinks(self) -> tuple[Sink, ...]:
        return self._sinks

    @sinks.setter
    def sinks(self, sinks: tuple[Sink, ...]) -> None:
        """Sorted once, into the audit logs and the sinks after them, not on every write."""
        self._sinks = sinks
        self._audits = tuple(s for s in sinks if isinstance(s, AuditSink))
        self._after = tuple(s for s in sinks if not isinstance(s, AuditSink))

    def ahead(self, decision: Decision) -> None:
        """``decision``'s write goes out to the CRM now and is emitted once answered: the audit
        log may begin its record meanwhile."""
        for sink in self._audits:
            sink.ahead(decision)

    async def emit(self, decision: Decision, *, audited: bool = False) -> None:
        """``audited``: the audit log has the decision already (a hold's outcome, which the
        hold store records in the transaction that settles it), so it is not appended again."""
        durable = [] if audited else [(sink, sink.recording(decision)) for sink in self._audits]
        try:
            for sink in self.beside:
                await self._sent(sink, sink.emit(decision), decision)
        finally:  # what was handed to the log is always waited for
            for sink, recorded in durable:
                await self._sent(sink, recorded, decision)
        for sink in self._after:
            await self._sent(sink, sink.emit(decision), decision)

    async def _sent(self, sink: Sink, sending: Awaitable[None], decision: Decision) -> None:
        try:
            await sending
        except Exception:
            self._metrics.sink_errors.labels(type(sink).__name__).inc()
            log.exception("sink_failed", sink=type(sink).__name__, decision_id=decision.id)
