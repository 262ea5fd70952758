"""The Zendesk contact-center pack's labeled scenarios, run offline as ``guardrail test`` runs
them (the Zendesk dialect and a simulated Zendesk): every write decided as labeled."""

from __future__ import annotations

from pathlib import Path

from guardrail.policy.loader import load_policy_set
from guardrail.scenarios.format import load_scenarios
from guardrail.scenarios.offline import run_all

PACK = Path(__file__).parent.parent.parent / "policies" / "zendesk-contact-center"


async def test_every_zendesk_scenario_is_decided_as_labeled() -> None:
    policies = load_policy_set(PACK)
    assert policies.crm == "zendesk"
    results = await run_all(policies, load_scenarios(PACK / "scenarios"))
    assert len(results) >= 20
    problems = [r.problem for r in results if r.problem]
    assert not problems, problems
