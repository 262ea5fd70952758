"""Whether the guardrail's cost per write stays flat as the work grows: a conversation of 10, 100
and 1,000 turns, one with 1,000 earlier reads and writes, and an audit log of 0 and 1M records.

One sandbox CRM; a guardrail proxy (token mode, the full default pack) on an empty audit log,
and one on a log of ``--records`` records, both up at once. In each, every conversation is
registered (the one with history reads the case and writes it 1,000 times through the proxy
first); then every cell (proxy, conversation) gets closed-loop Case writes at concurrency 1,
all cells interleaved in rounds (a conversation on one log right after it on the other), each
round starting one cell further on.
Printed per cell: the proxy process's CPU per write (read from /proc: what the guardrail
costs, whatever else the machine runs), the fewest and most of its rounds, the p50 latency,
and the CPU ratio to the smallest.

The 1M-record log is built once (and kept in ``--log-dir``) by appending records through the
store's own commit, 10,000 to a transaction: chained and indexed as the proxy's are.

    python benchmarks/scaling.py [--requests 300] [--rounds 5] [--records 1000000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness import cpu_seconds, free_port, process
from proxy_overhead import TOKEN, Result, create_case, drive, ground

from guardrail.model import Caller, Decision, Operation, Verdict, WriteIntent
from guardrail.sinks.audit.record import Entry, decision_entry, format_time
from guardrail.sinks.audit.sqlite import SQLiteStorage

#: name -> (turns, earlier reads and writes)
CONVERSATIONS = {
    "10 turns": (10, 0),
    "100 turns": (100, 0),
    "1,000 turns": (1000, 0),
    "10 turns, history": (10, 1000),
}
CHUNK = 10_000


@dataclass(frozen=True)
class Cell:
    """One cell's writes: each round's CPU per write, and every write's latency."""

    rounds: list[float] = field(default_factory=list)
    writes: Result = field(default_factory=lambda: Result([], 0.0))

    @property
    def cpu_per_write(self) -> float:
        """Over all its rounds: on a shared machine a burst of other work inflates whichever
        round it lands on (one cell's rounds read 0.6x to 1.3x its twin's, two proxies on
        empty logs 1.14x apart over 5 rounds), so a figure wants many rounds, and the spread
        of its rounds says how far to trust it."""
        return statistics.fmean(self.rounds)


Table = dict[tuple[str, str], Cell]


async def build_log(path: Path, records: int) -> None:
    """An audit log of ``records`` decision records (a Case write each, one in ten blocked),
    appended through the store as the proxy appends, ``CHUNK`` to a commit."""
    storage = SQLiteStorage(path, timeout=60)
    await storage.open()
    start = datetime.now(UTC) - timedelta(days=30)
    allowed, blocked = _template(Verdict.ALLOW), _template(Verdict.BLOCK)
    made = 0
    try:
        while made < records:
            entries = []
            for seq in range(made + 1, min(records, made + CHUNK) + 1):
                body = dict(blocked if seq % 10 == 0 else allowed)
                body["decision_id"] = f"bench-{seq:08d}"
                body["at"] = format_time(start + timedelta(milliseconds=2 * seq))
                body["conversation"] = f"conversation-{seq // 20}"
                entries.append(Entry.of(body))
            await storage.commit(entries)
            made += len(entries)
            print(f"\r{made:,} records", end="", file=sys.stderr, flush=True)
    finally:
        await storage.close()
    print(file=sys.stderr)


def _template(verdict: Verdict) -> dict[str, object]:
    import orjson

    intent = WriteIntent(
        "salesforce",
        "Case",
        Operation.UPDATE,
        {"Status": "Working", "Priority": "Medium"},
        record_id="500SB00000000001AA",
    )
    decision = Decision(
        id="template",
        verdict=verdict,
        crm="salesforce",
        intents=(intent,),
        violations=(),
        policy_version="bench",
        caller=Caller(conversation="conversation", agent="benchmark"),
        status=400 if verdict is Verdict.BLOCK else 200,
    )
    body: dict[str, object] = orjson.loads(decision_entry(decision).body)
    return body


