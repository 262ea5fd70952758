"""What the guardrail costs: the same write load direct to the sandbox, through a bare aiohttp
forwarder, and through the guardrail proxy with the full default pack, in one run. Writes
carry a registered conversation of 40 turns (--turns), so every conversation rule runs.

Each target gets a closed loop of Case writes (half PATCH, half POST, all valid so all are
forwarded) at concurrency 1 and 16. Printed: p50/p99 latency, the p50/p99 added over direct,
throughput, and the guardrail/forwarder ratios. Absolute times on a shared machine are noise;
the ratios are the result.

    python benchmarks/proxy_overhead.py [--requests 3000] [--profile out.html|.txt|.pyisession]
        [--auth-mode passthrough|token]

``--auth-mode token`` measures token binding: the load bears an agent token issued for the
conversation, and the proxy forwards with its own (static) sandbox token in its place.

``--profile`` runs the proxy under pyinstrument and writes its report.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from harness import ROOT, closed_loop, cpu_seconds, free_port, fresh_audit_log, process

from guardrail.sandbox.seed import ACME_ACCOUNT_ID

TOKEN = "sandbox-token"  # noqa: S105 - the sandbox's default
CASES = "/services/data/v59.0/sobjects/Case"
CONVERSATION = "benchmark-conversation"


READ_BACK = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {name: case-read-back}
spec:
  match: {objects: [Case], operations: [create, update]}
  post: {readBack: true, onFailure: alert, mode: MODE}
"""


def pack_with_read_back(mode: str) -> Path:
    """The shipped pack plus a read-back policy for Case, in a temporary directory."""
    directory = Path(tempfile.mkdtemp(prefix="guardrail-bench-")) / "pack"
    shutil.copytree(ROOT / "policies" / "salesforce-contact-center", directory)
    (directory / "read-back.yaml").write_text(READ_BACK.replace("MODE", mode))
    return directory


@dataclass
class Result:
    latencies: list[float]
    seconds: float
    cpu: float = 0.0  # CPU seconds the target process spent (for direct: the sandbox's)

    @property
    def cpu_per_request(self) -> float:
        return self.cpu / len(self.latencies)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def nth_write(i: int, case_id: str) -> tuple[str, str, str]:
    """The load's ``i``-th write: method, path and body (a PATCH of the case, or a new case)."""
    if i % 2:
        status = ("New", "Working")[i % 4 // 2]
        return "PATCH", f"{CASES}/{case_id}", f'{{"Status": "{status}", "Priority": "Medium"}}'
    return "POST", CASES, '{"Subject": "Bench case", "Status": "New", "Origin": "Web"}'


async def drive(
    base: str,
    case_id: str,
    concurrency: int,
    total: int,
    token: str = TOKEN,
    conversation_id: str = CONVERSATION,
) -> Result:
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "X-Guardrail-Conversation": conversation_id,  # the others ignore it
        # Answers unencoded for every target: the proxy never asks for them compressed, and a
        # sandbox compressing for direct calls and the forwarder would tilt the ratios.
        "Accept-Encoding": "identity",
    }
    latencies: list[float] = []
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:

        async def write(i: int) -> None:
            method, path, body = nth_write(i, case_id)
            url = base + path
            started = time.perf_counter()
            async with session.request(method, url, data=body) as response:
                await response.read()
                if response.status >= 300:
                    raise RuntimeError(f"{method} {url}: {response.status}")
            latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await closed_loop(concurrency, total, write)
        return Result(latencies, time.perf_counter() - started)


def conversation(turns: int) -> dict[str, object]:
    """A contact-center conversation of ``turns`` turns about the case the load writes to."""
    lines = [
        ("customer", "Hi, my router keeps dropping the connection every evening."),
        ("agent", "Sorry to hear that. Can you tell me when it started?"),
        ("customer", "About two weeks ago, order 10442, it was delivered on 2026-11-02."),
        ("agent", "Thanks. I can see the order. Have you restarted it since?"),
    ]
    return {
        "channel": "chat",
        # the case the load writes is this verified customer's (RecordOwned)
        "customer": {"account_ids": [ACME_ACCOUNT_ID], "contact_ids": [], "verified": True},
        "entitlements": {"refund_limit": 50},
        "turns": [{"role": r, "text": t} for r, t in (lines * turns)[:turns]],
    }


async def ready(admin: str, seconds: float = 60) -> None:
    """Once the proxy's admin listener answers /readyz: it may open after the proxy's own."""
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(f"http://{admin}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the proxy's admin listener {admin} was not ready")
            await asyncio.sleep(0.1)


async def ground(
    proxy: str,
    admin: str,
    case_id: str,
    turns: int,
    auth_mode: str,
    conversation_id: str = CONVERSATION,
    reads: int = 1,
) -> str:
    """Register the conversation and read the case through the proxy ``reads`` times, as an
    agent would; the token the agent uses (with token binding, one issued for the
    conversation)."""
    await ready(admin)
    async with aiohttp.ClientSession() as session:
        url = f"http://{admin}/guardrail/v1/conversations/{conversation_id}"
        async with session.put(url, json=conversation(turns)) as response:
            response.raise_for_status()
        token = TOKEN
        if auth_mode == "token":
            async with session.post(f"{url}/tokens", json={"agent": "benchmark"}) as response:
                response.raise_for_status()
                token = (await response.json())["token"]
        headers = {"Authorization": f"Bearer {token}", "X-Guardrail-Conversation": conversation_id}
        for _ in range(reads):
            async with session.get(f"{proxy}{CASES}/{case_id}", headers=headers) as response:
                response.raise_for_status()
        return token


