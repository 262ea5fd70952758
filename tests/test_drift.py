"""Schema drift while the proxy runs: detection, what writes meet, metric, logs, alerts, and
the watcher against a live sandbox whose describe changes."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import httpx
import pytest
from aiohttp.test_utils import TestClient, TestServer
from structlog.testing import capture_logs

from guardrail.cli import main
from guardrail.config import Settings
from guardrail.credential import StaticCredential
from guardrail.crm.base import Dialect, dialect_for
from guardrail.crm.drift import Drift, DriftKind
from guardrail.drift import Describe, DriftWatcher, detect, from_settings, standing
from guardrail.errors import PolicyError
from guardrail.model import Action, Caller, Operation, Verdict, WriteIntent
from guardrail.pipeline import Pipeline
from guardrail.policy.loader import PolicySet, load_policy_set
from guardrail.sandbox import create_app
from guardrail.sandbox.seed import ACME_CASE_ID
from guardrail.sinks.alerts import Alerter, alertmanager
from guardrail.sinks.metrics import Metrics
from tests.helpers import SHIPPED_PACK
from tests.sinks.helpers import Receiver, serve

SALESFORCE = dialect_for("salesforce")
CASE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["Subject"],
    "properties": {
        "Subject": {"type": "string", "maxLength": 255},
        "Status": {"enum": ["New", "Working", "Closed"]},
        "Origin": {"enum": ["Phone", "Email", None]},
    },
}
TASK = {
    "type": "object",
    "properties": {
        "Subject": {"type": ["string", "null"], "maxLength": 255},
        "CallType": {"enum": ["Inbound", "Outbound", None]},
    },
}
PACK = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {{name: case-fields}}
spec:
  match: {{objects: [Case]}}
  onDrift: block
  schema: {case}
---
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {{name: task-fields}}
spec:
  match: {{objects: [Task]}}
  schema: {task}
"""


def pack(directory: Path) -> PolicySet:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "pack.yaml").write_text(PACK.format(case=CASE, task=TASK).replace("None", "null"))
    return load_policy_set(directory)


class FakeCrm:
    """A describe that answers the pack's own schemas, changed as a test says."""

    def __init__(self) -> None:
        self.schemas: dict[str, dict[str, Any]] = {"Case": copy.deepcopy(CASE), "Task": TASK}
        self.calls: list[list[str]] = []
        self.down = False

    async def __call__(self, objects: Sequence[str]) -> Mapping[str, Mapping[str, Any]]:
        self.calls.append(list(objects))
        if self.down:
            raise httpx.ConnectError("connection refused")
        return {o: self.schemas[o] for o in objects}

    def drift(self) -> None:
        """Working retired, Region__c required, Task.CallType gains Internal."""
        case = self.schemas["Case"]
        case["properties"]["Status"] = {"enum": ["New", "Closed"]}
        case["properties"]["Region__c"] = {"type": "string", "maxLength": 40}
        case["required"] = ["Subject", "Region__c"]
        task = copy.deepcopy(TASK)
        task["properties"]["CallType"] = {"enum": ["Inbound", "Outbound", "Internal", None]}
        self.schemas["Task"] = task

    def undo(self) -> None:
        self.schemas = {"Case": copy.deepcopy(CASE), "Task": TASK}


@pytest.fixture
def policies(tmp_path: Path) -> PolicySet:
    return pack(tmp_path / "policies")


@pytest.fixture
def crm() -> FakeCrm:
    return FakeCrm()


def watcher(
    policies: PolicySet, fetch: Any, alerter: Alerter | None = None, interval: float = 300
) -> tuple[DriftWatcher, Metrics]:
    metrics = Metrics("salesforce", lambda o: o)
    metrics.start(["Case", "Task"])
    return DriftWatcher(
        SALESFORCE, lambda: policies, fetch, metrics, alerter, interval=interval
    ), metrics


def gauge(metrics: Metrics, obj: str, field: str, kind: str) -> float | None:
    labels = {"object": obj, "field": field, "kind": kind}
    return metrics.registry.get_sample_value("guardrail_schema_drift", labels)


def checks(metrics: Metrics, result: str) -> float | None:
    return metrics.registry.get_sample_value(
        "guardrail_schema_drift_checks_total", {"result": result}
    )


