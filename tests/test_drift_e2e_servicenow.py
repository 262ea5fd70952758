"""Drift on ServiceNow, with the proxy running: a choice removed from a case's category list on
the instance (sys_choice) is reported within one check interval by the admin API, and a write
that meets it is refused with ServiceNow's error, so pysnc raises; once the list is back, the
drift is resolved. Same watcher, same policies, as for Salesforce."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pysnc.exceptions import RequestException

from guardrail.config import AuthMode
from guardrail.sandbox.servicenow import INSTANCE, InstanceStore, create_app
from guardrail.sandbox.servicenow.seed import ACME_CASE_ID
from guardrail.sandbox.servicenow.tables import CASE_CATEGORY
from guardrail.testing import Stack

PACK = Path(__file__).resolve().parent.parent / "policies" / "servicenow-contact-center"
INTERVAL = 0.3
CASE_SCHEMA = "  schemaFile: schemas/sn_customerservice_case.json\n"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("servicenow-drift")
    policies = directory / "policies"
    (policies / "schemas").mkdir(parents=True)
    for schema in (PACK / "schemas").glob("*.json"):
        (policies / "schemas" / schema.name).write_text(schema.read_text())
    text = (PACK / "parameters.yaml").read_text()
    assert CASE_SCHEMA in text
    (policies / "parameters.yaml").write_text(
        text.replace(CASE_SCHEMA, CASE_SCHEMA + "  onDrift: block\n")
    )
    with Stack(
        directory, auth_mode=AuthMode.PASSTHROUGH, crm=create_app, dialect="servicenow",
        policies=policies, credential={"access_token": "sandbox-token"},
        drift={"interval_seconds": INTERVAL},
    ) as running:  # fmt: skip
        yield running


def drift(stack: Stack) -> dict[str, Any]:
    answer = httpx.get(f"{stack.admin_url}/guardrail/v1/drift", timeout=10)
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


def update(stack: Stack, **fields: str) -> Any:
    case = stack.servicenow(conversation="c-drift").GlideRecord("sn_customerservice_case")
    assert case.get(ACME_CASE_ID)
    for name, value in fields.items():
        setattr(case, name, value)
    return case.update()


def test_a_choice_removed_on_the_instance_is_reported_and_met_by_writes(stack: Stack) -> None:
    first = wait_for("the first check", lambda: drift(stack)["last_check"])
    assert first["result"] == "success"
    assert drift(stack)["drift"] == []
    sandbox = httpx.Client(base_url=stack.sandbox_url)
    left = {k: v for k, v in CASE_CATEGORY.items() if k != "complaint"}
    sandbox.put("/_sandbox/choices/sn_customerservice_case/category", json=left).raise_for_status()

    report = wait_for("the drift", lambda: (r := drift(stack))["drift"] and r, seconds=5)
    assert [(d["object"], d["field"], d["kind"], d["detail"]) for d in report["drift"]] == [
        ("sn_customerservice_case", "category", "picklist_value_removed", "'complaint'")
    ]
    store: InstanceStore = stack.crm_app[INSTANCE]
    with pytest.raises(RequestException) as refused:
        update(stack, category="complaint")
    assert "picklist_value_removed ('complaint')" in refused.value.args[0]["error"]["message"]
    assert store.get("sn_customerservice_case", ACME_CASE_ID)["category"] == "billing"  # type: ignore[index]
    assert update(stack, priority="2")  # a write that meets no drift goes through

    sandbox.post("/_sandbox/reset").raise_for_status()
    wait_for("the resolution", lambda: drift(stack)["drift"] == [], seconds=5)
    assert update(stack, category="complaint")
    sandbox.close()
