"""The ``guardrail`` command as an operator runs it: real processes, real signals, real logs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from guardrail.sandbox import SandboxConfig, create_app
from guardrail.sandbox.seed import ACME_CASE_ID
from guardrail.testing import LoopThread, start_app
from tests.helpers import free_port, guardrail, parameters_pack, wait_ready, write_case_pack

SECRET = "00DXX0000001gPF!AQ4AQFakeSessionTokenThatMustNeverBeLogged"
BASE = "/services/data/v59.0"


def test_version_and_help() -> None:
    assert guardrail("--version").stdout.startswith("crm-guardrail ")
    assert "serve" in guardrail("--help").stdout


def test_serve_refuses_a_broken_policy_naming_file_and_place(case_pack: Path) -> None:
    policy = case_pack / "case.yaml"
    policy.write_text(
        policy.read_text().replace("objects: [Case]", "objects: Case\n    colour: red")
    )
    result = guardrail("serve", "--upstream", "http://127.0.0.1:9", "--policies", str(case_pack))
    assert result.returncode == 2
    assert str(policy) in result.stderr
    assert "spec.match" in result.stderr
    assert "line" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_refuses_bad_settings() -> None:
    result = guardrail("serve", "--upstream", "ftp://crm")
    assert result.returncode == 2
    assert "upstream must be an http(s) URL" in result.stderr


def test_check_judges_a_write_and_its_conversation_offline(tmp_path: Path) -> None:
    request = {
        "method": "POST",
        "path": f"{BASE}/sobjects/Refund__c",
        "body": {"Amount__c": 80, "Reason__c": "Late Delivery"},
        "headers": {"X-Guardrail-Tool": "issue_refund"},
        "conversation": {
            "customer": {"account_ids": ["001000000000001AAA"], "verified": True},
            "entitlements": {"refund_limit": 50},
            "turns": [{"role": "customer", "text": "My parcel is late, I want a refund of $30"}],
        },
    }
    file = tmp_path / "check.yaml"
    file.write_text(json.dumps(request))
    blocked = guardrail("check", str(file))
    assert blocked.returncode == 1, blocked.stderr
    out = json.loads(blocked.stdout)
    assert out["decision"] == "block"
    assert [v["rule"] for v in out["violations"]] == ["RefundEntitled", "RefundNotMoreThanAsked"]
    # any spelling of the names is judged as the describe spells them
    request["body"] = {"amount__C": 80, "REASON__C": "Late Delivery"}
    file.write_text(json.dumps(request))
    spelled = json.loads(guardrail("check", str(file)).stdout)
    assert [v["rule"] for v in spelled["violations"]] == [v["rule"] for v in out["violations"]]
    assert spelled["intents"][0]["fields"] == ["Amount__c", "Reason__c"]
    request["body"] = {"Amount__c": 30, "Reason__c": "Late Delivery"}
    file.write_text(json.dumps(request))
    allowed = guardrail("check", str(file))
    assert allowed.returncode == 0, allowed.stdout
    file.write_text("method: [")
    broken = guardrail("check", str(file))
    assert broken.returncode == 2
    assert "not a check request" in broken.stderr


def test_demo_runs_and_explains_each_write() -> None:
    result = guardrail("demo")
    assert result.returncode == 0, result.stderr
    words = " ".join(result.stdout.split())  # the table wraps long messages
    assert "5 writes went through; 6 were blocked before the CRM" in words
    assert "Case.Status: 'Open' is not an allowed value" in words
    assert "(case-queue-routing/QueueMatchesReason)" in words
    assert "(refund-rules/RefundNotMoreThanAsked): A refund of 45 is more than the 40" in words
    assert "guardrail_requests_total Case create block 3" in words


def test_the_servicenow_demo_drives_pysnc_through_the_proxy() -> None:
    result = guardrail("demo", "--crm", "servicenow")
    assert result.returncode == 0, result.stderr
    words = " ".join(result.stdout.split())
    assert "4 writes went through; 6 were blocked before the CRM" in words
    assert "(case-assignment-routing/GroupMatchesCategory)" in words
    assert "(notes-no-sensitive-data/NoCardOrSsnInNotes)" in words
    assert "guardrail_requests_total sn_customerservice_case create block 3" in words


def test_the_zendesk_demo_drives_zenpy_through_the_proxy_and_explains_each_write() -> None:
    result = guardrail("demo", "--crm", "zendesk")
    assert result.returncode == 0, result.stderr
    words = " ".join(result.stdout.split())
    assert "3 writes went through; 6 were refused" in words
    assert "ticket.custom_fields.360000101: 'invoices' is not an allowed value" in words
    assert "(grounded-references/RequesterGrounded): requester_id 40003" in words
    assert "(notes-no-sensitive-data/NoCardOrSsnInNotes)" in words
    assert "(ticket-resolution/ResolutionMatchesOutcome)" in words
    assert "guardrail_requests_total ticket update block 3" in words


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    thread = LoopThread()
    tokens = frozenset({SECRET, "sandbox-token"})
    runner, url = thread.call(start_app(create_app(SandboxConfig(access_tokens=tokens))))
    yield url
    thread.call(runner.cleanup())
    thread.close()


def test_serve_logs_json_decisions_never_the_token_and_stops_on_sigterm(
    sandbox_url: str, tmp_path: Path
) -> None:
    port, admin = free_port(), free_port()
    env = {**os.environ, "GUARDRAIL_LOG_FIELD_VALUES": "true"}
    pack = parameters_pack(tmp_path / "policies")
    proc = subprocess.Popen(
        [sys.executable, "-m", "guardrail", "serve", "--upstream", sandbox_url, "--policies", str(pack), "--auth-mode", "passthrough",
         "--listen", f"127.0.0.1:{port}", "--admin-listen", f"127.0.0.1:{admin}",
         "--log-level", "debug"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        wait_ready(f"http://127.0.0.1:{admin}/readyz", proc)
        headers = {"Authorization": f"Bearer {SECRET}", "X-Guardrail-Agent": "agent-9"}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers) as client:
            assert client.get(f"{BASE}/sobjects/Case/{ACME_CASE_ID}").status_code == 200
            ok = client.patch(f"{BASE}/sobjects/Case/{ACME_CASE_ID}", json={"Status": "Working"})
            assert ok.status_code == 204
            bad = client.post(f"{BASE}/sobjects/Case", json={"Subject": SECRET, "Status": "Open"})
            assert bad.status_code == 400
            assert client.post("/services/apexrest/x", json={}).status_code == 400
            assert client.post(f"{BASE}/sobjects/Case", content=b"{").status_code in (400, 415)
            wrong = client.get(f"{BASE}/sobjects/Case", headers={"Authorization": "Bearer nope"})
            assert wrong.status_code == 401  # the sandbox's own answer, passed through
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    logged = out + err
    assert SECRET not in logged
    assert SECRET[:20] not in logged
    events = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    decisions = [e for e in events if e["event"] == "decision"]
    assert [d["decision"] for d in decisions] == ["allow", "block", "block", "block"]
    assert all(d["agent"] == "agent-9" for d in decisions)
    assert {"listening", "shutting_down"} <= {e["event"] for e in events}


def test_sighup_reloads_policies_and_keeps_the_last_good_set(
    sandbox_url: str, tmp_path: Path
) -> None:
    pack = write_case_pack(tmp_path / "policies")
    port, admin = free_port(), free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "guardrail", "serve", "--upstream", sandbox_url, "--policies", str(pack), "--auth-mode", "passthrough",
         "--listen", f"127.0.0.1:{port}", "--admin-listen", f"127.0.0.1:{admin}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        ready = f"http://127.0.0.1:{admin}/readyz"
        wait_ready(ready, proc)
        first = httpx.get(ready).json()["policy_version"]
        (pack / "case.yaml").write_text("kind: [broken")
        proc.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        assert httpx.get(ready).json()["policy_version"] == first
        write_case_pack(pack, mode="shadow")
        proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while httpx.get(ready).json()["policy_version"] == first:
            assert time.monotonic() < deadline, "SIGHUP did not reload"
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    events = [json.loads(line)["event"] for line in out.splitlines() if line.startswith("{")]
    assert "policy_reload_failed" in events
    assert "policy_reloaded" in events
