"""Shared fixtures: a small policy pack for tests that do not need the shipped one."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

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


def grounded_pack(directory: Path) -> Path:
    """The shipped pack's ParameterValidation and grounding: a write must name records the
    conversation has grounds for."""
    parameters_pack(directory)
    shutil.copy(SHIPPED_PACK / "grounding.yaml", directory)
    return directory


def write_case_pack(directory: Path, mode: str = "enforce") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "case.yaml").write_text(CASE_POLICY.format(mode=mode))
    return directory


@pytest.fixture
def case_pack(tmp_path: Path) -> Path:
    return write_case_pack(tmp_path / "policies")
