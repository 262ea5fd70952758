"""Must show (issue 9): with the proxy running, a picklist value removed and a required field
added in the sandbox are reported within one check interval, in the metric, the admin API and
``guardrail schema diff``; a write that meets the drift is blocked or flagged as its policy
says; and once the sandbox is back, the drift is resolved."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests

from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID
from guardrail.testing import SANDBOX_TOKEN, Stack
from tests.helpers import parameters_pack

BASE = "/services/data/v59.0"
INTERVAL = 0.3


def drift_pack(directory: Path) -> Path:
    """The shipped pack's schemas; case-fields blocks writes that meet drift, the rest flag."""
    pack = parameters_pack(directory)
    parameters = pack / "parameters.yaml"
    text = parameters.read_text()
    case = "  schemaFile: schemas/Case.json\n"
    assert case in text
    parameters.write_text(text.replace(case, case + "  onDrift: block\n"))
    return pack


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("drift")
    with Stack(
        directory,
        auth_mode="passthrough",
        policies=drift_pack(directory / "policies"),
        credential={"access_token": SANDBOX_TOKEN},
        drift={"interval_seconds": INTERVAL},
    ) as running:
        yield running


def drift(stack: Stack) -> dict[str, Any]:
    answer = httpx.get(f"{stack.admin_url}/guardrail/v1/drift")
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


