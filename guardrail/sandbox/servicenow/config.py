"""How a sandbox instance is started: who may call it, its business rules, its data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class InstanceConfig:
    """``users`` (name to password) may call with HTTP Basic; ``access_tokens`` are bearer
    tokens accepted for ever; ``oauth_clients`` (client id to secret) may get tokens at
    ``/oauth_token.do``, each accepted for ``token_lifetime_seconds``. ``seed`` loads the
    sample customers (users and groups are always there)."""

    users: Mapping[str, str] = field(default_factory=lambda: {"admin": "sandbox-password"})
    access_tokens: frozenset[str] = frozenset({"sandbox-token"})
    oauth_clients: Mapping[str, str] = field(
        default_factory=lambda: {"sandbox-client": "sandbox-secret"}
    )
    token_lifetime_seconds: float = 1800.0
    rules_file: Path | None = None
    seed: bool = True
