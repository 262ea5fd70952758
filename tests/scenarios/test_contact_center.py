"""The labeled scenario suite of the contact-center pack, run through the real proxy.

Every scenario the pack ships (policies/salesforce-contact-center/scenarios/, format:
guardrail.scenarios) is a conversation with the writes an agent makes in it, each labeled allow
or block (and by which rules). ``guardrail test`` runs the same files offline; here one stack
(sandbox CRM + proxy with the shipped pack) runs them all with simple-salesforce. The suite must
reach 100% recall on the bad writes and no false blocks on the good ones, and must cover every
rule of the pack.
Run with ``-s`` to see the per-rule table; it is also in the terminal summary and in the
pytest base temp directory as ``scenario-report.txt``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from guardrail.app import default_policies
from guardrail.policy.loader import load_policy_set
from guardrail.scenarios.format import load_scenarios
from guardrail.scenarios.scoring import (
    StepResult,
    policy_rules,
    rule_kind,
    score,
    table,
    theme_counts,
)
from guardrail.testing import Stack
from tests.scenarios.suite import HOLDS_CREDENTIAL, REPORT, ScenarioRunner, parameter_kinds

PACK = default_policies()
SCENARIOS = load_scenarios(PACK / "scenarios")
RULES = policy_rules(load_policy_set(PACK))
MIN_SCENARIOS = 85


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The full shipped pack (the proxy's default policies) in front of the sandbox."""
    with Stack(
        tmp_path_factory.mktemp("scenarios"), auth_mode="passthrough", credential=HOLDS_CREDENTIAL
    ) as running:
        yield running


@pytest.fixture(scope="module")
def results(stack: Stack) -> list[StepResult]:
    runner = ScenarioRunner(stack)
    return [result for scenario in SCENARIOS for result in runner.run(scenario)]


def test_the_suite_labels_bad_writes_and_near_misses_for_every_rule() -> None:
    assert len(SCENARIOS) >= MIN_SCENARIOS
    required = RULES | parameter_kinds(PACK)
    writes = [w for s in SCENARIOS for w in s.writes]
    bad = {rule_kind(r) for w in writes for r in w.rules}
    near = {rule_kind(r) for w in writes for r in w.near_miss}
    assert not required - bad, f"no bad write labeled for {sorted(required - bad)}"
    assert not required - near, f"no near miss labeled for {sorted(required - near)}"
    named = bad | near
    unknown = {r for r in named if "/" in r and r not in required}
    assert not unknown, f"labels name rules the pack does not have: {sorted(unknown)}"


def test_every_write_is_decided_as_labeled(
    results: list[StepResult],
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    scores = score(results, RULES)
    report = f"{theme_counts(SCENARIOS)}\n{table(scores, results)}"
    print(f"\n{report}")
    (tmp_path_factory.getbasetemp() / "scenario-report.txt").write_text(report + "\n")
    request.config.stash[REPORT] = report

    problems = [r.problem for r in results if r.problem]
    assert not problems, f"{len(problems)} writes not decided as labeled:\n" + "\n".join(problems)
    assert all(s.caught == s.bad for s in scores), "recall below 100%"
    assert all(s.false_blocks == 0 for s in scores), "false blocks"
