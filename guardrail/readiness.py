"""What the proxy depends on, probed at start and while it runs, and saying why it is not ready.

A wrong DSN, a schema that does not exist or a Redis that is not there must show the moment
``serve`` starts, not at the first write. Each dependency (the audit log, the conversation
store and, when the proxy holds the CRM credential, that credential and the CRM's describe)
has a probe that returns None when it works, else the cause in a line. Probes run at start and
on their interval; a failure is logged with its cause at start and whenever a probe turns
(``dependency_unavailable``, ``dependency_available``), never on every probe. ``/readyz``
probes the required ones again and names each that fails and why.

Required dependencies gate readiness. The CRM's are reported but do not: every replica shares
the CRM, and taking all of them out of service would turn a clear 503 naming the CRM into a
refused connection.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog

log = structlog.get_logger("guardrail.readiness")

#: Returns None when the dependency works, else why not (one line, no secret).
Probe = Callable[[], Awaitable[str | None]]


@dataclass(frozen=True, slots=True)
class Dependency:
    name: str
    probe: Probe
    required: bool = True  # the proxy is unready while it fails
    every: float = 5.0  # seconds between background probes


@dataclass(frozen=True, slots=True)
class Status:
    ok: bool
    reason: str | None
    since: datetime  # when it last turned


class Readiness:
    """The dependencies' last known state, kept current by probes."""

    def __init__(self, dependencies: Sequence[Dependency], timeout: float = 5.0) -> None:
        self.dependencies = {d.name: d for d in dependencies}
        self._timeout = timeout
        self._status: dict[str, Status] = {}

    @property
    def ready(self) -> bool:
        """Every required dependency answered its last probe."""
        return all(
            (s := self._status.get(d.name)) is not None and s.ok
            for d in self.dependencies.values()
            if d.required
        )

    def failing(self) -> dict[str, str]:
        """Each dependency whose last probe failed, and why."""
        return {name: s.reason or "" for name, s in self._status.items() if not s.ok}

    async def probe(self, names: Collection[str] | None = None) -> None:
        """Probe ``names`` (default: all) at once; log each that turned."""
        chosen = [d for d in self.dependencies.values() if names is None or d.name in names]
        reasons = await asyncio.gather(*(self._run(d) for d in chosen))
        for dependency, reason in zip(chosen, reasons, strict=True):
            self._record(dependency, reason)

    async def probe_required(self) -> None:
        await self.probe([d.name for d in self.dependencies.values() if d.required])

    async def _run(self, dependency: Dependency) -> str | None:
        try:
            return await asyncio.wait_for(dependency.probe(), self._timeout)
        except TimeoutError:
            return f"no answer within {self._timeout:g} s"
        except Exception as exc:  # a probe's failure is its dependency's, whatever it raised
            return f"{type(exc).__name__}: {exc}"

    def _record(self, dependency: Dependency, reason: str | None) -> None:
        ok = reason is None
        before = self._status.get(dependency.name)
        if before is not None and before.ok == ok:
            self._status[dependency.name] = Status(ok, reason, before.since)
            return
        self._status[dependency.name] = Status(ok, reason, datetime.now(UTC))
        if ok:
            log.info("dependency_available", dependency=dependency.name)
        else:
            log.error(
                "dependency_unavailable",
                dependency=dependency.name,
                reason=reason,
                required=dependency.required,
            )

    def report(self) -> dict[str, Any]:
        """Each dependency as /readyz shows it."""
        out: dict[str, Any] = {}
        for name, dependency in self.dependencies.items():
            status = self._status.get(name)
            out[name] = {
                "ok": status.ok if status else None,
                "required": dependency.required,
                "reason": status.reason if status else "not probed yet",
                "since": status.since.isoformat() if status else None,
            }
        return out

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Probe everything once, then each on its interval, for the duration of the block."""
        await self.probe()
        tasks = [asyncio.create_task(self._every(d)) for d in self.dependencies.values()]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _every(self, dependency: Dependency) -> None:
        while True:
            await asyncio.sleep(dependency.every)
            self._record(dependency, await self._run(dependency))
