"""Post-guardrails end to end: simple-salesforce through the proxy to a sandbox whose triggers
rewrite what is saved. Each trigger kind is caught and named; alert leaves the record, revert
restores the pre-image or deletes what was created."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from guardrail.sandbox import SandboxConfig, create_app
from guardrail.sandbox.seed import ACME_CASE_ID, QUEUE_IDS
from guardrail.testing import LoopThread, Stack, start_app
from tests.helpers import free_port, parameters_pack, wait_ready

POST_POLICIES = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {name: case-read-back}
spec:
  match: {objects: [Case], operations: [create, update]}
  post:
    readBack: true
    onFailure: alert
---
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {name: refund-read-back}
spec:
  match: {objects: [Refund__c], operations: [create, update]}
  post:
    readBack: true
    onFailure: revert
---
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {name: task-read-back}
spec:
  match: {objects: [Task], operations: [create, update]}
  post:
    readBack: true
    onFailure: revert
    rules:
      - name: StaysOpen
        expression: 'record.Status != "Completed" || before.Status == "Completed" || (has(intent.fields.Status) && intent.fields.Status == "Completed")'
        message: A trigger completed the task.
"""
TRIGGERS = {
    "triggers": [
        {"object": "Case", "operations": ["create", "update"], "when": {"Reason": "Billing"},
         "action": "set", "field": "OwnerId", "value": QUEUE_IDS["Billing"]},
        {"object": "Case", "action": "truncate", "field": "Subject", "length": 12},
        {"object": "Case", "action": "picklist_default", "field": "Type", "value": "Other"},
        {"object": "Refund__c", "action": "round", "field": "Amount__c", "decimals": 0},
        {"object": "Task", "operations": ["update"], "when": {"Priority": "High"},
         "action": "set", "field": "Status", "value": "Completed"},
    ]
}  # fmt: skip


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("post")
    pack = parameters_pack(directory / "policies")
    (pack / "post.yaml").write_text(POST_POLICIES)
    with Stack(directory, auth_mode="passthrough", policies=pack) as running:
        httpx.put(f"{running.sandbox_url}/_sandbox/triggers", json=TRIGGERS).raise_for_status()
        yield running


def decisions(sf: Any) -> list[str]:
    seen: list[str] = []
    sf.session.hooks["response"].append(
        lambda r, *a, **k: seen.append(r.headers.get("X-Guardrail-Decision", "-"))
    )
    return seen


def refused(call: Any) -> dict[str, Any]:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        call()
    [error] = caught.value.content
    assert error["errorCode"] == "GUARDRAIL_POST_VERIFY_FAILED"
    return dict(error)


@pytest.mark.parametrize(
    ("case", "field", "words"),
    [
        ({"Subject": "A very long subject line", "Status": "New"}, "Subject", "truncated to 12 characters"),
        ({"Subject": "Owner", "Reason": "Billing", "OwnerId": QUEUE_IDS["Returns"]}, "OwnerId", "changed"),
        ({"Subject": "Picklist", "Type": "Nonsense"}, "Type", "saved 'Other'"),
    ],
    ids=["truncation", "owner-reassignment", "picklist-default"],
)  # fmt: skip
def test_each_trigger_is_caught_and_named_and_alert_mode_leaves_the_record(
    stack: Stack, case: dict[str, Any], field: str, words: str
) -> None:
    sf = stack.salesforce()
    seen = decisions(sf)
    error = refused(lambda: sf.Case.create(case))
    assert error["fields"] == [field]
    assert field in error["message"]
    assert words in error["message"]
    assert "left as saved" in error["message"]
    assert seen == ["post-fail"]
    record_id = error["message"].split("Record ", 1)[1].split(":", 1)[0]
    assert stack.store.get("Case", record_id) is not None  # alert mode: the record stays


def test_amount_rounding_is_caught_and_the_created_record_is_deleted(stack: Stack) -> None:
    sf = stack.salesforce()
    before = stack.store.count("Refund__c")
    error = refused(lambda: sf.Refund__c.create({"Amount__c": 19.99, "Reason__c": "Goodwill"}))
    assert "Amount__c: wrote 19.99, saved 20.0 (rounded)" in error["message"]
    assert "it was reverted" in error["message"]
    assert stack.store.count("Refund__c") == before


def test_revert_restores_exactly_the_pre_image(stack: Stack) -> None:
    sf = stack.salesforce()
    task = sf.Task.create({"Subject": "Call back", "Status": "Not Started", "Priority": "Normal"})
    saved = stack.store.get("Task", task["id"])
    assert saved is not None
    error = refused(lambda: sf.Task.update(task["id"], {"Priority": "High", "Subject": "Urgent"}))
    assert "(task-read-back/StaysOpen)" in error["message"]
    assert "A trigger completed the task." in error["message"]
    restored = stack.store.get("Task", task["id"])
    assert restored is not None
    volatile = {"LastModifiedDate", "SystemModstamp"}
    assert {k: v for k, v in restored.items() if k not in volatile} == {
        k: v for k, v in saved.items() if k not in volatile
    }


