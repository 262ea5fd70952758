"""The alert rules in monitoring/: valid, and unit-tested with promtool's own test runner."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

MONITORING = Path(__file__).resolve().parents[2] / "monitoring"


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("promtool is missing; .ci/run installs Debian's prometheus package")
        pytest.skip("promtool not installed")
    return found


def test_rules_are_valid() -> None:
    result = subprocess.run(
        [promtool(), "check", "rules", "alerts.yaml"],
        cwd=MONITORING,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_rules_fire_as_their_unit_tests_say() -> None:
    result = subprocess.run(
        [promtool(), "test", "rules", "alerts.test.yaml"],
        cwd=MONITORING,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
