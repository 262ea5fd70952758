"""A real Prometheus scrapes the proxy and evaluates monitoring/alerts.yaml; a real Alertmanager
receives that rule's alert and the proxy's own push; a local webhook gets one message."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import httpx
import requests

from guardrail.testing import SANDBOX_TOKEN, Stack
from tests.helpers import free_port, parameters_pack
from tests.monitoring.helpers import (
    Webhook,
    start_alertmanager,
    start_prometheus,
    wait_for,
)


def test_prometheus_rule_and_direct_push_reach_alertmanager(
    tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    am_port, prom_port = free_port(), free_port()
    am_url = f"http://127.0.0.1:{am_port}"
    hook = Webhook()
    try:
        alerts = {
            "alertmanager_url": am_url,
            "webhook_url": f"{hook.url}/hook",
            "dedupe_seconds": 60,
        }
        pack = parameters_pack(tmp_path / "policies")
        with Stack(
            tmp_path / "stack", auth_mode="passthrough", policies=pack, alerts=alerts
        ) as stack:
            start_alertmanager(processes, tmp_path, am_port)
            start_prometheus(processes, tmp_path, prom_port, am_port, stack.admin_url)
            prom = f"http://127.0.0.1:{prom_port}"

            def scraped() -> bool:
                try:
                    answer = httpx.get(f"{prom}/api/v1/query", params={"query": "up"}).json()
                except (httpx.TransportError, ValueError):  # not up yet, or still starting
                    return False
                return any(r["value"][1] == "1" for r in answer["data"]["result"])

            wait_for("the first scrape", scraped)

            session = requests.Session()
            session.trust_env = False
            session.verify = str(stack.tls.ca_pem)
            headers = {
                "Authorization": f"Bearer {SANDBOX_TOKEN}",
                "X-Guardrail-Conversation": "c-burst",
            }
            for _ in range(6):  # the same bad write, retried by a stuck agent
                response = session.post(
                    f"{stack.proxy_url}/services/data/v59.0/sobjects/Case",
                    json={"Subject": "x", "Status": "Open"},
                    headers=headers,
                )
                assert response.status_code == 400

            def alert(name: str) -> list[Any]:
                try:
                    found = httpx.get(
                        f"{am_url}/api/v2/alerts", params={"filter": f'alertname="{name}"'}
                    )
                    return list(found.json())
                except (httpx.TransportError, ValueError):  # not up yet, or still starting
                    return []

            [burst] = wait_for("the burst rule's alert", lambda: alert("GuardrailBlockBurst"))
            assert burst["labels"]["object"] == "Case"
            [pushed] = wait_for("the proxy's own alert", lambda: alert("GuardrailWriteBlocked"))
            assert pushed["labels"]["rule"] == "ParameterValidation.enum"
            assert pushed["labels"]["conversation"] == "c-burst"
            wait_for("the webhook", lambda: hook.bodies)
        assert len(hook.bodies) == 1  # six blocked writes, one rule, one conversation: one message
        assert hook.bodies[0]["rule"] == "ParameterValidation.enum"
    finally:
        hook.close()