def wait_for(what: str, check: Any, seconds: float = 10.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def write(stack: Stack, method: str, path: str, body: Any) -> requests.Response:
    session = requests.Session()
    session.trust_env = False
    session.verify = str(stack.tls.ca_pem)
    headers = {"Authorization": f"Bearer {SANDBOX_TOKEN}", "X-Guardrail-Conversation": "c-drift"}
    return session.request(method, f"{stack.proxy_url}{BASE}{path}", json=body, headers=headers)


def schema_diff(stack: Stack) -> subprocess.CompletedProcess[str]:
    """``guardrail schema diff`` against the sandbox, as an operator runs it."""
    pack = str(stack.guardrail.policies.root)
    return subprocess.run(
        [sys.executable, "-m", "guardrail", "schema", "diff", "--url", stack.sandbox_url,
         "--policies", pack],
        env={**os.environ, "GUARDRAIL_CRM_TOKEN": SANDBOX_TOKEN},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )  # fmt: skip


def test_drift_in_a_live_crm_is_reported_and_met_by_writes(stack: Stack) -> None:
    first = wait_for("the first check", lambda: drift(stack)["last_check"])
    assert first["result"] == "success"
    assert first["objects"] == ["Account", "Contact", "Case", "CaseComment", "Task", "Refund__c"]
    assert drift(stack)["drift"] == []
    sandbox = httpx.Client(base_url=stack.sandbox_url)

    sandbox.patch(
        "/_sandbox/schema/Case/fields/Status",
        json={"picklistValues": ["New", "Escalated", "Closed"]},
    ).raise_for_status()
    sandbox.post(
        "/_sandbox/schema/Case/fields", json={"name": "Region__c", "length": 40, "required": True}
    ).raise_for_status()
    sandbox.patch(
        "/_sandbox/schema/Account/fields/Status__c", json={"picklistValues": ["Active", "Closed"]}
    ).raise_for_status()
    changed = time.monotonic()

    # Within one check interval (plus the check itself): the admin API...
    # (A check may run between the three changes: wait for the one that saw them all.)
    report = wait_for("the drift", lambda: len((r := drift(stack))["drift"]) == 3 and r, seconds=5)
    assert time.monotonic() - changed < INTERVAL + 1.0
    assert [(d["object"], d["field"], d["kind"], d["detail"], d["policies"]) for d in report["drift"]] == [
        ("Account", "Status__c", "picklist_value_removed", "'Suspended'", ["account-fields"]),
        ("Case", "Region__c", "required_added", "new in the CRM", ["case-fields"]),
        ("Case", "Status", "picklist_value_removed", "'Working'", ["case-fields"]),
    ]  # fmt: skip
    # ... the metric ...
    metrics = httpx.get(f"{stack.admin_url}/metrics").text
    for series in (
        'guardrail_schema_drift{field="Status",kind="picklist_value_removed",object="Case"} 1.0',
        'guardrail_schema_drift{field="Region__c",kind="required_added",object="Case"} 1.0',
        'guardrail_schema_drift{field="Status__c",kind="picklist_value_removed",object="Account"} 1.0',
    ):  # fmt: skip
        assert series in metrics
    # ... and guardrail schema diff, on demand.
    diff = schema_diff(stack)
    assert (diff.returncode, diff.stderr) == (1, "")
    assert diff.stdout.splitlines() == [
        "Account.Status__c: picklist_value_removed ('Suspended')  [account-fields]",
        "Case.Region__c: required_added (new in the CRM)  [case-fields]",
        "Case.Status: picklist_value_removed ('Working')  [case-fields]",
        "3 differences between the policies' schemas and the CRM's describe",
    ]

    # case-fields blocks: the agent is told which drift, and nothing reaches the CRM.
    cases = stack.store.count("Case")
    refused = write(stack, "PATCH", f"/sobjects/Case/{ACME_CASE_ID}", {"Status": "Working"})
    assert refused.status_code == 400
    assert refused.headers["X-Guardrail-Decision"] == "block"
    [error] = refused.json()
    assert error["errorCode"] == "GUARDRAIL_SCHEMA_DRIFT"
    assert error["fields"] == ["Status"]
    assert "picklist_value_removed ('Working')" in error["message"]
    created = write(stack, "POST", "/sobjects/Case", {"Subject": "Printer on fire"})
    assert created.status_code == 400
    assert created.json()[0]["errorCode"] == "GUARDRAIL_SCHEMA_DRIFT"
    assert "now requires Case.Region__c" in created.json()[0]["message"]
    assert stack.store.count("Case") == cases
    assert stack.store.get("Case", ACME_CASE_ID)["Status"] == "New"  # type: ignore[index]
    # A Case write that meets no drift goes through.
    fine = write(stack, "PATCH", f"/sobjects/Case/{ACME_CASE_ID}", {"Subject": "Still fine"})
    assert (fine.status_code, fine.headers["X-Guardrail-Decision"]) == (204, "allow")

    # account-fields flags: the write goes through, and its audited decision says why.
    flagged = write(stack, "PATCH", f"/sobjects/Account/{ACME_ACCOUNT_ID}", {"Status__c": "Closed"})
    assert (flagged.status_code, flagged.headers["X-Guardrail-Decision"]) == (204, "allow")
    assert stack.store.get("Account", ACME_ACCOUNT_ID)["Status__c"] == "Closed"  # type: ignore[index]
    record = httpx.get(
        f"{stack.admin_url}/guardrail/v1/decisions/{flagged.headers['X-Guardrail-Decision-Id']}"
    ).json()
    [warning] = record["violations"]
    assert (warning["policy"], warning["rule"], warning["action"]) == (
        "account-fields",
        "SchemaDrift",
        "warn",
    )

    # Back to the original model: resolved at the next check, the series gone.
    sandbox.post("/_sandbox/reset").raise_for_status()
    wait_for("the resolution", lambda: drift(stack)["drift"] == [], seconds=5)
    assert "guardrail_schema_drift{" not in httpx.get(f"{stack.admin_url}/metrics").text
    assert write(stack, "PATCH", f"/sobjects/Case/{ACME_CASE_ID}", {"Status": "Working"}).ok
    sandbox.close()


def test_a_check_can_be_asked_for_and_the_policies_list_says_on_drift(stack: Stack) -> None:
    answer = httpx.post(f"{stack.admin_url}/guardrail/v1/drift/check")

    assert answer.status_code == 200
    assert answer.json()["last_check"]["result"] == "success"
    policies = httpx.get(f"{stack.admin_url}/guardrail/v1/policies").json()["policies"]
    on_drift = {p["name"]: p["onDrift"] for p in policies}
    assert on_drift["case-fields"] == "block"
    assert on_drift["account-fields"] == "flag"
