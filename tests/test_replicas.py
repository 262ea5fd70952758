"""Two proxy processes sharing one real Redis: what one replica learns, the other knows."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import requests
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceExpiredSession, SalesforceMalformedRequest

from guardrail.sandbox import create_app
from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID, ACME_CONTACT_ID
from guardrail.testing import SANDBOX_TOKEN, LoopThread, TestCA, start_app
from tests.helpers import free_port, wait_ready

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="module")
def redis_up() -> None:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail("Redis is not running at 127.0.0.1:6379 (.ci/run starts it)")
        pytest.skip("Redis is not running")


class Replica:
    """``guardrail serve`` sharing Redis; ``auth_mode`` token: the proxy holds the sandbox's
    token (static) and agents bear agent tokens."""

    def __init__(
        self, sandbox: str, tls: TestCA, prefix: str, auth_mode: str = "passthrough"
    ) -> None:
        self.port, self.admin_port = free_port(), free_port()
        env = {**os.environ, "GUARDRAIL_REDIS_URL": REDIS_URL, "GUARDRAIL_REDIS_PREFIX": prefix}
        if auth_mode == "token":
            env["GUARDRAIL_CREDENTIAL__ACCESS_TOKEN"] = SANDBOX_TOKEN
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "guardrail", "serve", "--upstream", sandbox, "--auth-mode", auth_mode,
             "--listen", f"127.0.0.1:{self.port}", "--admin-listen", f"127.0.0.1:{self.admin_port}",
             "--tls-cert", str(tls.cert_pem), "--tls-key", str(tls.key_pem), "--log-level", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        self.admin = f"http://127.0.0.1:{self.admin_port}"
        self.tls = tls
        wait_ready(f"{self.admin}/readyz", self.proc)  # type: ignore[arg-type]

    def salesforce(self, conversation: str | None, token: str = SANDBOX_TOKEN) -> Any:
        session = requests.Session()
        session.trust_env = False
        session.verify = str(self.tls.ca_pem)
        if conversation:
            session.headers["X-Guardrail-Conversation"] = conversation
        return Salesforce(instance=f"127.0.0.1:{self.port}", session_id=token, session=session)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.communicate(timeout=30)


@pytest.fixture(scope="module")
def replicas(
    redis_up: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Replica, Replica]]:
    thread = LoopThread()
    runner, sandbox = thread.call(start_app(create_app()))
    tls = TestCA.create(tmp_path_factory.mktemp("tls"))
    prefix = f"guardrail-test-{uuid.uuid4().hex[:8]}:"
    first, second = Replica(sandbox, tls, prefix), Replica(sandbox, tls, prefix)
    try:
        yield first, second
    finally:
        first.stop()
        second.stop()
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        thread.call(runner.cleanup())
        thread.close()


CONVERSATION = {
    "channel": "voice",
    "customer": {
        "account_ids": [ACME_ACCOUNT_ID],
        "contact_ids": [ACME_CONTACT_ID],
        "verified": True,
    },
    "turns": [{"role": "customer", "text": "My invoice charged me twice this month."}],
}


def test_a_conversation_set_through_one_replica_is_used_by_the_other(
    replicas: tuple[Replica, Replica],
) -> None:
    first, second = replicas
    cid = f"conv-{uuid.uuid4().hex[:8]}"
    put = httpx.put(f"{first.admin}/guardrail/v1/conversations/{cid}", json=CONVERSATION)
    assert put.status_code in (200, 201), put.text
    seen = httpx.get(f"{second.admin}/guardrail/v1/conversations/{cid}").json()
    assert seen["turns"] == CONVERSATION["turns"]

    first.salesforce(cid).Case.get(ACME_CASE_ID)  # a read through the first replica...
    # ...grounds an update through the second.
    assert second.salesforce(cid).Case.update(ACME_CASE_ID, {"Priority": "High"}) == 204
    reads = httpx.get(f"{second.admin}/guardrail/v1/conversations/{cid}").json()["reads"]
    assert [r["id"] for r in reads] == [ACME_CASE_ID]


def test_a_duplicate_case_through_the_second_replica_is_blocked(
    replicas: tuple[Replica, Replica],
) -> None:
    first, second = replicas
    cid = f"conv-{uuid.uuid4().hex[:8]}"
    httpx.put(
        f"{first.admin}/guardrail/v1/conversations/{cid}", json=CONVERSATION
    ).raise_for_status()
    case = {"Subject": "Charged twice", "Reason": "Billing", "AccountId": ACME_ACCOUNT_ID}
    assert first.salesforce(cid).Case.create(case)["success"] is True
    with pytest.raises(SalesforceMalformedRequest) as caught:
        second.salesforce(cid).Case.create({**case, "Subject": "Double charge"})
    [error] = caught.value.content
    assert "(duplicate-cases/NoDuplicateCase)" in error["message"]
    assert "already has case" in error["message"]


def test_replicas_are_ready_only_while_redis_answers(replicas: tuple[Replica, Replica]) -> None:
    body = httpx.get(f"{replicas[0].admin}/readyz").json()
    assert body["conversation_store"] is True
    assert body["ready"] is True


def test_a_replica_whose_redis_is_down_fails_closed(tmp_path: Path, redis_up: None) -> None:
    thread = LoopThread()
    runner, sandbox = thread.call(start_app(create_app()))
    tls = TestCA.create(tmp_path)
    port, admin = free_port(), free_port()
    env = {**os.environ, "GUARDRAIL_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "guardrail", "serve", "--upstream", sandbox, "--auth-mode", "passthrough",
         "--listen", f"127.0.0.1:{port}", "--admin-listen", f"127.0.0.1:{admin}",
         "--tls-cert", str(tls.cert_pem), "--tls-key", str(tls.key_pem)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    try:
        readyz = f"http://127.0.0.1:{admin}/readyz"
        for _ in range(100):
            try:
                answer = httpx.get(readyz)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        assert answer.status_code == 503
        assert answer.json()["conversation_store"] is False
        session = requests.Session()
        session.trust_env = False
        session.verify = str(tls.ca_pem)
        response = session.patch(
            f"https://127.0.0.1:{port}/services/data/v59.0/sobjects/Case/{ACME_CASE_ID}",
            json={"Priority": "High"},
            headers={"Authorization": f"Bearer {SANDBOX_TOKEN}", "X-Guardrail-Conversation": "c"},
        )
        assert response.status_code == 503
        assert response.json()[0]["errorCode"] == "GUARDRAIL_CONTEXT_UNAVAILABLE"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
        thread.call(runner.cleanup())
        thread.close()


@pytest.fixture(scope="module")
def token_replicas(
    redis_up: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Replica, Replica]]:
    thread = LoopThread()
    runner, sandbox = thread.call(start_app(create_app()))
    tls = TestCA.create(tmp_path_factory.mktemp("tls"))
    prefix = f"guardrail-test-{uuid.uuid4().hex[:8]}:"
    first = Replica(sandbox, tls, prefix, auth_mode="token")
    second = Replica(sandbox, tls, prefix, auth_mode="token")
    try:
        yield first, second
    finally:
        first.stop()
        second.stop()
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        thread.call(runner.cleanup())
        thread.close()


def test_a_token_issued_through_one_replica_binds_and_is_revoked_through_the_other(
    token_replicas: tuple[Replica, Replica],
) -> None:
    first, second = token_replicas
    cid = f"conv-{uuid.uuid4().hex[:8]}"
    conversations = f"{first.admin}/guardrail/v1/conversations/{cid}"
    httpx.put(conversations, json=CONVERSATION).raise_for_status()
    issued = httpx.post(f"{conversations}/tokens", json={"agent": "agent-1"}).json()

    # Bound through the second replica with no header: the read grounds the update there.
    agent = second.salesforce(None, issued["token"])
    agent.Case.get(ACME_CASE_ID)
    assert agent.Case.update(ACME_CASE_ID, {"Priority": "High"}) == 204
    seen = httpx.get(conversations).json()
    assert [r["id"] for r in seen["reads"]] == [ACME_CASE_ID]
    assert [w["operation"] for w in seen["writes"]] == ["update"]

    revoked = httpx.delete(
        f"{second.admin}/guardrail/v1/conversations/{cid}/tokens/{issued['token_id']}"
    )
    assert revoked.status_code == 204
    with pytest.raises(SalesforceExpiredSession):
        first.salesforce(None, issued["token"]).Case.get(ACME_CASE_ID)
    listed = httpx.get(f"{first.admin}/guardrail/v1/conversations/{cid}/tokens").json()
    assert [t["status"] for t in listed["tokens"]] == ["revoked"]
