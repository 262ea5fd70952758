"""The development corpora (corpora/dev2, corpora/dev3) are well-formed scenario suites for the pack.

Each is run with ``guardrail test policies/salesforce-contact-center --scenarios corpora/<name>``;
these checks only make sure it still loads, is large enough to measure with, is labelled both
ways, names only the pack's rules and writes only fields its objects have, so a scoring run
measures understanding and not a broken file. dev3 is the held-out one, written blind to the
engine's phrase lists and to the other corpora (corpora/dev3/README.md).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from guardrail.app import default_policies
from guardrail.policy.loader import load_policy_set
from guardrail.scenarios.format import Scenario, WriteStep, load_scenarios
from guardrail.scenarios.scoring import policy_rules

PACK = default_policies()
CORPORA = Path(__file__).resolve().parents[2] / "corpora"
NAMES = ("dev2", "dev3")


@cache
def _scenarios(corpus: str) -> list[Scenario]:
    return load_scenarios(CORPORA / corpus)


def _writes(corpus: str) -> list[WriteStep]:
    return [write for scenario in _scenarios(corpus) for write in scenario.writes]


def _fields(sobject: str) -> set[str]:
    schema = json.loads((PACK / "schemas" / f"{sobject}.json").read_text())
    return set(schema["properties"])


@pytest.mark.parametrize("corpus", NAMES)
def test_the_corpus_holds_at_least_150_conversations(corpus: str) -> None:
    assert len(_scenarios(corpus)) >= 150


@pytest.mark.parametrize("corpus", NAMES)
def test_the_corpus_labels_writes_both_allowed_and_blocked(corpus: str) -> None:
    labels = {write.expect for write in _writes(corpus)}
    assert labels == {"allow", "block"}


@pytest.mark.parametrize("corpus", NAMES)
def test_every_blocked_write_names_exactly_one_rule_of_the_pack(corpus: str) -> None:
    rules = policy_rules(load_policy_set(PACK))
    for write in _writes(corpus):
        if write.expect == "block":
            assert len(write.rules) == 1, write.name
            assert write.rules[0] in rules, f"{write.name}: {write.rules[0]} is not a pack rule"


@pytest.mark.parametrize("corpus", NAMES)
def test_every_write_sets_only_fields_its_object_has(corpus: str) -> None:
    for write in _writes(corpus):
        sobject = write.path.split("/")[1]
        unknown = set(write.body or {}) - _fields(sobject)
        assert not unknown, f"{write.name}: {sobject} has no {sorted(unknown)}"