async def test_detect_names_each_drift_against_the_policy_whose_schema_it_is(
    policies: PolicySet, crm: FakeCrm
) -> None:
    assert await detect(policies, SALESFORCE, crm) == {
        ("case-fields", "Case"): (),
        ("task-fields", "Task"): (),
    }
    crm.drift()

    found = await detect(policies, SALESFORCE, crm)

    assert found[("case-fields", "Case")] == (
        Drift("Case", "Region__c", DriftKind.REQUIRED_ADDED, "new in the CRM"),
        Drift("Case", "Status", DriftKind.PICKLIST_VALUE_REMOVED, "'Working'"),
    )
    assert found[("task-fields", "Task")] == (
        Drift("Task", "CallType", DriftKind.PICKLIST_VALUE_ADDED, "'Internal'"),
    )
    assert list(standing(found).values()) == [("case-fields",)] * 2 + [("task-fields",)]
    assert list(await detect(policies, SALESFORCE, crm, ["task"])) == [("task-fields", "Task")]
    assert crm.calls[-1] == ["Task"]
    other_crm = cast(Dialect, SimpleNamespace(name="another-crm"))
    assert await detect(policies, other_crm, crm) == {}


async def test_a_write_that_meets_drift_gets_its_policys_on_drift(
    policies: PolicySet, crm: FakeCrm
) -> None:
    drift, _ = watcher(policies, crm)
    pipeline = Pipeline(lambda: policies, drift=drift.violations)

    def judge(obj: str, operation: Operation, **fields: Any) -> Any:
        record = None if operation is Operation.CREATE else ACME_CASE_ID
        intent = WriteIntent("salesforce", obj, operation, fields, record_id=record)
        return pipeline.evaluate("salesforce", [intent], Caller())

    crm.drift()
    assert judge("Case", Operation.UPDATE, Status="Working").verdict is Verdict.ALLOW  # not seen
    await drift.check()

    blocked = judge("Case", Operation.UPDATE, status="Working")
    assert blocked.verdict is Verdict.BLOCK
    [violation] = blocked.violations
    assert blocked.rules == ("case-fields/SchemaDrift",)
    assert (violation.fields, violation.code) == (("Status",), "GUARDRAIL_SCHEMA_DRIFT")
    assert violation.message == (
        "Case.Status has changed in the CRM since policy case-fields was written "
        "(picklist_value_removed ('Working')), so crm-guardrail cannot tell whether this value "
        "is valid. Leave Status out of the write, or ask the guardrail administrator to bring "
        "the policy's schema up to date."
    )
    assert judge("Case", Operation.UPDATE, Subject="Still fine").verdict is Verdict.ALLOW
    created = judge("Case", Operation.CREATE, Subject="New case")
    assert created.verdict is Verdict.BLOCK
    assert created.violations[0].message.startswith(
        "The CRM now requires Case.Region__c when creating a Case (required_added (new in the "
        "CRM)), and policy case-fields does not know it yet. Ask the guardrail administrator"
    )
    # Flagged: through, with a warning the decision (and so the audit log) carries.
    flagged = judge("Task", Operation.UPDATE, CallType="Inbound", Subject="Call")
    assert flagged.verdict is Verdict.ALLOW
    [warning] = flagged.violations
    assert (warning.rule, warning.action, warning.policy) == (
        "SchemaDrift",
        Action.WARN,
        "task-fields",
    )
    assert warning.message.endswith("The write was let through and flagged for review.")
    assert judge("Task", Operation.DELETE).violations == ()


async def test_the_metric_logs_and_report_follow_drift_as_it_comes_and_goes(
    policies: PolicySet, crm: FakeCrm
) -> None:
    drift, metrics = watcher(policies, crm)
    await drift.check()
    assert drift.report()["drift"] == []
    assert checks(metrics, "success") == 1

    crm.drift()
    with capture_logs() as logs:
        result = await drift.check()

    assert result.ok
    assert gauge(metrics, "Case", "Status", "picklist_value_removed") == 1
    assert gauge(metrics, "Case", "Region__c", "required_added") == 1
    assert [(e["event"], e["field"], e["kind"]) for e in logs] == [
        ("schema_drift", "Region__c", "required_added"),
        ("schema_drift", "Status", "picklist_value_removed"),
        ("schema_drift", "CallType", "picklist_value_added"),
    ]
    report = drift.report()
    assert report["enabled"] is True
    assert report["last_check"]["result"] == "success"
    assert report["last_check"]["objects"] == ["Case", "Task"]
    assert [(d["object"], d["field"], d["kind"], d["detail"], d["policies"]) for d in report["drift"]] == [
        ("Case", "Region__c", "required_added", "new in the CRM", ["case-fields"]),
        ("Case", "Status", "picklist_value_removed", "'Working'", ["case-fields"]),
        ("Task", "CallType", "picklist_value_added", "'Internal'", ["task-fields"]),
    ]  # fmt: skip
    since = report["drift"][0]["since"]

    with capture_logs() as logs:
        await drift.check()  # nothing new: nothing logged, nothing moved
    assert logs == []
    assert drift.report()["drift"][0]["since"] == since

    crm.undo()
    with capture_logs() as logs:
        await drift.check()
    assert [(e["event"], e["field"]) for e in logs] == [
        ("schema_drift_resolved", "Region__c"),
        ("schema_drift_resolved", "Status"),
        ("schema_drift_resolved", "CallType"),
    ]
    assert gauge(metrics, "Case", "Status", "picklist_value_removed") is None
    assert b"guardrail_schema_drift{" not in metrics.exposition()
    assert drift.report()["drift"] == []
    assert checks(metrics, "success") == 4


