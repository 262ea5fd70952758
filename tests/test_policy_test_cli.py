"""``guardrail test``: the shipped pack's scenarios offline, JUnit XML, baselines, and a broken
rule caught by name."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml

from guardrail.app import default_policies
from guardrail.cli import main
from guardrail.scenarios.format import load_scenarios

PACK = default_policies()
BROKEN_RULE = "call-disposition/DispositionMatchesOutcome"


def labelled_with(rule: str) -> set[str]:
    """The scenarios with a write that ``rule`` must block."""
    return {s.name for s in load_scenarios(PACK / "scenarios") for w in s.writes if rule in w.rules}


def broken_pack(directory: Path) -> Path:
    """A copy of the pack whose disposition rule passes every write."""
    shutil.copytree(PACK, directory)
    path = directory / "dispositions.yaml"
    policy = yaml.safe_load(path.read_text())
    policy["spec"]["rules"][0]["expression"] = "true"
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    return directory


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["test", *args])
    return code, capsys.readouterr().out


def test_the_shipped_pack_passes_with_a_table_and_junit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junit = tmp_path / "scenarios.xml"
    code, out = run(capsys, str(PACK / "scenarios"), "--junit", str(junit))
    assert code == 0, out
    assert "call-disposition/DispositionMatchesOutcome" in out  # the per-rule table
    assert "recall" in out
    assert "falsely blocked 0" in out
    assert "expected \\ got" in out  # the confusion table
    writes = sum(len(s.writes) for s in load_scenarios(PACK / "scenarios"))
    root = ET.parse(junit).getroot()  # noqa: S314 - our own output
    cases = root.findall("testsuite/testcase")
    assert len(cases) == writes
    assert sum(int(s.get("failures", "0")) for s in root.findall("testsuite")) == 0
    assert not root.findall(".//failure")
    assert {s.get("name") for s in root.findall("testsuite")} >= {"dispositions", "refunds"}


def test_a_broken_rule_fails_and_names_the_scenarios_it_broke(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = broken_pack(tmp_path / "pack")
    junit = tmp_path / "broken.xml"
    code, out = run(capsys, str(pack), "--junit", str(junit))
    assert code == 1
    expected = labelled_with(BROKEN_RULE)
    assert expected
    problems = out.split("writes not decided as labeled:", 1)[1].split("JUnit XML:")[0]
    named = {line.strip().split(" / ")[0] for line in problems.strip().splitlines()}
    assert named == expected
    failed = {
        case.get("classname", "").split(".", 1)[1]
        for case in ET.parse(junit).getroot().iter("testcase")  # noqa: S314
        if case.find("failure") is not None
    }
    assert failed == expected


def test_a_baseline_fails_only_on_regressions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = broken_pack(tmp_path / "pack")
    good_baseline, broken_baseline = tmp_path / "good.json", tmp_path / "broken.json"

    code, out = run(capsys, str(PACK), "--baseline", str(good_baseline), "--record-baseline")
    assert code == 0, out
    recorded = json.loads(good_baseline.read_text())
    assert all(w["passed"] for w in recorded["writes"].values())

    # Against a baseline where everything passed, the broken rule is a regression, by name.
    code, out = run(capsys, str(broken), "--baseline", str(good_baseline))
    assert code == 1
    regressions = out.split("regressions against", 1)[1]
    assert {s for s in labelled_with(BROKEN_RULE) if f"regressed: {s} / " in regressions} == (
        labelled_with(BROKEN_RULE)
    )

    # Recorded as known failures, the same breakage is accepted (skipped in JUnit) ...
    code, out = run(capsys, str(broken), "--baseline", str(broken_baseline), "--record-baseline")
    assert code == 0
    junit = tmp_path / "accepted.xml"
    code, out = run(capsys, str(broken), "--baseline", str(broken_baseline), "--junit", str(junit))
    assert code == 0, out
    assert "no regressions" in out
    root = ET.parse(junit).getroot()  # noqa: S314 - our own output
    assert not root.findall(".//failure")
    assert len(root.findall(".//skipped")) == len(
        [w for w in json.loads(broken_baseline.read_text())["writes"].values() if not w["passed"]]
    )
    # ... and the repaired pack reports them fixed.
    code, out = run(capsys, str(PACK), "--baseline", str(broken_baseline))
    assert code == 0
    assert "fixed since the baseline" in out


def test_bad_arguments_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(tmp_path)]) == 2  # no scenarios there
    assert main(["test", str(PACK), "--record-baseline"]) == 2
    assert main(["test", str(PACK), "--baseline", str(tmp_path / "missing.json")]) == 2
    assert "record one with --record-baseline" in capsys.readouterr().err
