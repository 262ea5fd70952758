"""The admin listener: health, readiness, metrics (linted by promtool), policy reload, auth."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from guardrail.app import build, running
from guardrail.config import Settings
from tests.helpers import write_case_pack

CASE = "/services/data/v59.0/sobjects/Case"


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in a Prometheus exposition (fails when absent)."""
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and s.labels == labels:
                return float(s.value)
    raise AssertionError(f"no sample {name}{labels}")


@pytest.fixture
def guardrail(case_pack: Path) -> Any:
    return build(
        Settings(
            upstream="http://127.0.0.1:9",
            policies=case_pack,
            listen="127.0.0.1:0",
            admin_listen="127.0.0.1:0",
            api_tokens=["s3cret-admin-token"],
            auth_mode="passthrough",
        )
    )


async def test_health_and_readiness_follow_the_listeners(
    guardrail: Any, aiohttp_client: Any
) -> None:
    admin = await aiohttp_client(guardrail.admin_app())
    assert (await admin.get("/healthz")).status == 200
    unready = await admin.get("/readyz")
    assert unready.status == 503
    async with running(guardrail):
        ready = await admin.get("/readyz")
        assert ready.status == 200
        assert (await ready.json())["policy_version"] == guardrail.policies.current.version
    assert (await admin.get("/readyz")).status == 503


async def test_metrics_count_decisions_and_pass_promtool(
    guardrail: Any, aiohttp_client: Any, tmp_path: Path
) -> None:
    proxy = await aiohttp_client(guardrail.proxy_app())
    admin = await aiohttp_client(guardrail.admin_app())
    await proxy.post(CASE, json={"Subject": "x", "Status": "Open"})  # blocked
    await proxy.post(CASE, json={"Subject": "x"})  # allowed, CRM down: 503
    await proxy.post("/services/data/v59.0/sobjects/Made_Up__c", json={"A": 1})  # no policy
    response = await admin.get("/metrics")
    assert response.status == 200
    text = await response.text()

    def value(name: str, **labels: str) -> float:
        return sample(text, name, **labels)

    case = {"dialect": "salesforce", "object": "Case", "operation": "create"}
    assert value("guardrail_requests_total", **case, decision="block") == 1
    assert value("guardrail_requests_total", **case, decision="allow") == 1
    other = {**case, "object": "other"}
    assert value("guardrail_requests_total", **other, decision="block") == 1
    assert value("guardrail_upstream_errors_total", dialect="salesforce", kind="unavailable") == 1
    enum = {"policy": "case-fields", "rule": "ParameterValidation.enum"}
    assert value("guardrail_violations_total", **enum, action="block", mode="enforce") == 1
    version = guardrail.policies.current.version
    assert value("guardrail_policy_set_info", version=version) == 1
    assert "Made_Up__c" not in text  # object labels stay bounded

    promtool = shutil.which("promtool")
    if promtool is None:
        if os.environ.get("CI"):
            pytest.fail("promtool is missing; .ci/run installs Debian's prometheus package")
        pytest.skip("promtool not installed")
    result = await asyncio.to_thread(
        subprocess.run, [promtool, "check", "metrics"], input=text.encode(), capture_output=True
    )
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()


async def test_policy_reload_is_atomic_over_the_api(
    guardrail: Any, aiohttp_client: Any, case_pack: Path
) -> None:
    admin = await aiohttp_client(guardrail.admin_app())
    auth = {"Authorization": "Bearer s3cret-admin-token"}
    before = guardrail.policies.current.version
    (case_pack / "case.yaml").write_text("apiVersion: guardrail/v1\nkind: [")
    bad = await admin.post("/guardrail/v1/policies/reload", headers=auth)
    assert bad.status == 422
    body = await bad.json()
    assert body["kept"] == before
    assert "case.yaml" in body["message"]
    assert guardrail.policies.current.version == before

    write_case_pack(case_pack, mode="shadow")
    good = await admin.post("/guardrail/v1/policies/reload", headers=auth)
    assert good.status == 200
    listed = await (await admin.get("/guardrail/v1/policies", headers=auth)).json()
    assert listed["version"] == (await good.json())["version"] != before
    assert listed["policies"][0]["mode"] == "shadow"
    metrics = await (await admin.get("/metrics")).text()
    assert sample(metrics, "guardrail_policy_reloads_total", result="failure") == 1
    assert sample(metrics, "guardrail_policy_reloads_total", result="success") == 1
    assert f'guardrail_policy_set_info{{version="{before}"}}' not in metrics


async def test_admin_api_requires_a_configured_token(guardrail: Any, aiohttp_client: Any) -> None:
    admin = await aiohttp_client(guardrail.admin_app())
    assert (await admin.get("/guardrail/v1/policies")).status == 401
    wrong = await admin.get("/guardrail/v1/policies", headers={"Authorization": "Bearer nope"})
    assert wrong.status == 401
    right = {"Authorization": "Bearer s3cret-admin-token"}
    assert (await admin.get("/guardrail/v1/policies", headers=right)).status == 200
    assert (await admin.get("/metrics")).status == 200  # scrapes stay open


async def test_policy_files_are_watched_and_reloaded_atomically(
    case_pack: Path, aiohttp_client: Any
) -> None:
    watched = build(
        Settings(
            upstream="http://127.0.0.1:9",
            policies=case_pack,
            policy_watch_seconds=0.05,
            auth_mode="passthrough",
        )
    )
    admin = await aiohttp_client(watched.admin_app())
    first = watched.policies.current.version

    async def version_after_change() -> str:
        for _ in range(100):
            await asyncio.sleep(0.05)
            if watched.policies.current.version != first:
                break
        return str(watched.policies.current.version)

    (case_pack / "case.yaml").write_text("kind: [broken")
    await asyncio.sleep(0.3)
    assert watched.policies.current.version == first  # refused: the last good set stays
    write_case_pack(case_pack, mode="shadow")
    assert await version_after_change() != first
    metrics = await (await admin.get("/metrics")).text()
    assert sample(metrics, "guardrail_policy_reloads_total", result="failure") == 1
    assert sample(metrics, "guardrail_policy_reloads_total", result="success") == 1
