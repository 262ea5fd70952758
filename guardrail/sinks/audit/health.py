"""Whether the audit log can take a write now: the gate the proxy checks before forwarding.

Kept current by the commits themselves (the last one failed, or took longer than the bound:
unavailable) and, while unavailable, by a probe; so checking it costs the proxy nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import structlog

log = structlog.get_logger("guardrail.audit")


class Health:
    def __init__(self, bound_seconds: float, on_change: Callable[[bool], None]) -> None:
        self.bound = bound_seconds
        self.available = False
        self.reason = "the audit log has not been opened yet"
        self._on_change = on_change

    def succeeded(self, seconds: float) -> None:
        if seconds > self.bound:
            self._set(False, f"a commit took {seconds:.3f} s, over the {self.bound:g} s bound")
        else:
            self._set(True, "")

    def failed(self, reason: str) -> None:
        self._set(False, reason)

    def closed(self) -> None:
        """Shut down on purpose: unavailable, without raising the alarm."""
        self.available, self.reason = False, "the audit log is closed"
        self._on_change(False)

    def _set(self, available: bool, reason: str) -> None:
        changed = available != self.available
        self.available, self.reason = available, reason
        if not changed:
            return
        if available:
            log.info("audit_available")
        else:
            log.error("audit_unavailable", reason=reason)
        self._on_change(available)
