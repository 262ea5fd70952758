"""Policies replaced while writes keep flowing: no write fails for it, the version switches at
one point, and a broken set is refused while the last good one keeps serving."""

from __future__ import annotations

import asyncio
import ssl
import time
from pathlib import Path

import aiohttp
import httpx

from guardrail.model import Decision
from guardrail.sandbox.seed import ACME_CASE_ID
from guardrail.testing import SANDBOX_TOKEN, Stack
from tests.helpers import parameters_pack

CASES = "/services/data/v59.0/sobjects/Case"


class Versions:
    """A sink noting each decision's policy version and when it was made."""

    def __init__(self) -> None:
        self.seen: list[tuple[float, str]] = []

    async def emit(self, decision: Decision) -> None:
        self.seen.append((time.monotonic(), decision.policy_version))


async def load(stack: Stack, seconds: float, statuses: list[int]) -> None:
    context = ssl.create_default_context(cafile=str(stack.tls.ca_pem))
    headers = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession(
        headers=headers, connector=aiohttp.TCPConnector(ssl=context)
    ) as s:

        async def worker(n: int) -> None:
            while time.monotonic() < deadline:
                if n % 2:
                    request = s.patch(
                        f"{stack.proxy_url}{CASES}/{ACME_CASE_ID}", json={"Priority": "Low"}
                    )
                else:
                    request = s.post(f"{stack.proxy_url}{CASES}", json={"Subject": f"load {n}"})
                async with request as response:
                    statuses.append(response.status)

        await asyncio.gather(*(worker(n) for n in range(4)))


def test_reload_under_load(tmp_path: Path) -> None:
    pack = parameters_pack(tmp_path / "policies")
    with Stack(tmp_path, auth_mode="passthrough", policies=pack, policy_watch_seconds=0) as stack:
        versions = Versions()
        fanout = stack.guardrail.proxy.sinks
        fanout.sinks = (*fanout.sinks, versions)
        reload_url = f"{stack.admin_url}/guardrail/v1/policies/reload"
        statuses: list[int] = []
        first = stack.guardrail.policies.current.version

        async def scenario() -> tuple[httpx.Response, httpx.Response]:
            traffic = asyncio.create_task(load(stack, 2.0, statuses))
            async with httpx.AsyncClient() as admin:
                await asyncio.sleep(0.6)
                policy = pack / "parameters.yaml"
                policy.write_text(policy.read_text().replace("mode: enforce", "mode: shadow", 1))
                good = await admin.post(reload_url)
                await asyncio.sleep(0.6)
                (pack / "broken.yaml").write_text("apiVersion: guardrail/v1\nkind: [")
                broken = await admin.post(reload_url)
            await traffic
            return good, broken

        good, broken = asyncio.run(scenario())

    second = good.json()["version"]
    assert good.status_code == 200
    assert second != first
    assert broken.status_code == 422
    assert broken.json()["kept"] == second
    assert "broken.yaml" in broken.json()["message"]

    assert len(statuses) > 100
    assert set(statuses) <= {201, 204}, f"writes failed during reloads: {sorted(set(statuses))}"
    seen = sorted(versions.seen)
    assert {v for _, v in seen} == {first, second}
    last_first = max(t for t, v in seen if v == first)
    first_second = min(t for t, v in seen if v == second)
    # One switch: only writes already in flight when it happened may finish on the old set.
    assert last_first - first_second < 0.1