def test_a_write_saved_as_intended_passes_unchanged(stack: Stack) -> None:
    sf = stack.salesforce()
    seen = decisions(sf)
    created = sf.Case.create({"Subject": "Short", "Status": "New"})
    assert created["success"] is True
    assert sf.Case.update(created["id"], {"Priority": "Low"}) == 204
    assert sf.Case.update(ACME_CASE_ID, {"Status": "Working"}) == 204
    assert seen == ["allow", "allow", "allow"]


@pytest.mark.parametrize("text", ["Call back re @{guardrailBefore.Id}", "Ask @{team.lead}"])
def test_a_text_holding_a_reference_is_saved_as_written_and_read_back(
    stack: Stack, text: str
) -> None:
    """A write read back goes to the CRM inside a composite, where @{...} is a reference the
    CRM fills in: the pre-image's Id would be saved in place of the text judged (or the write
    fail). Such a write is sent as it is and read back after."""
    sf = stack.salesforce()
    seen = decisions(sf)
    task = sf.Task.create({"Subject": text, "Status": "Not Started", "Priority": "Normal"})
    assert sf.Task.update(task["id"], {"Subject": text, "Description": text}) == 204
    saved = stack.store.get("Task", task["id"])
    assert saved is not None
    assert (saved["Subject"], saved["Description"]) == (text, text)
    assert seen == ["allow", "allow"]


def test_post_failures_are_counted(stack: Stack) -> None:
    metrics = httpx.get(f"{stack.admin_url}/metrics").text
    assert 'guardrail_post_checks_total{object="Case",result="fail"}' in metrics
    assert 'guardrail_reverts_total{result="success"}' in metrics
    sample = [
        line
        for line in metrics.splitlines()
        if line.startswith('guardrail_reverts_total{result="success"}')
    ]
    assert float(sample[0].split()[-1]) >= 2


def test_collection_write_is_read_back_in_one_request(stack: Stack) -> None:
    sf = stack.salesforce()
    records = [{"attributes": {"type": "Case"}, "Subject": f"Bulk {n}"} for n in range(200)]
    records[7]["Subject"] = "A subject that is far too long"
    seen = decisions(sf)
    result = sf.restful(
        "composite/sobjects",
        method="POST",
        data=json.dumps({"allOrNone": False, "records": records}),
    )
    assert all(r["success"] for r in result)  # the CRM's own answer is passed on
    assert seen == ["post-fail"]  # ...but the truncated record is reported


ASYNC_POLICY = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {name: contact-read-back}
spec:
  match: {objects: [Contact], operations: [create]}
  post: {readBack: true, onFailure: revert, mode: async}
