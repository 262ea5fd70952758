"""Shared fixtures: a small policy pack for tests that do not need the shipped one."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Serving:
    """``guardrail serve`` as a process (pass-through, the parameters pack, an unreachable
    CRM unless given one), its JSON log lines in a file, its admin listener in reach."""

    def __init__(self, directory: Path, *args: str, **env: str) -> None:
        self.admin = f"http://127.0.0.1:{free_port()}"
        self.log = directory / "serve.log"
        pack = parameters_pack(directory / "policies")
        defaults = ["--upstream", "http://127.0.0.1:9", "--auth-mode", "passthrough"]
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "guardrail", "serve", *(args or defaults),
                 "--policies", str(pack), "--listen", f"127.0.0.1:{free_port()}",
                 "--admin-listen", self.admin.removeprefix("http://")],
                stdout=out, stderr=subprocess.STDOUT, text=True, env={**os.environ, **env},
            )  # fmt: skip

    def events(self, name: str) -> list[dict[str, Any]]:
        lines = self.log.read_text().splitlines()
        found = [json.loads(line) for line in lines if line.startswith("{")]
        return [e for e in found if e.get("event") == name]

    def readyz(self, ready: bool | None = None, seconds: float = 20) -> dict[str, Any]:
        """/readyz's answer, once listening (and, given ``ready``, once it says so)."""
        deadline = time.monotonic() + seconds
        while True:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                answer = httpx.get(f"{self.admin}/readyz", timeout=2)
            except httpx.TransportError:
                answer = None
            if answer is not None and (ready is None or answer.json()["ready"] is ready):
                return dict(answer.json())
            assert time.monotonic() < deadline, answer.text if answer else "never listened"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
