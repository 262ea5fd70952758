"""What judging one write costs, in process: ``Judge.read`` and ``Judge.judge`` of the overhead
benchmark's writes (proxy_overhead.py: a Case PATCH and a Case POST, the full default pack,
a registered conversation of --turns turns, the case read first), nothing on the wire.

Two loads per conversation size: ``same`` judges the writes again and again in one revision of
the conversation (the cost a write adds once the conversation's values are made), ``recorded``
records each write as the proxy does (its conversation's writes grow, as in the overhead
benchmark; they name no account, so no account's writes do). And one per --account-writes
count: a Case create naming the customer's account, judged (not recorded) after that many
earlier writes of the account by other conversations, as a busy account has in a day (the
duplicate-case rule reads them all). Printed: CPU microseconds per write (the least of
--repeat timings: on a shared machine the others' load only ever adds).

    python benchmarks/judging.py [--turns 10 40 100 1000] [--account-writes 0 100 1000]
        [--writes 400] [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from harness import ROOT
from multidict import CIMultiDict
from proxy_overhead import CASES, CONVERSATION, conversation

from guardrail import lookups
from guardrail.context.changes import ACCOUNT_RETENTION
from guardrail.context.loader import ContextLoader, ConversationRecorder
from guardrail.context.memory import MemoryConversationStore
from guardrail.context.model import ConversationIn, ReadRecord, WriteRecord
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


def case_of_the_account(subject: str) -> dict[str, str]:
    return {"Subject": subject, "Status": "New", "Origin": "Web", "AccountId": ACME_ACCOUNT_ID}


CREATE_FOR_ACCOUNT = RawRequest(
    "POST", CASES, HEADERS, json.dumps(case_of_the_account("Bench case")).encode()
)


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


async def with_account_writes(judge: Judge, recorder: ConversationRecorder, count: int) -> None:
    """``count`` earlier Case creates of the customer's account, each by another conversation
    (one keeps only its newest MAX_RECORDED), none the same case as the benchmark's."""
    at = datetime.now(UTC)
    for n in range(count):
        fields = case_of_the_account(f"Earlier case {n}")
        write = WriteRecord(decision_id=f"earlier-{n}", object="Case", operation="create",
                            fields=dict(fields), decision="allow", at=at)  # fmt: skip
        accounts = judge.dialect.accounts("Case", None, fields)
        await recorder.store.record_write(f"earlier-{n}", write, accounts)


async def run(
    judge: Judge,
    recorder: ConversationRecorder | None,
    writes: int,
    requests: Sequence[RawRequest] = WRITES,
) -> float:
    """Seconds per write of ``writes`` of ``requests`` judged (and recorded, with ``recorder``)."""
    caller = Caller(conversation=CONVERSATION, agent="benchmark")
    spent = 0.0
    for n in range(writes):
        raw = requests[n % len(requests)]
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
    parser.add_argument("--account-writes", type=int, nargs="+", default=[0, 100, 1000])
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
    for count in args.account_writes:
        judge, recorder = await setup(40)
        await with_account_writes(judge, recorder, count)
        await run(judge, None, 20, (CREATE_FOR_ACCOUNT,))
        timings = [
            await run(judge, None, args.writes, (CREATE_FOR_ACCOUNT,)) for _ in range(args.repeat)
        ]
        cost = min(timings) * 1e6
        print(f"account writes {count:5d}: create naming the account {cost:7.1f} us/write")


if __name__ == "__main__":
    asyncio.run(main())
