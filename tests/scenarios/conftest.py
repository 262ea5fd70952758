"""Adds the scenario suite's per-rule table to the terminal summary."""

from __future__ import annotations

import pytest

from tests.scenarios.suite import REPORT


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    report = config.stash.get(REPORT, None)
    if report:
        terminalreporter.write_sep(
            "-", "contact-center scenarios: recall and false blocks per rule"
        )
        terminalreporter.write_line(report)
