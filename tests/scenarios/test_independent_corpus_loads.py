"""The independent held-out set (corpora/independent/) loads with the scenario loader and is big
and balanced enough to measure accuracy on.

The set is written apart from the training corpus and the engine and is never trained or tuned
on; these tests only check its shape. They do not run it: today's pack is expected to get many
of its writes wrong, and a label is never changed to match it.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from guardrail.app import default_policies
from guardrail.policy.loader import load_policy_set
from guardrail.scenarios.format import Scenario, load_scenarios
from guardrail.scenarios.scoring import policy_rules

INDEPENDENT = Path(__file__).resolve().parents[2] / "corpora" / "independent"


@pytest.fixture(scope="module")
def scenarios() -> list[Scenario]:
    return load_scenarios(INDEPENDENT)


def test_every_independent_file_loads_into_at_least_150_conversations(
    scenarios: list[Scenario],
) -> None:
    assert len(scenarios) >= 150
    assert {s.theme for s in scenarios} == {p.stem for p in INDEPENDENT.glob("*.yaml")}


def test_the_independent_set_holds_good_and_bad_writes_in_roughly_equal_measure(
    scenarios: list[Scenario],
) -> None:
    labels = Counter(w.expect for s in scenarios for w in s.writes)
    total = labels["allow"] + labels["block"]
    assert labels["allow"] >= total / 3
    assert labels["block"] >= total / 3


def test_every_rule_the_independent_set_names_is_a_rule_of_the_pack(
    scenarios: list[Scenario],
) -> None:
    known = policy_rules(load_policy_set(default_policies()))
    named = {r for s in scenarios for w in s.writes for r in (*w.rules, *w.near_miss)}
    assert named - known == set()


def test_every_blocked_write_in_the_independent_set_names_the_one_problem_it_has(
    scenarios: list[Scenario],
) -> None:
    several = [f"{s.name}/{w.name}" for s in scenarios for w in s.writes if len(w.rules) > 1]
    assert several == []


def test_every_write_in_the_independent_set_sets_only_fields_its_object_has(
    scenarios: list[Scenario],
) -> None:
    """A YAML slip (an unquoted comma in a flow mapping) turns text into a field named after it;
    such a write would be blocked for its shape, not for the labelled reason."""
    schemas = default_policies() / "schemas"
    writable: dict[str, set[str]] = {}
    for path in schemas.glob("*.json"):
        properties = json.loads(path.read_text())["properties"]
        writable[path.stem] = {k for k, v in properties.items() if not v.get("readOnly")}
    stray = [
        f"{s.name}/{w.name}: {field}"
        for s in scenarios
        for w in s.writes
        for field, value in (w.body or {}).items()
        if field not in writable[w.path.split("/")[1]] or value is None
    ]
    assert stray == []
