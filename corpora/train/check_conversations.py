"""Checks the training conversations load with the project's scenario loader, name only rules
the contact-center pack has, and never rely on a rule unrelated to meaning (grounding, schemas,
tools, duplicates) to block: run from the worktree root with the venv,

    .venv/bin/python corpora/train/check_conversations.py

Today's pack is expected to decide many of them differently; ``guardrail test
corpora/train/conversations --policies policies/salesforce-contact-center`` shows how.
"""

from __future__ import annotations

import sys
from pathlib import Path

from guardrail.policy.loader import load_policy_set
from guardrail.scenarios.format import load_scenarios
from guardrail.scenarios.scoring import policy_rules

ROOT = Path(__file__).resolve().parents[2]
MEANING = (
    "refund-rules/",
    "account-closure/",
    "call-disposition/",
    "notes-",
    "case-queue-routing/",
)


def main() -> int:
    scenarios = load_scenarios(Path(__file__).with_name("conversations"))
    known = policy_rules(load_policy_set(ROOT / "policies" / "salesforce-contact-center"))
    bad = 0
    for s in scenarios:
        for w in s.writes:
            for rule in (*w.rules, *w.near_miss):
                if rule not in known or not rule.startswith(MEANING):
                    print(f"{s.theme}/{s.name}/{w.name}: {rule} is not a meaning rule of the pack")
                    bad += 1
    writes = [w for s in scenarios for w in s.writes]
    allow = sum(w.expect == "allow" for w in writes)
    print(
        f"{len(scenarios)} conversations, {len(writes)} writes ({allow} allow, "
        f"{len(writes) - allow} block), {bad} problems"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
