"""The checklist's cases, read once per split."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from guardrail.understanding.lexical import LexicalBackend
from tests.understanding.checklist.suite import CEILINGS, generate, run, table


@pytest.fixture(scope="session")
def measured() -> dict[str, dict[str, dict[str, list[int]]]]:
    """split: capability: test type: [cases, failures]."""
    backend = LexicalBackend()
    return {split: table(run(generate(split), backend.understand)) for split in ("dev", "held")}


@pytest.fixture(scope="session")
def ceilings() -> Any:
    return yaml.safe_load(CEILINGS.read_text())
