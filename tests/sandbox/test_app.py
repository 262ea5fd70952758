"""The HTTP server: auth, versions, admin endpoints, latency, configuration."""

from __future__ import annotations

import time
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from guardrail.sandbox import SandboxConfig, SandboxStore
from guardrail.sandbox.seed import ACME_ACCOUNT_ID, QUEUE_IDS
from tests.sandbox.helpers import AUTH, BASE, Api

INVALID_SESSION = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic sandbox-token"}],
)
async def test_api_calls_need_a_known_bearer_token(
    client: TestClient[Any, Any], headers: dict[str, str]
) -> None:
    for method, path in (("GET", "/sobjects"), ("POST", "/sobjects/Case"), ("GET", "/nowhere")):
        response = await client.request(method, BASE + path, headers=headers, json={})
        assert response.status == 401
        assert await response.json() == INVALID_SESSION


async def test_the_oauth_scheme_is_accepted_too(client: TestClient[Any, Any]) -> None:
    response = await client.get(
        f"{BASE}/sobjects", headers={"Authorization": "OAuth sandbox-token"}
    )

    assert response.status == 200


async def test_versions_are_listed_without_a_token(client: TestClient[Any, Any]) -> None:
    response = await client.get("/services/data/")

    versions = await response.json()
    assert response.status == 200
    assert {"label": "Winter '24", "url": "/services/data/v59.0", "version": "59.0"} in versions


async def test_any_version_serves_the_same_api(client: TestClient[Any, Any]) -> None:
    root = "/services/data/v45.0"

    resources = await (await client.get(root, headers=AUTH)).json()
    record = await (
        await client.get(f"{root}/sobjects/Account/{ACME_ACCOUNT_ID}", headers=AUTH)
    ).json()

    assert resources["sobjects"] == f"{root}/sobjects"
    assert record["attributes"]["url"] == f"{root}/sobjects/Account/{ACME_ACCOUNT_ID}"


async def test_a_path_without_a_version_is_not_found(client: TestClient[Any, Any]) -> None:
    response = await client.get("/services/data/latest/sobjects", headers=AUTH)

    assert response.status == 404
    assert (await response.json())[0]["errorCode"] == "NOT_FOUND"


async def test_admin_records_reset_and_health(
    sf: Api, client: TestClient[Any, Any], store: SandboxStore
) -> None:
    await sf.post("/sobjects/Account", {"Name": "Temporary"})

    records = await (await client.get("/_sandbox/records/account")).json()
    assert [r["Name"] for r in records] == ["Acme Corp", "Globex", "Temporary"]
    assert (await client.get("/_sandbox/records/Lead")).status == 404

    assert (await client.post("/_sandbox/reset")).status == 204
    assert store.count("Account") == 2

    response = await client.get("/_sandbox/healthz")
    assert (response.status, await response.json()) == (200, {"status": "ok"})


class TestSlowCrm:
    @pytest.fixture
    def config(self) -> SandboxConfig:
        return SandboxConfig(latency_seconds=0.2)

    async def test_every_api_call_is_delayed(self, sf: Api) -> None:
        started = time.monotonic()
        status, _ = await sf.get("/sobjects")

        assert status == 200
        assert time.monotonic() - started >= 0.2


class TestUnseeded:
    @pytest.fixture
    def config(self) -> SandboxConfig:
        return SandboxConfig(seed=False, access_tokens=frozenset({"other"}))

    async def test_only_the_directory_is_loaded(
        self, client: TestClient[Any, Any], store: SandboxStore
    ) -> None:
        assert store.count("Account") == 0
        assert store.count("Group") == len(QUEUE_IDS)
        assert store.count("User") >= 1

        response = await client.get(f"{BASE}/sobjects", headers={"Authorization": "Bearer other"})
        assert response.status == 200


@pytest.mark.parametrize(("accepted", "coding"), [("gzip", "gzip"), ("deflate, br", "deflate")])
async def test_an_answer_is_compressed_when_the_request_allows_it_as_salesforce_does(
    client: TestClient[Any, Any], accepted: str, coding: str
) -> None:
    headers = {**AUTH, "Accept-Encoding": accepted}
    response = await client.get(f"{BASE}/sobjects/Account/{ACME_ACCOUNT_ID}", headers=headers)
    assert response.headers["Content-Encoding"] == coding
    assert (await response.json())["Id"] == ACME_ACCOUNT_ID  # the client decodes it
    plain = await client.get(
        f"{BASE}/sobjects/Account/{ACME_ACCOUNT_ID}",
        headers=AUTH,
        skip_auto_headers=["Accept-Encoding"],
    )
    assert "Content-Encoding" not in plain.headers
