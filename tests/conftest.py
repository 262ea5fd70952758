"""Shared fixtures: a small policy pack for tests that do not need the shipped one."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

CASE_POLICY = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata:
  name: case-fields
spec:
  match:
    objects: [Case]
  mode: {mode}
  schema:
    type: object
    additionalProperties: false
    required: [Subject]
    properties:
      Subject: {{type: string, maxLength: 255}}
      Status: {{enum: [New, Working, Escalated, Closed]}}
"""


@pytest.fixture(autouse=True, scope="session")
def _audit_log_outside_the_tree(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """`guardrail serve` keeps its audit log in the working directory by default: the tests'
    servers keep theirs in a temporary one, unless a test says otherwise."""
    if "GUARDRAIL_AUDIT_DSN" in os.environ:
        yield
        return
    path = tmp_path_factory.mktemp("audit") / "guardrail-audit.db"
    os.environ["GUARDRAIL_AUDIT_DSN"] = f"sqlite:///{path}"
    try:
        yield
    finally:
        os.environ.pop("GUARDRAIL_AUDIT_DSN", None)


SHIPPED_PACK = Path(__file__).resolve().parent.parent / "policies" / "salesforce-contact-center"


def parameters_pack(directory: Path) -> Path:
    """The shipped pack's ParameterValidation alone (no conversation rules)."""
    shutil.copytree(SHIPPED_PACK / "schemas", directory / "schemas")
    shutil.copy(SHIPPED_PACK / "parameters.yaml", directory)
    return directory


def write_case_pack(directory: Path, mode: str = "enforce") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "case.yaml").write_text(CASE_POLICY.format(mode=mode))
    return directory


@pytest.fixture
def case_pack(tmp_path: Path) -> Path:
    return write_case_pack(tmp_path / "policies")


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
