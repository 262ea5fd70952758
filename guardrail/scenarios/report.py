"""What a scenario run leaves behind: JUnit XML for CI, and a baseline to compare the next run
with.

A baseline records each labeled write's outcome (decision and blocking rules) and whether it was
decided as labeled. Against one, a run fails only on regressions: a write decided as labeled
before and not now, a new write not decided as labeled, or a known failure that now fails
differently. Known failures recorded in the baseline stay accepted (a pack can adopt a rule
before every scenario passes), and fixed ones are reported, so the baseline can be recorded
again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from guardrail.errors import ConfigError
from guardrail.scenarios.scoring import ERROR, StepResult

BASELINE_FORMAT = "guardrail-test-baseline/1"


def outcome(result: StepResult) -> dict[str, Any]:
    """What a baseline keeps of a write: its decision, the rules that blocked it, and whether
    that is what its label says."""
    return {
        "decision": result.decision,
        "blocked_by": sorted(result.blocked_by),
        **({"held_by": sorted(result.held_by)} if result.held_by else {}),
        "passed": result.problem is None,
    }


def baseline(results: Sequence[StepResult], policy_version: str) -> dict[str, Any]:
    return {
        "format": BASELINE_FORMAT,
        "policy_version": policy_version,
        "writes": {r.key: outcome(r) for r in results},
    }


def read_baseline(path: Path) -> dict[str, Any]:
    """A baseline file. Raises ConfigError when it is missing or not one."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no baseline here (record one with --record-baseline)") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: not a baseline: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != BASELINE_FORMAT:
        raise ConfigError(f"{path}: not a baseline ({BASELINE_FORMAT})")
    writes = document.get("writes")
    if not isinstance(writes, dict):
        raise ConfigError(f"{path}: a baseline's writes must be an object")
    return document


def write_baseline(path: Path, document: Mapping[str, Any]) -> None:
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Comparison:
    """A run against a baseline."""

    regressions: tuple[str, ...]
    accepted: frozenset[str]  # keys of known failures that fail as recorded
    fixed: tuple[str, ...]
    gone: tuple[str, ...]  # writes the baseline has and the run does not


def compare(results: Sequence[StepResult], recorded: Mapping[str, Any]) -> Comparison:
    before: Mapping[str, Any] = recorded["writes"]
    regressions: list[str] = []
    accepted: set[str] = set()
    fixed: list[str] = []
    for result in results:
        then, now = before.get(result.key), outcome(result)
        if result.problem is None:
            if isinstance(then, dict) and not then.get("passed", True):
                fixed.append(f"{result.key}: now decided as labeled")
            continue
        if then == now:
            accepted.add(result.key)
        elif not isinstance(then, dict):
            regressions.append(f"new write not decided as labeled: {result.problem}")
        elif then.get("passed"):
            regressions.append(f"regressed: {result.problem}")
        else:
            regressions.append(
                f"fails differently from the baseline ({then.get('decision')} "
                f"{then.get('blocked_by')}): {result.problem}"
            )
    seen = {r.key for r in results}
    gone = tuple(sorted(k for k in before if k not in seen))
    return Comparison(tuple(regressions), frozenset(accepted), tuple(fixed), gone)


def junit(
    results: Sequence[StepResult],
    *,
    name: str,
    policy_version: str,
    accepted: frozenset[str] = frozenset(),
) -> bytes:
    """JUnit XML: a test suite per theme (scenario file), a test case per labeled write. A write
    not decided as labeled is a failure (an error when it failed outside the guardrail); a known
    failure the baseline accepts is skipped, so the report agrees with the exit status."""
    root = ET.Element("testsuites", name=name)
    themes: dict[str, list[StepResult]] = {}
    for result in results:
        themes.setdefault(result.theme or name, []).append(result)
    for theme, members in themes.items():
        suite = ET.SubElement(root, "testsuite", name=theme)
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="policy_version", value=policy_version)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        total = 0.0
        for r in members:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{theme}.{r.scenario}",
                name=r.step,
                time=f"{r.seconds:.6f}",
            )
            counts["tests"] += 1
            total += r.seconds
            problem = r.problem
            if problem is None:
                continue
            if r.key in accepted:
                ET.SubElement(case, "skipped", message=f"known failure (baseline): {problem}")
                counts["skipped"] += 1
            elif r.decision == ERROR:
                ET.SubElement(case, "error", message=problem, type="error").text = r.detail
                counts["errors"] += 1
            else:
                ET.SubElement(case, "failure", message=problem, type="mismatch").text = r.detail
                counts["failures"] += 1
        suite.attrib.update({k: str(v) for k, v in counts.items()} | {"time": f"{total:.6f}"})
    ET.indent(root)
    xml: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return xml + b"\n"
