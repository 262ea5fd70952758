"""What judging one write costs, in process: ``Judge.read`` and ``Judge.judge`` of the overhead
benchmark's writes (proxy_overhead.py: a Case PATCH and a Case POST, the full default pack,
a registered conversation of --turns turns, the case read first), nothing on the wire.

Two loads per conversation size: ``same`` judges the writes again and again in one revision of
the conversation (the cost a write adds once the conversation's values are made), ``recorded``
records each write as the proxy does (its conversation's writes and the account's grow, as in
the overhead benchmark). Printed: CPU microseconds per write (the least of --repeat timings:
on a shared machine the others' load only ever adds).

    python benchmarks/judging.py [--turns 10 40 100 1000] [--writes 400] [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime

from harness import ROOT
from multidict import CIMultiDict
from proxy_overhead import CASES, CONVERSATION, conversation

from guardrail import lookups
from guardrail.context.changes import ACCOUNT_RETENTION
from guardrail.context.loader import ContextLoader, ConversationRecorder
from guardrail.context.memory import MemoryConversationStore
from guardrail.context.model import ConversationIn, ReadRecord
from guardrail.crm.base import RawRequest, dialect_for
from guardrail.judge import Judge
from guardrail.model import Caller, Verdict
from guardrail.pipeline import Pipeline
from guardrail.policy.loader import load_policy_set
from guardrail.sandbox.seed import ACME_ACCOUNT_ID

CASE_ID = "500000000000099AAA"
HEADERS = CIMultiDict({"Content-Type": "application/json", "Authorization": "Bearer t"})
WRITES = (
    RawRequest("PATCH", f"{CASES}/{CASE_ID}", HEADERS, b'{"Status": "New", "Priority": "Medium"}'),
    RawRequest("POST", CASES, HEADERS, b'{"Subject": "Bench case", "Status": "New", '
               b'"Origin": "Web"}'),
)  # fmt: skip
NO_CRM = lookups.Unreachable("the judging benchmark asks no CRM")


async def setup(turns: int) -> tuple[Judge, ConversationRecorder]:
    policies = load_policy_set(ROOT / "policies" / "salesforce-contact-center")
    dialect = dialect_for(policies.crm)
    store = MemoryConversationStore(3600)
    await store.put(CONVERSATION, ConversationIn.model_validate(conversation(turns)))
    case = {"Id": CASE_ID, "AccountId": ACME_ACCOUNT_ID, "ContactId": None,
            "Subject": "Benchmark target", "Status": "New", "Origin": "Web"}  # fmt: skip
    read = ReadRecord(object="Case", id=CASE_ID, fields=case, at=datetime.now(UTC))
    await store.record_reads(CONVERSATION, [read])
    judge = Judge(
        dialect, Pipeline(lambda: policies), ContextLoader(store, dialect, ACCOUNT_RETENTION)
    )
    return judge, ConversationRecorder(store, dialect)


async def run(judge: Judge, recorder: ConversationRecorder | None, writes: int) -> float:
    """Seconds per write of ``writes`` judged (and recorded, with ``recorder``)."""
    caller = Caller(conversation=CONVERSATION, agent="benchmark")
    spent = 0.0
    for n in range(writes):
        raw = WRITES[n % 2]
        started = time.thread_time()
        canonical, parsed = await judge.read(raw, caller)
        judged = await judge.judge(canonical.path, parsed.intents, caller, NO_CRM)
        spent += time.thread_time() - started
        if judged.decision.verdict is not Verdict.ALLOW:
            raise RuntimeError(f"{raw.method} {raw.target}: {judged.decision.violations}")
        if recorder is not None:
            await recorder.emit(judged.decision)
    return spent / writes


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, nargs="+", default=[10, 40, 100, 1000])
    parser.add_argument("--writes", type=int, default=400, help="writes per timing")
    parser.add_argument("--repeat", type=int, default=5, help="timings per load (the least)")
    args = parser.parse_args()
    for turns in args.turns:
        figures = []
        for load in ("same", "recorded"):
            judge, recorder = await setup(turns)
            await run(judge, None, 20)  # warm: the revision's values, the regex caches
            timings = [
                await run(judge, recorder if load == "recorded" else None, args.writes)
                for _ in range(args.repeat)
            ]
            figures.append(f"{load} {min(timings) * 1e6:7.1f} us/write")
        print(f"turns {turns:5d}: " + ", ".join(figures))


if __name__ == "__main__":
    asyncio.run(main())
