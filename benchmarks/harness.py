"""What every benchmark here does alike: free ports, processes started and stopped, CPU read."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def process(args: list[str], ready_url: str) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ}
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(_host_port(ready_url), timeout=0.2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    raise RuntimeError(f"{args} did not start: {err}") from None
                time.sleep(0.05)
        yield proc
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


async def closed_loop(
    concurrency: int, total: int, request: Callable[[int], Awaitable[None]]
) -> None:
    """``total`` calls of ``request(i)``, ``concurrency`` workers each making its next call as
    soon as its last is answered (a closed loop: the load waits on the target, as agents do)."""
    remaining = total

    async def worker(n: int) -> None:
        nonlocal remaining
        i = n
        while remaining > 0:
            remaining -= 1
            i += 1
            await request(i)

    await asyncio.gather(*(worker(n) for n in range(concurrency)))


def fresh_audit_log() -> None:
    """The proxy started next audits to a log of its own (``GUARDRAIL_AUDIT_DSN``, unless set):
    a log grown by earlier runs (the default is one file in the working directory) makes each
    later run slower, so runs would not compare."""
    folder = tempfile.mkdtemp(prefix="guardrail-bench-audit-")
    os.environ.setdefault("GUARDRAIL_AUDIT_DSN", f"sqlite:///{folder}/audit.db")


def _host_port(url: str) -> tuple[str, int]:
    host, _, port = url.split("//", 1)[1].partition(":")
    return host, int(port.split("/")[0])


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far: what it costs, whatever else the machine runs."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_bytes(pid: int) -> int:
    """A process's resident memory now (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")
