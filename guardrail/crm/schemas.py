"""A pack's schemas on disk: one JSON Schema per object, as ``guardrail schema import`` writes
them from the CRM's describe."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def write_schemas(schemas: Mapping[str, Mapping[str, Any]], directory: Path) -> list[Path]:
    """Write each schema as ``<Object>.json`` (stable formatting, so diffs show real drift)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas.items():
        path = directory / f"{name}.json"
        path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written
