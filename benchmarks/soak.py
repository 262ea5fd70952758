"""Memory as a measured property: a steady write load for a set time, the proxy's RSS sampled.

The proxy (token binding, the shipped pack) judges a closed loop of writes at --concurrency
over --conversations registered conversations: Case updates and creates (allowed), refunds the
customer asked for (allowed until their limit, then blocked) and refunds larger than asked
(blocked). Every second the proxy's resident memory is read; printed every 10 s, then the
growth over the last 40 s as a share of the RSS at 20 s (after warm-up). Leveling off is the
result: a leak grows in a straight line with the writes.

    python benchmarks/soak.py [--seconds 60] [--concurrency 16] [--conversations 200]
        [--store memory|redis] [--redis-url redis://127.0.0.1:6379/0]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid

import aiohttp
from harness import cpu_seconds, free_port, fresh_audit_log, process, rss_bytes

TOKEN = "sandbox-token"  # noqa: S105 - the sandbox's default
API = "/services/data/v59.0/sobjects"
ACCOUNT = "001000000000001AAA"  # the sandbox's seeded, verified customer's account
CONTACT = "003000000000001AAA"
WARM_UP = 20.0
MB = 1024 * 1024


def conversation() -> dict[str, object]:
    return {
        "channel": "chat",
        "customer": {"account_ids": [ACCOUNT], "contact_ids": [CONTACT], "verified": True},
        "entitlements": {"refund_limit": 200},
        "turns": [
            {"role": "customer", "text": "Hi, the lamp I ordered arrived with a cracked base."},
            {"role": "agent", "text": "I'm sorry to hear that. What would you like us to do?"},
            {"role": "customer", "text": "Could I get $20 back please? I'll keep it."},
            {"role": "agent", "text": "Of course, let me sort that out for you."},
        ],
    }


async def register(proxy: str, admin: str, sandbox: str, n: int) -> list[tuple[str, str]]:
    """Conversations with an agent token each and a case the agent has read: (token, case)."""
    found = []
    run = uuid.uuid4().hex[:8]
    async with aiohttp.ClientSession() as session:
        for i in range(n):
            url = f"http://{admin}/guardrail/v1/conversations/soak-{run}-{i}"
            async with session.put(url, json=conversation()) as response:
                response.raise_for_status()
            async with session.post(f"{url}/tokens", json={"agent": f"agent-{i}"}) as response:
                response.raise_for_status()
                token = (await response.json())["token"]
            case = {"Subject": "Soak", "Status": "New", "Origin": "Web", "AccountId": ACCOUNT}
            async with session.post(
                f"{sandbox}{API}/Case", json=case, headers={"Authorization": f"Bearer {TOKEN}"}
            ) as response:
                case_id = (await response.json())["id"]
            async with session.get(
                f"{proxy}{API}/Case/{case_id}", headers={"Authorization": f"Bearer {token}"}
            ) as response:
                response.raise_for_status()
            found.append((token, case_id))
    return found


def writes(case_id: str) -> list[tuple[str, str, str]]:
    """The mix each worker cycles through: method, path, body."""
    return [
        ("PATCH", f"{API}/Case/{case_id}", '{"Status": "Working", "Priority": "Medium"}'),
        ("POST", f"{API}/Case", '{"Subject": "Soak case", "Status": "New", "Origin": "Web"}'),
        ("PATCH", f"{API}/Case/{case_id}", '{"Status": "New", "Priority": "Low"}'),
        ("POST", f"{API}/Refund__c", f'{{"Amount__c": 20, "Reason__c": "Damaged Item", '
         f'"Account__c": "{ACCOUNT}"}}'),
        ("POST", f"{API}/Refund__c", f'{{"Amount__c": 90, "Reason__c": "Damaged Item", '
         f'"Account__c": "{ACCOUNT}"}}'),
    ]  # fmt: skip


async def load(
    proxy: str, grounded: list[tuple[str, str]], concurrency: int, seconds: float
) -> dict[int, int]:
    statuses: dict[int, int] = {}
    deadline = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker(n: int) -> None:
            i = n
            while time.monotonic() < deadline:
                token, case_id = grounded[i % len(grounded)]
                mix = writes(case_id)
                method, path, body = mix[(i // len(grounded)) % len(mix)]
                i += concurrency
                headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
                async with session.request(
                    method, f"{proxy}{path}", data=body, headers=headers
                ) as response:
                    await response.read()
                    statuses[response.status] = statuses.get(response.status, 0) + 1

        await asyncio.gather(*(worker(n) for n in range(concurrency)))
    return statuses


async def sample(pid: int, seconds: float, into: list[tuple[float, int]]) -> None:
    started = time.monotonic()
    while (at := time.monotonic() - started) <= seconds:
        into.append((at, rss_bytes(pid)))
        await asyncio.sleep(1.0)


async def soak(
    proxy: str, pid: int, grounded: list[tuple[str, str]], concurrency: int, seconds: float
) -> tuple[list[tuple[float, int]], dict[int, int]]:
    samples: list[tuple[float, int]] = []
    statuses, _ = await asyncio.gather(
        load(proxy, grounded, concurrency, seconds), sample(pid, seconds, samples)
    )
    return samples, statuses


def rss_at(samples: list[tuple[float, int]], second: float) -> int:
    return min(samples, key=lambda s: abs(s[0] - second))[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--store", choices=("memory", "redis"), default="memory")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()

    py = sys.executable
    sandbox = f"http://127.0.0.1:{free_port()}"
    proxy = f"http://127.0.0.1:{free_port()}"
    admin = f"127.0.0.1:{free_port()}"
    fresh_audit_log()
    env = os.environ
    env["GUARDRAIL_CREDENTIAL__ACCESS_TOKEN"] = TOKEN  # the proxy's own CRM credential
    if args.store == "redis":
        env["GUARDRAIL_REDIS_URL"] = args.redis_url
        env["GUARDRAIL_REDIS_PREFIX"] = f"soak-{uuid.uuid4().hex[:8]}:"
    serve = [
        py, "-m", "guardrail", "serve", "--upstream", sandbox, "--auth-mode", "token",
        "--listen", proxy.removeprefix("http://"), "--admin-listen", admin,
    ]  # fmt: skip
    sandbox_cmd = [py, "-m", "guardrail", "sandbox", "--listen", sandbox.removeprefix("http://")]
    with process(sandbox_cmd, sandbox), process(serve, proxy) as proxy_proc:
        grounded = asyncio.run(register(proxy, admin, sandbox, args.conversations))
        cpu = cpu_seconds(proxy_proc.pid)
        samples, statuses = asyncio.run(
            soak(proxy, proxy_proc.pid, grounded, args.concurrency, args.seconds)
        )
        cpu = cpu_seconds(proxy_proc.pid) - cpu
    report(args, samples, statuses, cpu)


def report(
    args: argparse.Namespace,
    samples: list[tuple[float, int]],
    statuses: dict[int, int],
    cpu: float,
) -> None:
    total = sum(statuses.values())
    print(
        f"store {args.store}, {args.concurrency} connections, {args.conversations} conversations,"
        f" {args.seconds:g} s: {total} writes ({total / args.seconds:.0f}/s, proxy CPU "
        f"{cpu / args.seconds:.2f} cores), statuses {dict(sorted(statuses.items()))}"
    )
    for second in range(0, int(args.seconds) + 1, 10):
        print(f"  RSS at {second:>3} s: {rss_at(samples, second) / MB:7.1f} MB")
    warm, end = rss_at(samples, WARM_UP), rss_at(samples, args.seconds)
    growth = (end - warm) / warm
    print(
        f"growth after warm-up ({WARM_UP:g} s -> {args.seconds:g} s): "
        f"{(end - warm) / MB:+.1f} MB, {growth:+.1%} of the RSS at {WARM_UP:g} s"
    )


if __name__ == "__main__":
    main()
