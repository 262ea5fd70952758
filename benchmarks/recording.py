"""What a judged write costs after judging, in process: the overhead benchmark's writes
(judging.py's: a Case PATCH and a Case POST, the full default pack, a registered conversation)
judged, answered by a made-up CRM answer, and finished as the proxy finishes them
(``Proxy._finish``: the audit record made on the SQLite writer's thread and committed, the
decision log line, metrics, the conversation's history, the response's headers).

Two loads: ``recorded`` judges each write and records it in its conversation only (judging.py's
recorded load), ``finished`` finishes it as the proxy does. Their difference is what happens
after judging. Printed: CPU microseconds per write, every thread (the least of --repeat timings:
on a shared machine the others' load only ever adds), and of that what the event loop spent:
the rest is the audit log's threads (the SQLite writer making, chaining and committing the
records, the checkpointer), which the GIL lets run beside the loop only inside SQLite.

    python benchmarks/recording.py [--turns 40] [--writes 400] [--repeat 5] [--load both]

Under callgrind, count only the measured writes (``--instr-atstart=no``; the script turns
instrumentation on once warm, with ``callgrind_control``), and divide by ``--writes``:

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=out.%p \\
        python benchmarks/recording.py --load finished --writes 300 --repeat 1 --callgrind
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import subprocess
import tempfile
import time
from pathlib import Path

import uvloop
from judging import NO_CRM, WRITES, setup
from multidict import CIMultiDict

from guardrail.answered import answered
from guardrail.context.loader import ContextLoader, ConversationRecorder
from guardrail.judge import Judge
from guardrail.model import Caller, Verdict
from guardrail.proxy import Proxy, _response
from guardrail.sinks import logs
from guardrail.sinks.audit import AuditLog, AuditSink, open_storage
from guardrail.sinks.fanout import Fanout
from guardrail.sinks.logs import DecisionLog
from guardrail.sinks.metrics import Metrics
from guardrail.upstream import UpstreamResponse

ANSWERS = (  # what the CRM answers the PATCH and the POST
    (204, b""),
    (201, b'{"id":"500000000000123AAA","success":true,"errors":[]}'),
)
HEADERS = CIMultiDict({"Content-Type": "application/json;charset=UTF-8", "Sforce-Limit-Info":
                       "api-usage=1/15000", "Date": "Sun, 06 Dec 2026 08:00:00 GMT"})  # fmt: skip


async def run(
    judge: Judge, recorder: ConversationRecorder, proxy: Proxy | None, n: int
) -> tuple[float, float]:
    """CPU seconds per write of ``n`` judged and recorded (finished as the proxy finishes them,
    with ``proxy``): every thread's, and the event loop's."""
    caller = Caller(conversation="benchmark-conversation", agent="benchmark")
    started, looped = time.process_time(), time.thread_time()
    for i in range(n):
        canonical, parsed = await judge.read(WRITES[i % 2], caller)
        verdict = await judge.judge(canonical.path, parsed.intents, caller, NO_CRM)
        decision = verdict.decision
        if decision.verdict is not Verdict.ALLOW:
            raise RuntimeError(f"{canonical.method} {canonical.path}: {decision.violations}")
        if proxy is None:
            await recorder.emit(decision)
            continue
        proxy.sinks.ahead(decision)
        await asyncio.sleep(0)  # the CRM's answer comes in a later turn
        status, body = ANSWERS[i % 2]
        saved = judge.dialect.saved(parsed, status, body)
        done = answered(decision, saved, status, 0.0002)
        if done.verdict is not Verdict.ALLOW:
            raise RuntimeError(f"{canonical.method} {canonical.path}: {done.violations}")
        await proxy._finish(done, _response(UpstreamResponse(status, HEADERS.copy(), body)))
    return (time.process_time() - started) / n, (time.thread_time() - looped) / n


async def measure(args: argparse.Namespace, load: str, directory: Path) -> tuple[float, float]:
    judge, recorder = await setup(args.turns)
    dialect = judge.dialect
    metrics = Metrics(dialect.name, lambda obj: obj)
    audit = AuditLog(open_storage(f"sqlite:///{directory / f'{load}.db'}", timeout=30),
                     timeout_seconds=30)  # fmt: skip
    await audit.start()
    sinks = Fanout([AuditSink(audit)], metrics, beside=[DecisionLog(), metrics, recorder])
    proxy = None
    if load == "finished":
        assert isinstance(judge.context, ContextLoader)
        proxy = Proxy(judge, judge.context, metrics, sinks, max_body_bytes=1 << 20,
                      body_timeout=30)  # fmt: skip
    try:
        await run(judge, recorder, proxy, 40)  # warm: the revision's values, the caches
        gc.collect()  # what lives as long as the process, out of the collector's sight, as
        gc.freeze()  # the proxy moves it once listening (guardrail.app)
        if args.callgrind:
            _count_from_here()
        return min([await run(judge, recorder, proxy, args.writes) for _ in range(args.repeat)])
    finally:
        await audit.close()


def _count_from_here() -> None:
    """Callgrind (started with --instr-atstart=no) counts from here on."""
    subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], check=True)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--writes", type=int, default=400, help="writes per timing")
    parser.add_argument("--repeat", type=int, default=5, help="timings per load (the least)")
    parser.add_argument("--load", choices=("recorded", "finished", "both"), default="both")
    parser.add_argument("--callgrind", action="store_true", help="count from the first timing")
    args = parser.parse_args()
    loads = ("recorded", "finished") if args.load == "both" else (args.load,)
    with tempfile.TemporaryDirectory() as name:
        spent = {load: await measure(args, load, Path(name)) for load in loads}
    for load, (seconds, looped) in spent.items():
        print(f"{load:<9} {seconds * 1e6:7.1f} us/write, event loop {looped * 1e6:7.1f} us/write")
    if len(spent) == 2:
        (finished, finished_loop), (recorded, recorded_loop) = spent["finished"], spent["recorded"]
        print(
            f"after judging {(finished - recorded) * 1e6:7.1f} us/write, event loop "
            f"{(finished_loop - recorded_loop) * 1e6:7.1f} us/write"
        )


if __name__ == "__main__":
    logs.configure(stream=open(os.devnull, "wb"))  # noqa: SIM115 - the process's own
    uvloop.run(main())  # as the proxy runs (guardrail.cli)
