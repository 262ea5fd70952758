"""How a sandbox is started: who may call it, its triggers, its speed, its data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """``latency_seconds`` delays every API call, so tests can play a slow CRM; ``seed`` loads
    the sample customers (the users and queues are always there). ``oauth_clients`` (client id
    to secret) may fetch tokens at ``/services/oauth2/token``, each accepted for
    ``token_lifetime_seconds``, besides the fixed ``access_tokens``."""

    access_tokens: frozenset[str] = frozenset({"sandbox-token"})
    oauth_clients: Mapping[str, str] = field(
        default_factory=lambda: {"sandbox-client": "sandbox-secret"}
    )
    token_lifetime_seconds: float = 7200.0
    triggers_file: Path | None = None
    latency_seconds: float = 0.0
    seed: bool = True
