"""What the chart tests share: where things are, a rendered release, values files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "charts" / "guardrail"
FULL_VALUES = Path(__file__).resolve().parent / "full-values.yaml"
RELEASE = "gr"
NAMESPACE = "crm"
#: The values without a default: where the CRM is, and (token mode, the default) the Secret
#: holding the proxy's own credential for it.
REQUIRED = {
    "upstream": {
        "url": "https://acme.my.salesforce.com",
        "credential": {"existingSecret": "crm-credential"},
    }
}

Manifest = dict[str, Any]


class Rendered:
    """One render: the templates' text by path, and the Kubernetes objects they hold."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files
        self.manifests: list[Manifest] = [
            doc
            for path, text in sorted(files.items())
            if path.endswith(".yaml")
            for doc in yaml.safe_load_all(text)
            if doc
        ]

    @property
    def notes(self) -> str:
        return next(text for path, text in self.files.items() if path.endswith("NOTES.txt"))

    def kinds(self) -> set[str]:
        return {m["kind"] for m in self.manifests}

    def all(self, kind: str) -> list[Manifest]:
        return [m for m in self.manifests if m["kind"] == kind]

    def one(self, kind: str, name_suffix: str = "") -> Manifest:
        found = [m for m in self.all(kind) if m["metadata"]["name"].endswith(name_suffix)]
        assert len(found) == 1, f"expected one {kind} named *{name_suffix}, got {len(found)}"
        return found[0]

    def container(self) -> Manifest:
        containers: list[Manifest] = self.one("Deployment")["spec"]["template"]["spec"][
            "containers"
        ]
        assert [c["name"] for c in containers] == ["guardrail"]
        return containers[0]


def full_values() -> dict[str, Any]:
    values: dict[str, Any] = yaml.safe_load(FULL_VALUES.read_text())
    return values


def merged(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``extra`` laid over it, nested maps merged (as helm merges -f files)."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


#: render(values) -> Rendered, as the ``render`` fixture gives it.
Render = Callable[[dict[str, Any]], Rendered]
