"""How a sandbox is started: who may call it, its triggers, its speed, its data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """``latency_seconds`` delays every API call, so tests can play a slow CRM; ``seed`` loads
    the sample customers (the users and queues are always there)."""

    access_tokens: frozenset[str] = frozenset({"sandbox-token"})
    triggers_file: Path | None = None
    latency_seconds: float = 0.0
    seed: bool = True
