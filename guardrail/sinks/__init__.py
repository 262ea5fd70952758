"""Sinks: where decisions go once made: the audit log, metrics, logs and alerts.

A sink is any object with ``async def emit(decision)``. The proxy awaits every sink before the
agent's response leaves, so a sink that must not lose a decision (the audit log) can hold the
response until the decision is safe.
"""

from __future__ import annotations

from typing import Protocol

from guardrail.model import Decision


class Sink(Protocol):
    async def emit(self, decision: Decision) -> None: ...
