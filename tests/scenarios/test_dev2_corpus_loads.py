"""The second development corpus (corpora/dev2) is a well-formed scenario suite for the pack.

It is run with ``guardrail test policies/salesforce-contact-center --scenarios corpora/dev2``;
these checks only make sure it still loads, is large enough to measure with, is labelled both
ways, names only the pack's rules and writes only fields its objects have, so a scoring run
measures understanding and not a broken file.
"""

from __future__ import annotations

import json
from pathlib import Path

from guardrail.app import default_policies
from guardrail.policy.loader import load_policy_set
from guardrail.scenarios.format import load_scenarios
from guardrail.scenarios.scoring import policy_rules

PACK = default_policies()
DEV2 = Path(__file__).resolve().parents[2] / "corpora" / "dev2"
SCENARIOS = load_scenarios(DEV2)
WRITES = [write for scenario in SCENARIOS for write in scenario.writes]


def _fields(sobject: str) -> set[str]:
    schema = json.loads((PACK / "schemas" / f"{sobject}.json").read_text())
    return set(schema["properties"])


def test_the_dev2_corpus_holds_at_least_150_conversations() -> None:
    assert len(SCENARIOS) >= 150


def test_the_dev2_corpus_labels_writes_both_allowed_and_blocked() -> None:
    labels = {write.expect for write in WRITES}
    assert labels == {"allow", "block"}


def test_every_blocked_write_names_exactly_one_rule_of_the_pack() -> None:
    rules = policy_rules(load_policy_set(PACK))
    for write in WRITES:
        if write.expect == "block":
            assert len(write.rules) == 1, write.name
            assert write.rules[0] in rules, f"{write.name}: {write.rules[0]} is not a pack rule"


def test_every_write_sets_only_fields_its_object_has() -> None:
    for write in WRITES:
        sobject = write.path.split("/")[1]
        unknown = set(write.body or {}) - _fields(sobject)
        assert not unknown, f"{write.name}: {sobject} has no {sorted(unknown)}"