async def create_case(base: str) -> str:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        body = {
            "Subject": "Benchmark target",
            "Status": "New",
            "Origin": "Web",
            "AccountId": ACME_ACCOUNT_ID,
        }
        async with session.post(f"{base}{CASES}", json=body) as response:
            return str((await response.json())["id"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000, help="per target, round, concurrency")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per concurrency")
    parser.add_argument("--turns", type=int, default=40, help="turns in the conversation")
    parser.add_argument("--profile", type=Path, help="run the proxy under pyinstrument")
    parser.add_argument(
        "--auth-mode",
        choices=("passthrough", "token"),
        default="passthrough",
        help="how the load authenticates through the proxy (token: agent tokens)",
    )
    parser.add_argument(
        "--read-back",
        choices=("off", "sync", "async"),
        default="off",
        help="add a policy that reads every Case write back (post-guardrails)",
    )
    args = parser.parse_args()

    py = sys.executable
    sandbox = f"http://127.0.0.1:{free_port()}"
    forwarder = f"http://127.0.0.1:{free_port()}"
    proxy = f"http://127.0.0.1:{free_port()}"
    admin = f"127.0.0.1:{free_port()}"
    serve = [
        "-m", "guardrail", "serve", "--upstream", sandbox,
        "--listen", proxy.removeprefix("http://"), "--admin-listen", admin,
        "--auth-mode", args.auth_mode,
    ]  # fmt: skip
    fresh_audit_log()
    if args.auth_mode == "token":  # the proxy's own credential, inherited by its process
        os.environ["GUARDRAIL_CREDENTIAL__ACCESS_TOKEN"] = TOKEN
    if args.read_back != "off":
        serve += ["--policies", str(pack_with_read_back(args.read_back))]
    if args.profile:  # pyinstrument renders as the file's name says (.html, .txt, .pyisession)
        serve = ["-m", "pyinstrument", "-o", str(args.profile), *serve]

    sandbox_cmd = [py, "-m", "guardrail", "sandbox", "--listen", sandbox.removeprefix("http://")]
    forwarder_cmd = [
        py,
        "benchmarks/forwarder.py",
        "--listen",
        forwarder[7:],
        "--upstream",
        sandbox,
    ]
    with (
        process(sandbox_cmd, sandbox) as sandbox_proc,
        process([py, *forwarder_cmd[1:]], forwarder) as forwarder_proc,
        process([py, *serve], proxy) as proxy_proc,
    ):
        case_id = asyncio.run(create_case(sandbox))
        agent_token = asyncio.run(ground(proxy, admin, case_id, args.turns, args.auth_mode))
        targets = {
            "direct": (sandbox, sandbox_proc),
            "forwarder": (forwarder, forwarder_proc),
            "guardrail": (proxy, proxy_proc),
        }
        results: dict[tuple[str, int], Result] = {}
        for concurrency in (1, 16):
            for name, (base, _) in targets.items():
                token = agent_token if name == "guardrail" else TOKEN
                asyncio.run(drive(base, case_id, concurrency, 200, token))  # warm up
                results[name, concurrency] = Result([], 0.0)
            # Rounds interleave the targets, so drift in the machine's load hits all alike.
            for _ in range(args.rounds):
                for name, (base, proc) in targets.items():
                    cpu = cpu_seconds(proc.pid)
                    token = agent_token if name == "guardrail" else TOKEN
                    one = asyncio.run(drive(base, case_id, concurrency, args.requests, token))
                    total = results[name, concurrency]
                    total.latencies += one.latencies
                    total.seconds += one.seconds
                    total.cpu += cpu_seconds(proc.pid) - cpu
    report(results)


def report(results: dict[tuple[str, int], Result]) -> None:
    ms = 1000.0
    head = ("target", "conc", "p50 ms", "p99 ms", "+p50 ms", "+p99 ms", "req/s", "CPU us/req")
    print("{:<10} {:>4} {:>8} {:>8} {:>8} {:>8} {:>8} {:>10}".format(*head))
    for (name, conc), r in results.items():
        d = results["direct", conc]
        p50, p99 = r.pct(0.5), r.pct(0.99)
        row = (name, conc, p50 * ms, p99 * ms, (p50 - d.pct(0.5)) * ms, (p99 - d.pct(0.99)) * ms)
        cost = f"{r.throughput:>8.0f} {r.cpu_per_request * 1e6:>10.0f}"
        print("{:<10} {:>4} {:>8.3f} {:>8.3f} {:>8.3f} {:>8.3f}".format(*row), cost)
    print()
    for conc in (1, 16):
        g, f, d = results["guardrail", conc], results["forwarder", conc], results["direct", conc]
        added_g, added_f = g.pct(0.5) - d.pct(0.5), f.pct(0.5) - d.pct(0.5)
        print(
            f"concurrency {conc:>2}: own cost (guardrail p50 - forwarder p50) "
            f"{(g.pct(0.5) - f.pct(0.5)) * ms:.3f} ms; throughput guardrail/forwarder "
            f"{g.throughput / f.throughput:.2f}x; added p50 over direct: guardrail "
            f"{added_g * ms:.3f} ms, forwarder {added_f * ms:.3f} ms; "
            f"p99 guardrail/forwarder {g.pct(0.99) / f.pct(0.99):.2f}x; "
            f"CPU per request guardrail/forwarder {_ratio(g.cpu_per_request, f.cpu_per_request)}"
        )


def _ratio(a: float, b: float) -> str:
    """``a / b``; n/a when ``b`` is 0 (a short run's CPU can fall below one clock tick)."""
    return f"{a / b:.2f}x" if b else "n/a (too few requests to measure CPU)"


if __name__ == "__main__":
    main()
