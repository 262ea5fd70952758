"""Schema drift reaches a real Alertmanager twice over: the proxy's own push, and the
GuardrailSchemaDrift rule a real Prometheus evaluates on the scraped metric."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import httpx

from guardrail.testing import SANDBOX_TOKEN, Stack
from tests.helpers import free_port, parameters_pack
from tests.monitoring.helpers import (
    Webhook,
    binary,
    start_alertmanager,
    start_prometheus,
    wait_for,
)


def test_drift_alerts_reach_alertmanager_pushed_and_from_the_rule(
    tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    binary("prometheus")  # both are needed before anything starts
    binary("prometheus-alertmanager")
    am_port, prom_port = free_port(), free_port()
    am_url = f"http://127.0.0.1:{am_port}"
    hook = Webhook()
    try:
        start_alertmanager(processes, tmp_path, am_port)
        with Stack(
            tmp_path / "stack",
            auth_mode="passthrough",
            policies=parameters_pack(tmp_path / "policies"),
            credential={"access_token": SANDBOX_TOKEN},
            drift={"interval_seconds": 0.5},
            alerts={"alertmanager_url": am_url, "webhook_url": f"{hook.url}/hook"},
        ) as stack:
            start_prometheus(processes, tmp_path, prom_port, am_port, stack.admin_url)

            httpx.patch(
                f"{stack.sandbox_url}/_sandbox/schema/Case/fields/Status",
                json={"picklistValues": ["New", "Escalated", "Closed"]},
            ).raise_for_status()

            def drift_alerts() -> list[Any]:
                try:
                    found = httpx.get(
                        f"{am_url}/api/v2/alerts",
                        params={"filter": 'alertname="GuardrailSchemaDrift"'},
                    )
                    alerts = list(found.json())
                except (httpx.TransportError, ValueError):  # not up yet, or still starting
                    return []
                return alerts if len(alerts) == 2 else []

            alerts = wait_for("both drift alerts", drift_alerts, seconds=60)
            pushed = next(a for a in alerts if "crm" in a["labels"])
            ruled = next(a for a in alerts if "crm" not in a["labels"])
            expected = {"object": "Case", "field": "Status", "kind": "picklist_value_removed"}
            assert pushed["labels"] == {
                "alertname": "GuardrailSchemaDrift",
                "severity": "warning",
                "crm": "salesforce",
                **expected,
            }
            assert "case-fields" in pushed["annotations"]["description"]
            assert ruled["labels"] == {
                "alertname": "GuardrailSchemaDrift",
                "severity": "warning",
                **expected,
            }
            assert ruled["annotations"]["summary"] == pushed["annotations"]["summary"]
            [event] = wait_for("the webhook", lambda: hook.bodies)
            assert event["event"] == "guardrail.schema_drift"
            assert (event["status"], event["field"], event["detail"]) == (
                "firing",
                "Status",
                "'Working'",
            )
    finally:
        hook.close()
