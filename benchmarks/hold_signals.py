"""Per labelled write: how it was decided, and the readings a hold could be decided on.

For calibrating when an unsure reading should hold a write rather than let it through or block
it: each write of a scenario directory, judged offline as ``guardrail test`` judges it, with
its label, decision, the rules that stopped it, and the refund and closure asks as the lexical
and model backends read the conversation at that write (status, confidence, amount
confidence) and whether they agree. One JSON object a line, then the summary line::

    PYTHONPATH=. python benchmarks/hold_signals.py corpora/dev8 [--policies DIR]
        [--backends lexical] > dev8.jsonl

Runs with whatever ``guardrail`` is first on the path, so an older engine's worktree can be
measured on today's corpora (PYTHONPATH=that worktree).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from guardrail.context.model import Turn
from guardrail.policy.loader import load_policy_set
from guardrail.scenarios.format import TurnsStep, WriteStep, load_scenarios
from guardrail.scenarios.offline import run_all
from guardrail.scenarios.scoring import Summary
from guardrail.understanding import backends as optional
from guardrail.understanding import service
from guardrail.understanding.model import AskKind, Understanding

KINDS = (AskKind.REFUND, AskKind.ACCOUNT_CLOSURE)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", type=Path)
    parser.add_argument("--policies", type=Path, default=Path("policies/salesforce-contact-center"))
    parser.add_argument("--backends", default="lexical")
    args = parser.parse_args()
    from guardrail.config import UnderstandingSettings

    optional.install(UnderstandingSettings())
    lexical = service.Understander.of(["lexical"])
    model = service.Understander.of(["model"])
    service.configure([n.strip() for n in args.backends.split(",")])
    policies = load_policy_set(args.policies)
    scenarios = load_scenarios(args.scenarios)
    results = asyncio.run(run_all(policies, scenarios))
    by_key = {}
    for scenario in scenarios:
        turns = [Turn(**t) for t in scenario.conversation.get("turns", [])]
        for step in scenario.steps:
            if isinstance(step, TurnsStep):
                turns = turns + [Turn(**t) for t in step.append_turns]
            elif isinstance(step, WriteStep):
                by_key[f"{scenario.name}/{step.name}"] = list(turns)
    for r in results:
        turns = by_key.get(r.key, [])
        row: dict[str, Any] = {
            "key": r.key, "theme": r.theme, "expect": r.expect, "decision": r.decision,
            "labelled": sorted(r.rules), "blocked_by": sorted(r.blocked_by),
            "held_by": sorted(r.held_by),
        }  # fmt: skip
        lex, mod = lexical.understand(turns), model.understand(turns)
        row["unsure"] = list(lex.unsure)
        for kind in KINDS:
            row[str(kind)] = {"lexical": _ask(lex, kind), "model": _ask(mod, kind)}
        print(json.dumps(row))
    print(Summary.of(results).line(args.backends), file=sys.stderr)
    return 0


def _ask(reading: Understanding, kind: AskKind) -> dict[str, Any] | None:
    found = reading.asks_of(kind)
    if not found:
        return None
    a = found[0]
    return {
        "status": str(a.status),
        "granted": a.status.granted,
        "confidence": round(a.confidence, 3),
        "amount": None if a.amount is None else float(a.amount),
        "amount_confidence": round(a.amount_confidence, 3),
    }


if __name__ == "__main__":
    sys.exit(main())
