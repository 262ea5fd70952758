"""Helpers for the monitoring tests: real Prometheus and Alertmanager processes, a webhook."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import web

from guardrail.testing import LoopThread, start_app

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
