"""Fixtures every test may use (defined in tests.helpers), and the test tiers: each test is
``e2e`` when it starts a server, a stack or a process, else ``unit`` (``pytest -m unit`` runs
the fast tier alone)."""

from __future__ import annotations

import pytest

from tests.helpers import _audit_log_outside_the_tree, case_pack, tier

__all__ = ["_audit_log_outside_the_tree", "case_pack"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(tier(item))