async def test_a_failed_check_is_reported_and_the_last_known_drift_stands(
    policies: PolicySet, crm: FakeCrm
) -> None:
    drift, metrics = watcher(policies, crm)
    crm.drift()
    await drift.check()
    crm.down = True

    with capture_logs() as logs:
        result = await drift.check()

    assert not result.ok
    assert result.error == "ConnectError: connection refused"
    assert logs[0]["event"] == "drift_check_failed"
    report = drift.report()
    assert report["last_check"]["result"] == "failure"
    assert report["last_check"]["error"] == "ConnectError: connection refused"
    assert report["last_success"] is not None
    assert len(report["drift"]) == 3
    assert gauge(metrics, "Case", "Status", "picklist_value_removed") == 1
    assert checks(metrics, "failure") == 1


def test_without_a_credential_or_an_interval_the_watcher_is_off(policies: PolicySet) -> None:
    metrics = Metrics("salesforce", lambda o: o)
    base = Settings(upstream="http://crm.example")
    off = from_settings(base, SALESFORCE, lambda: policies, metrics, None)
    assert not off.enabled
    assert off.off_reason is not None
    assert "credential.access_token, or credential.client_id" in off.off_reason
    assert off.report()["enabled"] is False
    assert off.report()["last_check"] is None

    stopped = from_settings(
        Settings(upstream="http://crm.example", credential={"access_token": "t"},
                 drift={"interval_seconds": 0}),
        SALESFORCE, lambda: policies, metrics, None,
    )  # fmt: skip
    assert not stopped.enabled
    assert stopped.off_reason == "schema drift checks are off (drift.interval_seconds is 0)"
    on = from_settings(
        Settings(upstream="http://crm.example", credential={"access_token": "t"}),
        SALESFORCE, lambda: policies, metrics, None,
    )  # fmt: skip
    assert on.enabled
    assert on.interval == 300


async def test_an_oauth_credential_is_fetched_and_refreshed_when_the_crm_ends_it(
    policies: PolicySet,
) -> None:
    """Client credentials against the sandbox's token endpoint; a session the CRM ends early
    is refused once (401), fetched anew, and the same check succeeds."""
    sandbox = TestServer(create_app())
    await sandbox.start_server()
    settings = Settings(
        upstream=str(sandbox.make_url("")).rstrip("/"),
        credential={"client_id": "sandbox-client", "client_secret": "sandbox-secret"},
    )
    drift = from_settings(settings, SALESFORCE, lambda: policies, Metrics("sf", str), None)
    client = TestClient(sandbox)
    try:
        async with drift.running():
            await until(lambda: drift.report()["last_check"] is not None)
            assert drift.report()["last_check"]["result"] == "success"
            await client.post("/_sandbox/oauth/expire")

            assert (await drift.check()).ok
            assert (await (await client.get("/_sandbox/oauth")).json())["issued"] == 2
    finally:
        await sandbox.close()


def test_on_drift_is_about_a_schema(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        "apiVersion: guardrail/v1\nkind: GuardrailPolicy\nmetadata: {name: rules}\n"
        "spec:\n  match: {objects: [Case]}\n  onDrift: block\n"
    )
    with pytest.raises(PolicyError, match="onDrift is about the policy's schema"):
        load_policy_set(tmp_path)


