"""Fixtures every test may use (defined in tests.helpers), and the test tiers: each test is
``e2e`` when it starts a server, a stack or a process, else ``unit`` (``pytest -m unit`` runs
the fast tier alone)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.helpers import _audit_log_outside_the_tree, case_pack, tier, zendesk_stack

__all__ = ["_audit_log_outside_the_tree", "case_pack", "zendesk_stack"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(tier(item))


# -- a real browser for the review page tests ------------------------------------------------
# The browser is each module's, not pytest-playwright's session-wide one: while Playwright
# lives, its thread has a running event loop, and every asyncio test after the module would
# fail to start its own. pytest-playwright still supplies the launch arguments (``--headed``,
# ``--slowmo``), to which Debian's chromium is added.


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's chromium, never a browser downloaded by ``playwright install``."""
    chromium = shutil.which("chromium")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": chromium}


@pytest.fixture(scope="module")
def browser(browser_type_launch_args: dict[str, Any]) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(**browser_type_launch_args)
        yield launched
        launched.close()
