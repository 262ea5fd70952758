"""The monitoring tests' fixtures (defined in tests.monitoring.helpers)."""

from __future__ import annotations

from tests.monitoring.helpers import processes

__all__ = ["processes"]