async def test_each_drift_is_one_alert_until_it_is_resolved(
    policies: PolicySet, crm: FakeCrm
) -> None:
    receiver = Receiver()
    server = await serve(receiver)
    metrics = Metrics("salesforce", lambda o: o)
    alerter = Alerter([alertmanager(str(server.make_url("")))], metrics, dedupe_seconds=60)
    alerter.start()
    drift, _ = watcher(policies, crm, alerter, interval=10)
    try:
        crm.drift()
        await drift.check()
        await drift.check()  # still standing: deduplicated
        await alerter.close()
        firing = [a for [a] in receiver.bodies]
        assert sorted(a["labels"]["field"] for a in firing) == ["CallType", "Region__c", "Status"]
        status = next(a for a in firing if a["labels"]["field"] == "Status")
        assert status["labels"] == {
            "alertname": "GuardrailSchemaDrift",
            "severity": "warning",
            "crm": "salesforce",
            "object": "Case",
            "field": "Status",
            "kind": "picklist_value_removed",
        }
        assert "case-fields" in status["annotations"]["description"]
        ends = datetime.fromisoformat(status["endsAt"])
        assert (ends - datetime.now(UTC)).total_seconds() > 60  # outlasts the window and a check

        receiver.bodies.clear()
        alerter.start()
        crm.undo()
        await drift.check()
        await alerter.close()
        resolved = [a for [a] in receiver.bodies]
        assert len(resolved) == 3
        assert all(datetime.fromisoformat(a["endsAt"]) <= datetime.now(UTC) for a in resolved)
    finally:
        await alerter.close()
        await server.close()


async def test_the_watcher_sees_a_live_sandbox_change_within_one_interval() -> None:
    """The real describe, over HTTP, with the proxy's credential; checks every 0.2 s."""
    sandbox = TestServer(create_app())
    await sandbox.start_server()
    url = str(sandbox.make_url("")).rstrip("/")
    live = load_policy_set(SHIPPED_PACK)  # its schemas are what the sandbox describes
    drift, metrics = watcher(
        live, Describe(SALESFORCE, url, StaticCredential("sandbox-token")), interval=0.2
    )
    try:
        async with drift.running():
            await until(lambda: drift.report()["last_check"] is not None)
            assert drift.report()["drift"] == []
            client = httpx.AsyncClient(base_url=url)
            await client.patch(
                "/_sandbox/schema/Case/fields/Status",
                json={"picklistValues": ["New", "Escalated", "Closed"]},
            )
            await client.post(
                "/_sandbox/schema/Case/fields", json={"name": "Region__c", "required": True}
            )
            changed = time.monotonic()
            await until(lambda: len(drift.report()["drift"]) == 2)
            assert time.monotonic() - changed < 0.2 + 0.5  # one interval, and the check itself
            assert {(d["field"], d["kind"]) for d in drift.report()["drift"]} == {
                ("Region__c", "required_added"),
                ("Status", "picklist_value_removed"),
            }
            assert gauge(metrics, "Case", "Region__c", "required_added") == 1

            await client.post("/_sandbox/reset")
            await until(lambda: drift.report()["drift"] == [])
            await client.aclose()
    finally:
        await sandbox.close()


async def until(condition: Any, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.02)


def test_schema_diff_checks_what_it_is_asked_before_reading_the_describe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pack(tmp_path / "policies")
    diff = [
        "schema",
        "diff",
        "--url",
        "http://127.0.0.1:1",
        "--policies",
        str(tmp_path / "policies"),
    ]
    monkeypatch.delenv("GUARDRAIL_CRM_TOKEN", raising=False)
    assert main(diff) == 2
    assert "set GUARDRAIL_CRM_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("GUARDRAIL_CRM_TOKEN", "t")
    assert main([*diff, "--objects", "Case,Lead,Refund__c"]) == 2
    assert "no policy's schema covers Lead, Refund__c" in capsys.readouterr().err
    assert main([*diff, "--objects", "case"]) == 2  # nothing listens on port 1
    assert "describe failed" in capsys.readouterr().err


async def test_schema_diff_narrowed_to_some_objects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = TestServer(create_app())
    await sandbox.start_server()
    monkeypatch.setenv("GUARDRAIL_CRM_TOKEN", "sandbox-token")
    url = str(sandbox.make_url("")).rstrip("/")
    try:
        await TestClient(sandbox).post(  # Case drifts; Task does not
            "/_sandbox/schema/Case/fields", json={"name": "Region__c", "required": True}
        )
        diff = ["schema", "diff", "--url", url, "--policies", str(SHIPPED_PACK)]
        code = await asyncio.to_thread(main, [*diff, "--objects", "task,Contact"])
        assert (code, capsys.readouterr().out) == (
            0,
            "no drift: the policies' schemas match the CRM's describe (2 objects)\n",
        )
        code = await asyncio.to_thread(main, [*diff, "--objects", "Case"])
        assert (code, capsys.readouterr().out.splitlines()) == (
            1,
            [
                "Case.Region__c: required_added (new in the CRM)  [case-fields]",
                "1 differences between the policies' schemas and the CRM's describe",
            ],
        )
    finally:
        await sandbox.close()