"""
SHORT_NAMES = {
    "triggers": [{"object": "Contact", "action": "truncate", "field": "LastName", "length": 5}]
}


def async_pack(directory: Path) -> Path:
    pack = parameters_pack(directory / "policies")
    (pack / "post.yaml").write_text(ASYNC_POLICY)
    return pack


def wait_until(check: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_async_mode_answers_at_once_and_verifies_after(tmp_path: Path) -> None:
    with Stack(tmp_path, auth_mode="passthrough", policies=async_pack(tmp_path)) as stack:
        httpx.put(f"{stack.sandbox_url}/_sandbox/triggers", json=SHORT_NAMES).raise_for_status()
        sf = stack.salesforce()
        seen = decisions(sf)
        created = sf.Contact.create({"FirstName": "Ada", "LastName": "Lovelace"})
        assert created["success"] is True  # the agent is answered before verification
        assert seen == ["allow"]
        wait_until(lambda: stack.store.get("Contact", created["id"]) is None)  # then reverted
        kept = sf.Contact.create({"FirstName": "Al", "LastName": "Turi"})  # saved as written
        time.sleep(0.3)
        assert stack.store.get("Contact", kept["id"]) is not None


def test_sigterm_drains_queued_verifications(tmp_path: Path) -> None:
    thread = LoopThread()
    runner, sandbox = thread.call(start_app(create_app(SandboxConfig(latency_seconds=0.15))))
    httpx.put(f"{sandbox}/_sandbox/triggers", json=SHORT_NAMES).raise_for_status()
    port, admin = free_port(), free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "guardrail", "serve", "--upstream", sandbox, "--auth-mode", "passthrough",
         "--policies", str(async_pack(tmp_path)), "--listen", f"127.0.0.1:{port}",
         "--admin-listen", f"127.0.0.1:{admin}", "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_ready(f"http://127.0.0.1:{admin}/readyz", proc)
        headers = {"Authorization": "Bearer sandbox-token"}
        ids = []
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=10) as c:
            for n in range(5):
                answer = c.post(
                    "/services/data/v59.0/sobjects/Contact", json={"LastName": f"Longname{n}"}
                )
                assert answer.status_code == 201
                ids.append(answer.json()["id"])
        proc.send_signal(signal.SIGTERM)  # five verifications queued, each ~0.3 s of CRM time
        proc.communicate(timeout=30)
        assert proc.returncode == 0
        remaining = httpx.get(f"{sandbox}/_sandbox/records/Contact").json()
        assert not {r["Id"] for r in remaining} & set(ids)  # every queued one was verified
    finally:
        if proc.poll() is None:
            proc.kill()
        thread.call(runner.cleanup())
        thread.close()


def requests_reaching_the_crm(stack: Stack) -> int:
    return int(httpx.get(f"{stack.sandbox_url}/_sandbox/requests").json()["total"])


def test_read_back_costs_one_request_per_single_write_and_one_more_per_collection(
    stack: Stack,
) -> None:
    sf = stack.salesforce()
    created = sf.Case.create({"Subject": "Counted", "Status": "New"})
    httpx.delete(f"{stack.sandbox_url}/_sandbox/requests").raise_for_status()
    assert sf.Case.update(created["id"], {"Priority": "High"}) == 204
    assert requests_reaching_the_crm(stack) == 1  # write and both reads in one composite

    records = [{"attributes": {"type": "Case"}, "Subject": f"Batch {n}"} for n in range(200)]
    httpx.delete(f"{stack.sandbox_url}/_sandbox/requests").raise_for_status()
    sf.restful("composite/sobjects", method="POST", data=json.dumps({"records": records}))
    assert requests_reaching_the_crm(stack) <= 2  # the write, one read for all 200


class ConcurrentChange:
    """The upstream seam, wrapped: just before the proxy's revert reaches the CRM, someone else
    changes the record (a second later, as HTTP dates have whole seconds)."""

    def __init__(self, inner: Any, sandbox: list[str]) -> None:
        self.inner, self.sandbox = inner, sandbox

    async def send(self, method: str, path: str, headers: Any, body: bytes | None) -> Any:
        if method == "PATCH" and "If-Unmodified-Since" in headers:
            await asyncio.sleep(1.1)
            async with httpx.AsyncClient(base_url=self.sandbox[0]) as other:
                answer = await other.patch(
                    path, json={"Description": "changed by a supervisor"},
                    headers={"Authorization": "Bearer sandbox-token"},
                )  # fmt: skip
                answer.raise_for_status()
        return await self.inner.send(method, path, headers, body)


def test_a_revert_that_loses_the_race_leaves_the_concurrent_change_and_alerts(
    tmp_path: Path,
) -> None:
    pack = parameters_pack(tmp_path / "policies")
    (pack / "post.yaml").write_text(POST_POLICIES)
    sandbox: list[str] = []
    seam = lambda inner: ConcurrentChange(inner, sandbox)  # noqa: E731 - the sandbox URL comes later
    with Stack(tmp_path, auth_mode="passthrough", policies=pack, transport=seam) as stack:
        sandbox.append(stack.sandbox_url)
        httpx.put(f"{stack.sandbox_url}/_sandbox/triggers", json=TRIGGERS).raise_for_status()
        sf = stack.salesforce()
        task = sf.Task.create({"Subject": "Call back", "Status": "Not Started"})
        error = refused(lambda: sf.Task.update(task["id"], {"Priority": "High"}))
        assert "reverting it failed (lost_race)" in error["message"]
        saved = stack.store.get("Task", task["id"])
        assert saved is not None
        assert saved["Description"] == "changed by a supervisor"  # the other change stays
        assert saved["Status"] == "Completed"  # and nothing was overwritten by the revert
        metrics = httpx.get(f"{stack.admin_url}/metrics").text
        assert 'guardrail_reverts_total{result="lost_race"} 1.0' in metrics


def test_where_deletes_are_not_allowed_a_created_record_is_marked_instead(tmp_path: Path) -> None:
    pack = parameters_pack(tmp_path / "policies")
    (pack / "post.yaml").write_text(
        POST_POLICIES.split("---")[0].replace(
            "onFailure: alert",
            "onFailure: revert\n    revertMark: {Status: Closed, Description: Reverted by crm-guardrail}",
        )
    )
    with Stack(tmp_path, auth_mode="passthrough", policies=pack) as stack:
        httpx.put(f"{stack.sandbox_url}/_sandbox/triggers", json=TRIGGERS).raise_for_status()
        sf = stack.salesforce()
        error = refused(lambda: sf.Case.create({"Subject": "A subject longer than twelve"}))
        record_id = error["message"].split("Record ", 1)[1].split(":", 1)[0]
        marked = stack.store.get("Case", record_id)
        assert marked is not None
        assert (marked["Status"], marked["Description"]) == ("Closed", "Reverted by crm-guardrail")
