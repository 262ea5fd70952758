"""``guardrail audit`` against both stores, and the audit log's promises with real processes:
kill -9 under write load loses no decision an agent was answered for, and a store that is down
stops writes (503, nothing reaches the CRM, unready) until it is back."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from guardrail.model import Verdict
from guardrail.sandbox import STORE, create_app
from guardrail.sinks.audit import AuditLog, open_storage
from guardrail.sinks.audit.record import ReviewVerdict, decision_entry, format_time
from guardrail.testing import SANDBOX_TOKEN, LoopThread, start_app
from tests.auditdb import STORES, audit_dsn, decision, postgres_schema, tamper
from tests.helpers import free_port, guardrail, parameters_pack

CASES = "/services/data/v59.0/sobjects/Case"
HEADERS = {"Authorization": f"Bearer {SANDBOX_TOKEN}", "X-Guardrail-Agent": "load"}


@pytest.fixture(params=STORES)
def dsn(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with audit_dsn(request.param, tmp_path) as found:
        yield found


def audit(*args: str, dsn: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GUARDRAIL_AUDIT_DSN"}
    if dsn:
        env["GUARDRAIL_AUDIT_DSN"] = dsn
    return guardrail("audit", *args, env=env)


async def populate(dsn: str) -> None:
    log = AuditLog(open_storage(dsn, timeout=5), timeout_seconds=5)
    await log.start()
    try:
        old = format_time(time_at("2020-06-01T00:00:00+00:00"))
        await log.append(decision_entry(decision(1, Verdict.BLOCK, rule="Status"), at=old))
        for n in range(2, 6):
            blocked = n % 2 == 0
            await log.record(
                decision(
                    n,
                    Verdict.BLOCK if blocked else Verdict.ALLOW,
                    rule="Status" if blocked else None,
                )
            )
        await log.review("decision-0004", ReviewVerdict.CONFIRMED, "right call", "rita")
    finally:
        await log.close()


def time_at(text: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(text)


def test_every_command_against_the_store(dsn: str) -> None:
    asyncio.run(populate(dsn))

    verified = audit("verify", dsn=dsn)  # the DSN from the environment, as serve takes it
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("audit log ok: 6 records (seq 1..6) from genesis; head 6:")
    checkpoint = verified.stdout.split("head ")[1].strip()
    assert audit("verify", "--dsn", dsn, "--checkpoint", checkpoint).returncode == 0
    forged = audit("verify", "--dsn", dsn, "--checkpoint", "6:" + "0" * 64)
    assert forged.returncode == 1
    assert "hash differs from the checkpoint" in forged.stdout
    assert audit("verify", "--dsn", dsn, "--checkpoint", "6:abc").returncode == 2

    listed = audit("list", "--dsn", dsn, "--decision", "block", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [json.loads(line)["decision_id"] for line in listed.stdout.splitlines()] == [
        "decision-0004",
        "decision-0002",
        "decision-0001",
    ]
    table = audit("list", "--dsn", dsn, "--rule", "case-fields/Status", "--limit", "1")
    assert "decision-0004" in table.stdout
    assert "case-fields/Status" in table.stdout
    assert "decision-0002" not in table.stdout

    shown = audit("show", "decision-0004", "--dsn", dsn)
    record = json.loads(shown.stdout)
    assert record["chain"]["seq"] == 4
    assert [r["comment"] for r in record["reviews"]] == ["right call"]
    assert audit("show", "decision-9999", "--dsn", dsn).returncode == 1

    lines = audit("export", "--dsn", dsn).stdout.splitlines()
    assert [json.loads(line)["chain"]["seq"] for line in lines] == [1, 2, 3, 4, 5, 6]
    rows = list(
        csv.DictReader(io.StringIO(audit("export", "--format", "csv", "--dsn", dsn).stdout))
    )
    assert [r["kind"] for r in rows] == ["decision"] * 5 + ["review"]
    assert rows[3]["rules"] == "case-fields/Status"
    assert rows[3]["messages"] == "Status is wrong: call [PHONE]"
    recent = audit("export", "--dsn", dsn, "--since", "2021-01-01").stdout.splitlines()
    assert len(recent) == 5

    stats = json.loads(audit("stats", "--json", "--dsn", dsn).stdout)
    assert stats["by_kind"] == {"decision": 5, "review": 1}
    assert stats["decisions_by_verdict"] == {"allow": 2, "block": 3}

    future = audit("prune", "--before", "2999-01-01", "--dsn", dsn)
    assert future.returncode == 2
    assert "in the future" in future.stderr
    pruned = audit("prune", "--before", "2021-01-01", "--dsn", dsn)
    assert pruned.returncode == 0, pruned.stderr
    assert pruned.stdout.startswith("pruned 1 records older than 2021-01-01")
    after = audit("verify", "--dsn", dsn)
    assert after.returncode == 0, after.stdout
    assert "from prune record 7" in after.stdout

    asyncio.run(
        tamper(dsn, "UPDATE audit_log SET body = replace(body, 'rita', 'eve') WHERE seq = 6")
    )
    broken = audit("verify", "--dsn", dsn)
    assert broken.returncode == 1
    assert broken.stdout.startswith("audit log BROKEN at seq 6: hash does not match")


def test_commands_never_create_a_log(tmp_path: Path) -> None:
    missing = audit("verify", "--dsn", f"sqlite:///{tmp_path / 'none.db'}")
    assert missing.returncode == 1
    assert "there is no audit log at" in missing.stderr
    assert not (tmp_path / "none.db").exists()
    assert audit("verify", "--dsn", "mysql://x").returncode == 2


# -- real processes ---------------------------------------------------------------------------


class Sandbox:
    """The sandbox CRM in a thread, with its store in reach (to see what reached the CRM)."""

    def __init__(self) -> None:
        self.thread = LoopThread()
        self.app = create_app()
        self.runner, self.url = self.thread.call(start_app(self.app))

    def cases(self) -> int:
        async def count() -> int:
            return self.app[STORE].count("Case")

        return self.thread.call(count())

    def close(self) -> None:
        self.thread.call(self.runner.cleanup())
        self.thread.close()


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    crm = Sandbox()
    yield crm
    crm.close()


class Serve:
    def __init__(self, sandbox: Sandbox, dsn: str, directory: Path, **env: str) -> None:
        self.port, admin = free_port(), free_port()
        self.proxy = f"http://127.0.0.1:{self.port}"
        self.readyz = f"http://127.0.0.1:{admin}/readyz"
        pack = parameters_pack(directory / "policies")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "guardrail", "serve", "--upstream", sandbox.url, "--auth-mode", "passthrough",
             "--policies", str(pack), "--listen", f"127.0.0.1:{self.port}",
             "--admin-listen", f"127.0.0.1:{admin}", "--log-level", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "GUARDRAIL_AUDIT_DSN": dsn, "GUARDRAIL_AUTH_MODE": "passthrough", **env},
        )  # fmt: skip

    def wait_listening(self) -> httpx.Response:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(self.proc.communicate()[1])
            try:
                return httpx.get(self.readyz, timeout=1)
            except httpx.TransportError:
                time.sleep(0.05)
        raise AssertionError("the proxy never listened")

    def wait_ready(self, ready: bool = True, seconds: float = 20) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while True:
            answer = self.wait_listening()
            if (answer.status_code == 200) == ready:
                return dict(answer.json())
            assert time.monotonic() < deadline, f"readyz stayed {answer.status_code}"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.proc.communicate(timeout=30)


def write_load(proxy: str, answered: list[str], stop: threading.Event) -> None:
    """Case creates, every third blocked, until stopped or the proxy dies; records every
    decision id an answer carried."""
    with httpx.Client(base_url=proxy, headers=HEADERS, timeout=10) as client:
        n = 0
        while not stop.is_set():
            n += 1
            body = {"Subject": f"load {n}", **({"Status": "Open"} if n % 3 == 0 else {})}
            try:
                answer = client.post(CASES, json=body)
            except httpx.TransportError:
                return
            assert answer.status_code in (201, 400), answer.text
            answered.append(answer.headers["X-Guardrail-Decision-Id"])


@pytest.mark.parametrize("store", STORES)
def test_kill_9_under_write_load_loses_no_answered_decision(
    store: str, sandbox: Sandbox, tmp_path: Path
) -> None:
    with audit_dsn(store, tmp_path) as dsn:
        serve = Serve(sandbox, dsn, tmp_path)
        try:
            serve.wait_ready()
            answered: list[str] = []
            stop = threading.Event()
            workers = [
                threading.Thread(target=write_load, args=(serve.proxy, answered, stop))
                for _ in range(8)
            ]
            for worker in workers:
                worker.start()
            deadline = time.monotonic() + 10
            while len(answered) < 300 and time.monotonic() < deadline:
                time.sleep(0.02)
            serve.proc.send_signal(signal.SIGKILL)
            serve.proc.wait(10)
            stop.set()
            for worker in workers:
                worker.join(15)
        finally:
            serve.stop()
        assert len(answered) >= 300, f"only {len(answered)} answers before the kill"

        async def recorded() -> set[str]:
            storage = open_storage(dsn, timeout=5)
            await storage.open(migrate=False)
            try:
                return {r.entry.decision_id or "" async for r in storage.scan()}
            finally:
                await storage.close()

        missing = set(answered) - asyncio.run(recorded())
        assert not missing, f"{len(missing)} answered decisions are not in the log"
        verified = audit("verify", "--dsn", dsn)
        assert verified.returncode == 0, verified.stdout + verified.stderr


class Relay:
    """A TCP relay on a fixed port to PostgreSQL: started and stopped, the store comes and goes."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.thread = LoopThread()
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    def start(self) -> None:
        async def start() -> None:
            self.server = await asyncio.start_server(self._pipe, "127.0.0.1", self.port)

        self.thread.call(start())

    def stop(self) -> None:
        async def stop() -> None:
            assert self.server is not None
            self.server.close()
            for writer in list(self.writers):
                writer.transport.abort()
            await self.server.wait_closed()

        self.thread.call(stop())

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", 5432)
        self.writers |= {writer, up_writer}

        async def copy(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                sink.transport.abort()

        await asyncio.gather(copy(reader, up_writer), copy(up_reader, writer))

    def close(self) -> None:
        self.thread.close()


def refused_write(serve: Serve) -> None:
    answer = httpx.post(serve.proxy + CASES, json={"Subject": "while down"}, headers=HEADERS)
    assert answer.status_code == 503, answer.text
    [error] = answer.json()
    assert error["errorCode"] == "GUARDRAIL_AUDIT_UNAVAILABLE"
    assert "audit log" in error["message"]


@pytest.mark.parametrize("store", STORES)
def test_a_store_that_is_down_stops_writes_until_it_is_back(
    store: str, sandbox: Sandbox, tmp_path: Path
) -> None:
    relay: Relay | None = None
    if store == "sqlite":
        directory = tmp_path / "later"  # does not exist yet: the store cannot open
        down_dsn = f"sqlite:///{directory / 'audit.db'}"
        schema = None
    else:
        schema = postgres_schema()
        dsn = schema.__enter__()
        relay = Relay(free_port())
        down_dsn = dsn.replace("127.0.0.1:5432", f"127.0.0.1:{relay.port}")  # closed for now
    serve = Serve(sandbox, down_dsn, tmp_path, GUARDRAIL_AUDIT_TIMEOUT_SECONDS="1")
    try:
        body = serve.wait_ready(ready=False)
        assert body["audit_log"] is False
        before = sandbox.cases()
        refused_write(serve)
        assert sandbox.cases() == before  # nothing reached the CRM
        reads = httpx.get(
            serve.proxy + "/services/data/v59.0/sobjects/Case/describe", headers=HEADERS
        )
        assert reads.status_code == 200  # reads are not gated

        if relay is not None:
            relay.start()
        else:
            directory.mkdir()
        assert serve.wait_ready()["audit_log"] is True
        allowed = httpx.post(serve.proxy + CASES, json={"Subject": "back"}, headers=HEADERS)
        assert allowed.status_code == 201, allowed.text
        assert sandbox.cases() == before + 1

        if relay is not None:  # down again while running: the first failed commit trips it
            relay.stop()
            deadline = time.monotonic() + 10
            while httpx.get(serve.readyz).status_code == 200:
                httpx.post(
                    serve.proxy + CASES, json={"Subject": "x", "Status": "Open"}, headers=HEADERS
                )
                assert time.monotonic() < deadline
            refused_write(serve)
            relay.start()  # and back: the pool reconnects
            serve.wait_ready()
            again = httpx.post(serve.proxy + CASES, json={"Subject": "again"}, headers=HEADERS)
            assert again.status_code == 201, again.text
    finally:
        serve.stop()
        if relay is not None:
            relay.close()
        if schema is not None:
            schema.__exit__(None, None, None)
