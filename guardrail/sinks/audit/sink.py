"""The audit log's two roles on the request path: the gate before a write is forwarded, and the
sink that records each decision before its response leaves.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import structlog

from guardrail.errors import AuditUnavailable
from guardrail.model import Decision
from guardrail.sinks.audit.chain import Row
from guardrail.sinks.audit.log import AuditLog

log = structlog.get_logger("guardrail.audit")


class AuditSink:
    """Appends every decision; the proxy awaits this before the agent gets its answer.

    A decision the log could not take is not hidden: it is counted (guardrail_audit_errors),
    logged here, and still written to the decision log line. The agent's answer is not changed:
    for a forwarded write the CRM has already acted, and telling the agent otherwise would
    only make it write again.
    """

    def __init__(self, audit: AuditLog) -> None:
        self._audit = audit

    def ahead(self, decision: Decision) -> None:
        """``decision`` is being forwarded; it is emitted once answered (``AuditLog.ahead``)."""
        self._audit.ahead(decision)

    async def emit(self, decision: Decision) -> None:
        await self.recording(decision)

    def recording(self, decision: Decision) -> Coroutine[Any, Any, None]:
        """The decision handed to the log now; awaited, once it is durable (or logged as not
        audited). The proxy's other sinks run while the log commits."""
        return self._recorded(decision, self._audit.appending(decision))

    async def _recorded(self, decision: Decision, durable: Coroutine[Any, Any, Row]) -> None:
        try:
            await durable
        except AuditUnavailable as exc:
            log.error(
                "decision_not_audited",
                decision_id=decision.id,
                decision=str(decision.verdict),
                forwarded=decision.forwarded and decision.upstream_status is not None,
                error=exc.message,
            )


def audit_gate(audit: AuditLog, fail_open: bool) -> Callable[[], None]:
    """What the proxy calls before judging a write: raises AuditUnavailable while the log
    cannot record it (fail closed), unless configured to fail open."""

    def admit() -> None:
        if not fail_open and not audit.available:
            raise AuditUnavailable(
                "crm-guardrail cannot record writes in its audit log right now, so this write "
                "was not sent to the CRM. Retry it shortly."
            )

    return admit
