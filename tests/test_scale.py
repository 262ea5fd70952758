"""Three replicas behind a round-robin client, sharing a real Redis and a real PostgreSQL audit
log; and a replica stopped with SIGTERM in the middle of a write load."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from guardrail.sandbox import SandboxConfig, create_app
from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID, ACME_CONTACT_ID
from guardrail.testing import SANDBOX_TOKEN, LoopThread, start_app
from tests.auditdb import postgres_schema
from tests.helpers import free_port, parameters_pack, wait_ready

REDIS_URL = "redis://127.0.0.1:6379/0"
API = "/services/data/v59.0"
CONVERSATION = {
    "channel": "chat",
    "customer": {
        "account_ids": [ACME_ACCOUNT_ID],
        "contact_ids": [ACME_CONTACT_ID],
        "verified": True,
    },
    "turns": [{"role": "customer", "text": "My invoice charged me twice this month."}],
}


class Replica:
    """One `guardrail serve` process (passthrough auth: the agent brings its CRM token)."""

    def __init__(self, sandbox: str, env: dict[str, str], policies: Path | None = None) -> None:
        self.port, self.admin_port = free_port(), free_port()
        command = [
            sys.executable, "-m", "guardrail", "serve", "--upstream", sandbox,
            "--listen", f"127.0.0.1:{self.port}", "--admin-listen", f"127.0.0.1:{self.admin_port}",
            "--log-level", "warning",
        ]  # fmt: skip
        if policies is not None:
            command += ["--policies", str(policies)]
        self.proc = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "GUARDRAIL_AUTH_MODE": "passthrough", **env},
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin = f"http://127.0.0.1:{self.admin_port}"
        wait_ready(f"{self.admin}/readyz", self.proc)  # type: ignore[arg-type]

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.proc.communicate(timeout=60)
        return self.proc.returncode


@pytest.fixture
def sandbox() -> Iterator[str]:
    thread = LoopThread()
    runner, url = thread.call(start_app(create_app(SandboxConfig(latency_seconds=0.002))))
    yield url
    thread.call(runner.cleanup())
    thread.close()


@pytest.fixture
def shared(sandbox: str) -> Iterator[dict[str, str]]:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail("Redis is not running at 127.0.0.1:6379")
        pytest.skip("Redis is not running")
    prefix = f"guardrail-scale-{uuid.uuid4().hex[:8]}:"
    with postgres_schema() as dsn:
        yield {"GUARDRAIL_REDIS_URL": REDIS_URL, "GUARDRAIL_REDIS_PREFIX": prefix,
               "GUARDRAIL_AUDIT_DSN": dsn}  # fmt: skip
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def verify(dsn: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "guardrail", "audit", "verify", "--dsn", dsn],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_three_replicas_share_conversations_duplicates_and_one_valid_audit_chain(
    sandbox: str, shared: dict[str, str]
) -> None:
    replicas = [Replica(sandbox, shared) for _ in range(3)]
    try:
        turn = itertools.cycle(replicas)
        cid = f"conv-{uuid.uuid4().hex[:8]}"
        headers = {"Authorization": f"Bearer {SANDBOX_TOKEN}", "X-Guardrail-Conversation": cid}
        first = next(turn)
        httpx.put(
            f"{first.admin}/guardrail/v1/conversations/{cid}", json=CONVERSATION
        ).raise_for_status()
        case = {"Subject": "Charged twice", "Reason": "Billing", "AccountId": ACME_ACCOUNT_ID}
        created = httpx.post(f"{next(turn).url}{API}/sobjects/Case", json=case, headers=headers)
        assert created.status_code == 201, created.text  # through the second replica
        duplicate = httpx.post(
            f"{next(turn).url}{API}/sobjects/Case",
            json={**case, "Subject": "Billed twice"},
            headers=headers,
        )  # through the third
        assert duplicate.status_code == 400
        assert "(duplicate-cases/NoDuplicateCase)" in duplicate.json()[0]["message"]

        def load(worker: int, answers: list[str]) -> None:
            with httpx.Client(headers=headers, timeout=30) as client:
                for n in range(40):
                    replica = replicas[(worker + n) % 3]
                    body = {"Priority": "High" if n % 2 else "Low"}
                    answer = client.patch(
                        f"{replica.url}{API}/sobjects/Case/{ACME_CASE_ID}", json=body
                    )
                    answers.append(answer.headers["X-Guardrail-Decision-Id"])

        answers: list[str] = []
        httpx.get(
            f"{first.url}{API}/sobjects/Case/{ACME_CASE_ID}", headers=headers
        ).raise_for_status()
        threads = [threading.Thread(target=load, args=(w, answers)) for w in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(answers) == 160
    finally:
        codes = [r.stop() for r in replicas]
    assert codes == [0, 0, 0]
    result = verify(shared["GUARDRAIL_AUDIT_DSN"])
    assert result.returncode == 0, result.stdout + result.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "guardrail", "audit", "export", "--format", "jsonl", "--dsn",
         shared["GUARDRAIL_AUDIT_DSN"]],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    recorded = {json.loads(line).get("decision_id") for line in listed.stdout.splitlines() if line}
    assert set(answers) <= recorded  # every answered write, whichever replica, is on the chain


def test_sigterm_under_load_loses_no_in_flight_write(sandbox: str, tmp_path: Path) -> None:
    dsn = f"sqlite:///{tmp_path / 'audit.db'}"
    slow = {"GUARDRAIL_AUDIT_DSN": dsn}
    replica = Replica(sandbox, slow, parameters_pack(tmp_path / "policies"))
    answered: list[tuple[int, str]] = []
    refused: list[str] = []
    headers = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}

    def load(worker: int) -> None:
        with httpx.Client(headers=headers, timeout=30) as client:
            for n in range(400):
                body = {"Subject": f"load {worker}-{n}"}
                try:
                    answer = client.post(f"{replica.url}{API}/sobjects/Case", json=body)
                except httpx.TransportError as exc:  # the listener closed: never accepted
                    refused.append(type(exc).__name__)
                    return
                answered.append(
                    (answer.status_code, answer.headers.get("X-Guardrail-Decision-Id", ""))
                )

    threads = [threading.Thread(target=load, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while len(answered) < 40:
        assert time.monotonic() < deadline, f"no load: {answered} {refused}"
        assert any(t.is_alive() for t in threads), f"the load stopped: {answered} {refused}"
        time.sleep(0.01)
    assert replica.stop() == 0  # SIGTERM with writes in flight
    for t in threads:
        t.join()
    assert answered, "no write was answered"
    # Each answer is the truth: a write answered 201 reached the CRM; one refused while the
    # proxy stopped (503, nothing sent) did not.
    assert {status for status, _ in answered} <= {201, 503}
    created = httpx.get(f"{sandbox}/_sandbox/records/Case").json()
    subjects = {r["Subject"] for r in created if r["Subject"].startswith("load ")}
    assert len(subjects) == sum(1 for status, _ in answered if status == 201)
    result = verify(dsn)
    assert result.returncode == 0, result.stdout + result.stderr
    exported = subprocess.run(
        [sys.executable, "-m", "guardrail", "audit", "export", "--format", "jsonl", "--dsn", dsn],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    recorded = {
        json.loads(line).get("decision_id") for line in exported.stdout.splitlines() if line
    }
    assert {d for _, d in answered} <= recorded  # and every one is audited
