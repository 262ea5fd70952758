"""Every value is explained in values.yaml and in the chart's README table."""

from __future__ import annotations

import re
from typing import Any

import yaml

from tests.charts.chart import CHART

KEY = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z_][\w.-]*):")


def documented_values() -> tuple[list[str], list[str]]:
    """(paths with a ``# --`` comment just above them, paths of keys without one)."""
    documented: list[str] = []
    bare: list[str] = []
    path: list[tuple[int, str]] = []
    commented = False
    for line in (CHART / "values.yaml").read_text().splitlines():
        if line.lstrip().startswith("# --"):
            commented = True
            continue
        match = KEY.match(line)
        if not match:
            if line.strip() and not line.lstrip().startswith("#"):
                commented = False  # a list item or a continuation: not a key of its own
            continue
        indent = len(match["indent"])
        while path and path[-1][0] >= indent:
            path.pop()
        path.append((indent, match["key"]))
        dotted = ".".join(key for _, key in path)
        (documented if commented else bare).append(dotted)
        commented = False
    return documented, bare


def leaf_values(node: Any, prefix: str = "") -> list[str]:
    """Paths of the values that are not sections (maps that group other values)."""
    if isinstance(node, dict) and node and all(isinstance(k, str) for k in node):
        return [path for k, v in node.items() for path in leaf_values(v, f"{prefix}{k}.")]
    return [prefix.rstrip(".")]


def test_every_value_has_a_comment() -> None:
    documented, bare = documented_values()
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    # A key without a comment must be a section whose values are each documented (or inside
    # a documented value, such as resources.requests.cpu).
    for path in bare:
        inside_documented = any(path.startswith(doc + ".") for doc in documented)
        is_section = any(leaf.startswith(path + ".") for leaf in leaf_values(values))
        assert inside_documented or is_section, f"{path} has no '# --' comment"
    for leaf in leaf_values(values):
        assert leaf in documented or any(leaf.startswith(doc + ".") for doc in documented), leaf


def test_readme_table_lists_every_documented_value() -> None:
    readme = (CHART / "README.md").read_text()
    rows = set(re.findall(r"^\| `([\w.-]+)` \|", readme, flags=re.MULTILINE))
    documented, _ = documented_values()
    assert sorted(set(documented) - rows) == []
    assert sorted(rows - set(documented)) == []
