"""Shared fixtures: a small policy pack for tests that do not need the shipped one."""

from __future__ import annotations

import http.client
import os
import shutil
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from guardrail.testing import SANDBOX_TOKEN, Stack

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


def grounded_pack(directory: Path) -> Path:
    """The shipped pack's ParameterValidation and grounding: a write must name records the
    conversation has grounds for."""
    parameters_pack(directory)
    shutil.copy(SHIPPED_PACK / "grounding.yaml", directory)
    return directory


NO_HIGH_PRIORITY = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata:
  name: no-high-priority
spec:
  match:
    objects: [Case]
    operations: [create, update, upsert]
  rules:
    - name: NotHigh
      expression: '!has(intent.fields.Priority) || intent.fields.Priority != "High"'
      message: Priority High is forbidden here.
"""


def guarded_pack(directory: Path) -> Path:
    """The shipped pack's schemas and CRM safeguards, and one rule on values: Priority High is
    forbidden on a Case, so a test can tell a rule saw a field under its canonical name."""
    parameters_pack(directory)
    shutil.copy(SHIPPED_PACK / "crm-safeguards.yaml", directory)
    (directory / "priority.yaml").write_text(NO_HIGH_PRIORITY)
    return directory


def write_case_pack(directory: Path, mode: str = "enforce") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "case.yaml").write_text(CASE_POLICY.format(mode=mode))
    return directory


@pytest.fixture
def case_pack(tmp_path: Path) -> Path:
    return write_case_pack(tmp_path / "policies")


@dataclass(frozen=True)
class Sent:
    """One request, as bytes on the wire, and whether the test's policies forbid what it
    would write (in any reading of it)."""

    method: str
    target: str
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    forbidden: bool = False
    note: str = ""


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class Wire:
    """Sends a ``Sent`` through the proxy exactly as built."""

    def __init__(self, stack: Stack) -> None:
        self.host, _, port = stack.proxy_instance.partition(":")
        self.port = int(port)
        self.context = ssl.create_default_context(cafile=str(stack.tls.ca_pem))

    def send(self, sent: Sent) -> Answer:
        connection = http.client.HTTPSConnection(
            self.host, self.port, context=self.context, timeout=30
        )
        try:
            connection.putrequest(sent.method, sent.target, skip_accept_encoding=True)
            connection.putheader("Authorization", f"Bearer {SANDBOX_TOKEN}")
            connection.putheader("X-Guardrail-Conversation", "invariant")
            for name, value in sent.headers:
                connection.putheader(name, value)
            if sent.body or sent.method in ("POST", "PATCH"):
                connection.putheader("Content-Length", str(len(sent.body)))
            connection.endheaders(sent.body or None)
            response = connection.getresponse()
            return Answer(
                response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
            )
        finally:
            connection.close()


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
