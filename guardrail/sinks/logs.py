"""Structured JSON logs: one line per decision, and the process's own events.

Authorization and other secrets never appear: no header is ever logged, and a last processor
drops any key that names a secret, in case one is passed by mistake.
"""

from __future__ import annotations

import functools
import logging
import sys
import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, BinaryIO

import orjson
import structlog
from structlog.typing import Processor

from guardrail.checks.rules import ERROR_CODE
from guardrail.model import Decision, Verdict
from guardrail.sinks.redact import REDACTED, mask_fields, mask_text, names_secret


def _drop_secrets(
    logger: Any, method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key in event:
        if names_secret(key):
            event[key] = REDACTED
    return event


class _Stamp:
    """The line's time in UTC, as structlog's ``TimeStamper(fmt="iso", utc=True)`` writes it
    (``2026-12-06T11:20:42.123456Z``; no fraction at a whole second), its date and time of
    day formatted once a second: ``datetime.isoformat`` formats the whole of it through
    ``snprintf``, a fifth of a decision line's cost."""

    def __init__(self) -> None:
        self._second: tuple[int, str] = (-1, "")  # one tuple: threads that log share it

    def __call__(
        self, logger: Any, method: str, event: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        second, micro = divmod(time.time_ns() // 1000, 1_000_000)
        last, text = self._second
        if second != last:
            text = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
            self._second = (second, text)
        event["timestamp"] = f"{text}.{micro:06d}Z" if micro else f"{text}Z"
        return event


class _ToStructlog(logging.Handler):
    """Sends the standard library's records (aiohttp's, asyncio's) through structlog, so every
    line the process writes is the same JSON."""

    def emit(self, record: logging.LogRecord) -> None:
        structlog.get_logger(record.name).log(
            record.levelno, record.getMessage(), logger=record.name, exc_info=record.exc_info
        )


@dataclass(frozen=True, slots=True)
class _Lines:
    """What ``configure`` set up: its processors, the logger they end in and the least level
    written. A decision line runs the processors itself (``write``): the same line, without a
    bound logger's per-call work (copying its context, the keywords, proxying to the logger)
    on every write."""

    processors: list[Processor]
    renderer: Processor
    logger: structlog.BytesLogger
    level: int
    #: ``processors`` less those that leave a line without secret-named keys or ``exc_info``
    #: as it is (``_plain``): a decision line's keys are the same few on every write.
    plain: list[Processor]

    def write(self, method: str, event: dict[str, Any]) -> bool:
        """Write ``event`` as ``structlog.get_logger().<method>(**event)`` would; False when
        another configuration is in force (``structlog.testing.capture_logs``: the caller
        logs through structlog)."""
        processors = self.processors
        if structlog.get_config()["processors"] is not processors or (
            processors[-1] is not self.renderer
        ):
            return False
        if _LEVELS[method] < self.level:
            return True
        line: Any = event
        for processor in self.plain if _plain(tuple(event)) else processors:
            line = processor(self.logger, method, line)
        self.logger.msg(line)
        return True


# Bounded: the key sets lines are written with are the code's own, a handful.
@functools.lru_cache(maxsize=256)
def _plain(keys: tuple[str, ...]) -> bool:
    """Whether a line of these keys passes ``_drop_secrets`` and ``format_exc_info`` as it is:
    no key names a secret and none is ``exc_info``."""
    return "exc_info" not in keys and not any(names_secret(key) for key in keys)


_LEVELS = {"info": logging.INFO, "warning": logging.WARNING}
_lines: _Lines | None = None


def configure(level: str = "info", stream: BinaryIO | None = None) -> None:
    """JSON lines (orjson) on ``stream`` (default stdout) for structlog and standard logging."""
    global _lines
    numeric = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
    renderer = structlog.processors.JSONRenderer(serializer=orjson.dumps)
    stamp: list[Processor] = [
        structlog.processors.add_log_level,
        _Stamp(),
    ]
    processors: list[Processor] = [
        *stamp,
        _drop_secrets,
        structlog.processors.format_exc_info,
        renderer,
    ]
    out = stream or sys.stdout.buffer
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.BytesLoggerFactory(out),
        cache_logger_on_first_use=True,
    )
    _lines = _Lines(processors, renderer, structlog.BytesLogger(out), numeric, [*stamp, renderer])
    root = logging.getLogger()
    root.handlers[:] = [_ToStructlog()]
    root.setLevel(numeric)
    logging.getLogger("aiohttp.access").disabled = True


class DecisionLog:
    """Logs each decision as one JSON line (field values only when configured, and masked)."""

    def __init__(self, field_values: bool = False) -> None:
        self._field_values = field_values
        self._log = structlog.get_logger("guardrail.decision")

    async def emit(self, decision: Decision) -> None:
        caller = decision.caller
        event: dict[str, Any] = {
            "decision_id": decision.id,
            "decision": str(decision.verdict),
            "crm": decision.crm,
            "objects": sorted({i.object for i in decision.intents}),
            "operations": sorted({str(i.operation) for i in decision.intents}),
            "records": len(decision.intents),
            "conversation": caller.conversation,
            "agent": caller.agent,
            "token_id": caller.token_id,
            "tool": caller.tool,
            "rules": list(decision.rules),
            "status": decision.status,
            "upstream_status": decision.upstream_status,
            "guardrail_ms": _ms(decision.guardrail_seconds),
            "upstream_ms": _ms(decision.upstream_seconds),
            "policy_version": decision.policy_version,
        }
        if decision.error:
            event["error"] = decision.error
        if self._field_values:
            event["fields"] = [mask_fields(i.fields, i.id_fields) for i in decision.intents]
        for v in decision.violations:
            if v.code == ERROR_CODE:  # a rule that errored: its policy's admin must fix it
                self._log.warning(
                    "rule_error",
                    decision_id=decision.id,
                    policy=v.policy,
                    rule=v.rule,
                    action=str(v.action),
                    message=mask_text(v.message),
                )
        method = "info"
        if decision.verdict is not Verdict.ALLOW or decision.error:
            method = "warning"
            event["violations"] = [
                {
                    "rule": f"{v.policy}/{v.rule}",
                    "fields": list(v.fields),
                    "message": mask_text(v.message),
                }
                for v in decision.violations
            ]
        event["event"] = "decision"  # last, as structlog puts it
        lines = _lines
        if lines is None or not lines.write(method, event):
            del event["event"]
            getattr(self._log, method)("decision", **event)


def _ms(seconds: float | None) -> float | None:
    """Milliseconds to the microsecond: ``round(seconds * 1000, 3)``'s value, but for a tie
    within a float's error, without the decimal conversion ``round`` to a place makes."""
    return None if seconds is None else round(seconds * 1_000_000) / 1000
