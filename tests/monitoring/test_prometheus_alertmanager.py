"""A real Prometheus scrapes the proxy and evaluates monitoring/alerts.yaml; a real Alertmanager
receives that rule's alert and the proxy's own push; a local webhook gets one message."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import yaml
from aiohttp import web

from guardrail.testing import SANDBOX_TOKEN, LoopThread, Stack, start_app
from tests.helpers import free_port, parameters_pack

MONITORING = Path(__file__).resolve().parents[2] / "monitoring"


def binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing; .ci/run installs it from Debian's packages")
        pytest.skip(f"{name} not installed")
    return found


def wait_for(what: str, check: Any, seconds: float = 30.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class Webhook:
    """A local receiver for the proxy's alert webhook."""

    def __init__(self) -> None:
        self.bodies: list[Any] = []
        self.thread = LoopThread()

        async def receive(request: web.Request) -> web.Response:
            self.bodies.append(await request.json())
            return web.Response()

        app = web.Application()
        app.router.add_post("/hook", receive)
        self.runner, self.url = self.thread.call(start_app(app))

    def close(self) -> None:
        self.thread.call(self.runner.cleanup())
        self.thread.close()


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        proc.terminate()
        proc.wait(10)


def start_alertmanager(processes: list[subprocess.Popen[bytes]], tmp_path: Path, port: int) -> None:
    """A real Alertmanager on ``port`` that keeps what it receives (groups within a second)."""
    alertmanager = binary("prometheus-alertmanager")
    (tmp_path / "am.yml").write_text(yaml.safe_dump({
        "route": {"receiver": "null", "group_wait": "1s", "group_interval": "1s"},
        "receivers": [{"name": "null"}],
    }))  # fmt: skip
    processes.append(subprocess.Popen(
        [alertmanager, f"--config.file={tmp_path / 'am.yml'}",
         f"--storage.path={tmp_path / 'am-data'}", f"--web.listen-address=127.0.0.1:{port}",
         "--cluster.listen-address="],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    ))  # fmt: skip


def start_prometheus(
    processes: list[subprocess.Popen[bytes]],
    tmp_path: Path,
    port: int,
    am_port: int,
    admin_url: str,
) -> None:
    """A real Prometheus on ``port`` scraping the proxy's admin listener every second and
    evaluating monitoring/alerts.yaml, alerting the Alertmanager on ``am_port``."""
    prometheus = binary("prometheus")
    admin = admin_url.removeprefix("http://")
    (tmp_path / "prom.yml").write_text(yaml.safe_dump({
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(MONITORING / "alerts.yaml")],
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": [f"127.0.0.1:{am_port}"]}]}]},
        "scrape_configs": [{"job_name": "guardrail", "static_configs": [{"targets": [admin]}]}],
    }))  # fmt: skip
    processes.append(subprocess.Popen(
        [prometheus, f"--config.file={tmp_path / 'prom.yml'}",
         f"--storage.tsdb.path={tmp_path / 'prom-data'}", f"--web.listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    ))  # fmt: skip


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
