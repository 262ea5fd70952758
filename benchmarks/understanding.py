"""What reading a conversation costs: the lexical backend on one new turn of a growing
conversation (what the admin API does when a turn arrives), p50 and p95 over the corpus's
conversations, in milliseconds. Budget: 20 ms p50 a turn.

    .venv/bin/python benchmarks/understanding.py [SCENARIO_DIR ...]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from guardrail.context.model import ConversationIn
from guardrail.scenarios.format import load_scenarios
from guardrail.understanding.lexical import LexicalBackend

ROOT = Path(__file__).resolve().parent.parent


def main(directories: list[Path]) -> None:
    backend = LexicalBackend()
    conversations = [
        ConversationIn.model_validate(s.conversation).turns
        for d in directories
        for s in load_scenarios(d)
    ]
    per_turn: list[float] = []
    for turns in conversations:
        for n in range(1, len(turns) + 1):  # each turn arriving re-reads the conversation
            started = time.perf_counter()
            backend.understand(turns[:n])
            per_turn.append((time.perf_counter() - started) * 1000)
    per_turn.sort()
    p95 = per_turn[int(len(per_turn) * 0.95)]
    print(
        f"{len(conversations)} conversations, {len(per_turn)} turns arriving: "
        f"p50 {statistics.median(per_turn):.2f} ms, p95 {p95:.2f} ms, max {per_turn[-1]:.2f} ms"
    )


if __name__ == "__main__":
    given = [Path(a) for a in sys.argv[1:]]
    main(given or [ROOT / "policies" / "salesforce-contact-center" / "scenarios"])
