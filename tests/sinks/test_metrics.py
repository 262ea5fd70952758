"""Release cohorts: judged writes, blocks per rule and disposition/outcome mismatches by the
conversation's intent (bounded) and the policy version (the newest few kept)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from guardrail.app import default_policies
from guardrail.context.facts import Facts, Transcript
from guardrail.context.model import Conversation
from guardrail.model import Caller, Decision, Operation, WriteIntent
from guardrail.pipeline import Pipeline
from guardrail.policy.loader import load_policy_set
from guardrail.sinks.metrics import COHORT_VERSIONS, Metrics

RULE = ("call-disposition", "DispositionMatchesOutcome")
POLICIES = load_policy_set(default_policies())


def judged(disposition: str, outcome: str, metadata: dict[str, Any]) -> Decision:
    """A call logged with ``disposition`` in a conversation that ended ``outcome``."""
    now = datetime.now(UTC)
    conversation = Conversation(
        id="c1", outcome=outcome, metadata=metadata, created_at=now, updated_at=now
    )
    facts = Facts(conversation, Transcript.of(conversation), now=now)
    task = WriteIntent(
        "salesforce",
        "Task",
        Operation.CREATE,
        {"Subject": "Call", "Status": "Completed", "CallDisposition": disposition},
    )
    pipeline = Pipeline(lambda: POLICIES)
    return pipeline.evaluate("salesforce", (task,), Caller(conversation="c1"), facts)


@pytest.fixture
def metrics() -> Metrics:
    return Metrics("salesforce", lambda name: name, conversation_intents=["billing", "refund"])


def sample(metrics: Metrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(name, labels) or 0.0


def test_dispositions_and_blocks_by_conversation_intent(metrics: Metrics) -> None:
    version = POLICIES.version
    asyncio.run(metrics.emit(judged("Resolved", "resolved", {"intent": "billing"})))
    asyncio.run(metrics.emit(judged("Escalated", "resolved", {"intent": "fraud"})))
    asyncio.run(metrics.emit(judged("Escalated", "resolved", {})))

    def dispositions(intent: str, result: str) -> float:
        return sample(
            metrics,
            "guardrail_dispositions_total",
            conversation_intent=intent,
            policy_version=version,
            result=result,
        )

    assert dispositions("billing", "match") == 1
    assert dispositions("billing", "mismatch") == 0
    assert dispositions("other", "mismatch") == 1  # "fraud" is not a configured intent
    assert dispositions("unknown", "mismatch") == 1  # no intent at all
    blocks = {
        intent: sample(
            metrics,
            "guardrail_rule_blocks_total",
            policy=RULE[0],
            rule=RULE[1],
            conversation_intent=intent,
            policy_version=version,
            mode="enforce",
        )
        for intent in ("billing", "other", "unknown")
    }
    assert blocks == {"billing": 0, "other": 1, "unknown": 1}
    writes = sample(
        metrics,
        "guardrail_judged_writes_total",
        conversation_intent="billing",
        policy_version=version,
        decision="allow",
    )
    assert writes == 1


def test_only_the_newest_policy_versions_keep_their_series(metrics: Metrics) -> None:
    decision = judged("Escalated", "resolved", {"intent": "refund"})
    versions = [f"v{n}" for n in range(COHORT_VERSIONS + 2)]
    for version in versions:
        asyncio.run(metrics.emit(replace(decision, policy_version=version)))
    kept = {
        s.labels["policy_version"]
        for family in metrics.registry.collect()
        if family.name in ("guardrail_dispositions", "guardrail_rule_blocks")
        for s in family.samples
    }
    assert kept == set(versions[-COHORT_VERSIONS:])
