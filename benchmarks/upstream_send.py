"""What the forwarding client costs alone: ``Upstream.send`` of the overhead benchmark's writes
(a Case PATCH and a Case POST, with the headers an aiohttp agent's request keeps once forwarded)
to the sandbox in a process of its own, at concurrency 1 and 16, on uvloop as the proxy runs.

Printed: the client process's CPU microseconds per send, the least of --repeat timings (on a
shared machine the others' load only ever adds). The sandbox's CPU is not counted.

    python benchmarks/upstream_send.py [--sends 2000] [--repeat 3] [--concurrency 1 16]
        [--upstream URL]

``--upstream`` sends to a sandbox already running (to run this client alone under callgrind).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Iterator

import uvloop
from harness import closed_loop, free_port, process
from multidict import CIMultiDict
from proxy_overhead import TOKEN, nth_write
from yarl import URL

from guardrail.sandbox.seed import ACME_CASE_ID
from guardrail.upstream import Upstream

HEADERS = CIMultiDict(
    {
        "User-Agent": "Python/3.11 aiohttp/3.14",
        "Accept": "*/*",
        "Accept-Encoding": "gzip, deflate",
        "Authorization": f"Bearer {TOKEN}",
        "Content-Type": "application/json",
    }
)


async def load(upstream: Upstream, concurrency: int, sends: int) -> float:
    """CPU seconds this process spent on ``sends`` sends, ``concurrency`` at a time."""

    async def send(i: int) -> None:
        method, path, body = nth_write(i, ACME_CASE_ID)
        answer = await upstream.send(method, path, HEADERS, body.encode())
        if answer.status >= 300:
            raise RuntimeError(f"{method} {path}: {answer.status} {answer.body[:200]!r}")

    started = time.process_time()
    await closed_loop(concurrency, sends, send)
    return time.process_time() - started


async def measure(base: str, sends: int, repeat: int, concurrencies: list[int]) -> None:
    for concurrency in concurrencies:
        upstream = Upstream.open(
            URL(base), connect_timeout=5, timeout=30, max_connections=100, ca_file=None
        )
        try:
            await load(upstream, concurrency, 200)  # warm up: connections made, caches filled
            best = min([await load(upstream, concurrency, sends) for _ in range(repeat)])
        finally:
            await upstream.close()
        print(f"concurrency {concurrency:>2}: {best / sends * 1e6:.1f} us CPU per send")


@contextlib.contextmanager
def sandbox(given: str | None) -> Iterator[str]:
    if given:
        yield given.rstrip("/")
        return
    base = f"http://127.0.0.1:{free_port()}"
    command = [sys.executable, "-m", "guardrail", "sandbox", "--listen", base[7:]]
    with process(command, base):
        yield base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sends", type=int, default=2000, help="per timing")
    parser.add_argument("--repeat", type=int, default=3, help="timings per concurrency")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--upstream", help="a running sandbox's URL (default: start one)")
    args = parser.parse_args()
    with sandbox(args.upstream) as base:
        uvloop.run(measure(base, args.sends, args.repeat, args.concurrency))


if __name__ == "__main__":
    main()