async def setup(proxy: str, admin: str, case_id: str) -> dict[str, str]:
    """Register every conversation (history made through the proxy); their agent tokens."""
    tokens = {}
    for n, (name, (turns, history)) in enumerate(CONVERSATIONS.items()):
        conversation = f"scaling-{n}"
        token = await ground(proxy, admin, case_id, turns, "token", conversation, max(history, 1))
        if history:
            await drive(proxy, case_id, 4, history, token, conversation)
        await drive(proxy, case_id, 1, 50, token, conversation)  # warm up
        tokens[name] = token
    return tokens


@dataclass
class Proxy:
    """One guardrail process on one audit log, its conversations registered."""

    url: str
    pid: int
    tokens: dict[str, str]


def measure(proxies: dict[str, Proxy], case_id: str, requests: int, rounds: int) -> Table:
    table = {(name, log): Cell() for log in proxies for name in CONVERSATIONS}
    # Every cell in every round, both proxies up at once, a conversation on one log right after
    # it on the other: drift in the machine's load hits all cells alike, and a cell's twin most
    # of all. Each round starts one cell further on, so no cell always follows the same one.
    cells = [(name, log) for name in CONVERSATIONS for log in proxies]
    for n in range(rounds):
        for name, log in cells[n % len(cells) :] + cells[: n % len(cells)]:
            proxy = proxies[log]
            conversation = f"scaling-{list(CONVERSATIONS).index(name)}"
            cpu = cpu_seconds(proxy.pid)
            one = asyncio.run(
                drive(proxy.url, case_id, 1, requests, proxy.tokens[name], conversation)
            )
            cell = table[name, log]
            cell.rounds.append((cpu_seconds(proxy.pid) - cpu) / requests)
            cell.writes.latencies.extend(one.latencies)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="writes per cell and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--records", type=int, default=1_000_000, help="the large audit log")
    parser.add_argument("--log-dir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()

    large = args.log_dir / f"guardrail-scaling-{args.records}.db"
    if not large.exists():
        started = time.perf_counter()
        asyncio.run(build_log(large, args.records))
        print(f"built {large} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    empty = Path(tempfile.mkdtemp(prefix="guardrail-scaling-")) / "audit.db"
    logs = {"0 records": empty, f"{args.records:,} records": large}

    py = sys.executable
    sandbox = f"http://127.0.0.1:{free_port()}"
    os.environ["GUARDRAIL_CREDENTIAL__ACCESS_TOKEN"] = TOKEN
    sandbox_cmd = [py, "-m", "guardrail", "sandbox", "--listen", sandbox.removeprefix("http://")]
    with process(sandbox_cmd, sandbox), ExitStack() as running:
        case_id = asyncio.run(create_case(sandbox))
        proxies = {}
        for log_name, path in logs.items():
            url, admin = f"http://127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"
            os.environ["GUARDRAIL_AUDIT_DSN"] = f"sqlite:///{path}"
            serve = [
                py, "-m", "guardrail", "serve", "--upstream", sandbox, "--auth-mode", "token",
                "--listen", url.removeprefix("http://"), "--admin-listen", admin,
            ]  # fmt: skip
            proc = running.enter_context(process(serve, url))
            proxies[log_name] = Proxy(url, proc.pid, asyncio.run(setup(url, admin, case_id)))
        table = measure(proxies, case_id, args.requests, args.rounds)
    report(table)


def report(table: Table) -> None:
    least = min(c.cpu_per_write for c in table.values())
    print(
        f"{'conversation':<20} {'audit log':<18} {'CPU us/write':>12} {'rounds':>11} "
        f"{'p50 ms':>8} {'ratio':>6}"
    )
    for (name, log_name), c in table.items():
        cpu = c.cpu_per_write
        spread = f"{min(c.rounds) * 1e6:.0f}-{max(c.rounds) * 1e6:.0f}"
        print(
            f"{name:<20} {log_name:<18} {cpu * 1e6:>12.0f} {spread:>11} "
            f"{c.writes.pct(0.5) * 1e3:>8.3f} {cpu / least:>6.2f}"
        )
    most = max(c.cpu_per_write for c in table.values())
    print(f"\nlargest / smallest CPU per write: {most / least:.2f}x")


if __name__ == "__main__":
    main()
