"""Fixtures for the admin listener's tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from guardrail.config import Settings


@pytest.fixture
def admin_settings(tmp_path: Path, case_pack: Path) -> Callable[..., Settings]:
    """Settings of a proxy in front of nothing (127.0.0.1:9) with the case pack, listening on
    free ports and auditing to SQLite in ``tmp_path``; keyword arguments add or override."""

    def make(**overrides: Any) -> Settings:
        base: dict[str, Any] = {
            "upstream": "http://127.0.0.1:9",
            "policies": case_pack,
            "listen": "127.0.0.1:0",
            "admin_listen": "127.0.0.1:0",
            "audit_dsn": f"sqlite:///{tmp_path / 'audit.db'}",
        }
        return Settings(**{**base, **overrides})

    return make
