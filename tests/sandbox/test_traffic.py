"""The request counter: what reached the Salesforce API, over HTTP and in process."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from guardrail.sandbox import SandboxStore
from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID
from tests.sandbox.helpers import BASE, Api

ROW = "/sobjects/{sobject}/{record_id}"


async def counted(client: TestClient[Any, Any]) -> dict[str, Any]:
    response = await client.get("/_sandbox/requests")
    assert response.status == 200
    body: dict[str, Any] = await response.json()
    return body


async def test_it_starts_at_zero(client: TestClient[Any, Any], store: SandboxStore) -> None:
    assert await counted(client) == {"total": 0, "by_route": {}}
    assert store.requests.total == 0


async def test_every_api_request_counts_once_by_route(
    sf: Api, client: TestClient[Any, Any], store: SandboxStore
) -> None:
    await sf.get(f"/sobjects/Account/{ACME_ACCOUNT_ID}")
    await sf.get(f"/sobjects/Case/{ACME_CASE_ID}?fields=Subject")
    await sf.patch(f"/sobjects/Case/{ACME_CASE_ID}", {"Subject": "Counted"})
    await sf.post("/sobjects/Case/", {"Subject": "Also counted"})
    await sf.get("/nowhere/at/all")
    await client.get(f"{BASE}/sobjects")  # no token: 401, but it reached the CRM
    await client.get("/services/data")

    expected = {
        "total": 7,
        "by_route": {
            f"GET {ROW}": 2,
            f"PATCH {ROW}": 1,
            "POST /sobjects/{sobject}": 1,
            f"GET {BASE}/nowhere/at/all": 1,
            "GET /sobjects": 1,
            "GET /services/data": 1,
        },
    }
    assert await counted(client) == expected
    assert store.requests.snapshot() == expected
    assert (store.requests.total, store.requests.by_route) == (7, expected["by_route"])


async def test_a_composite_request_is_one_request(
    sf: Api, client: TestClient[Any, Any], store: SandboxStore
) -> None:
    case = f"{BASE}/sobjects/Case/{ACME_CASE_ID}"
    subrequests = [
        {"method": "GET", "url": case, "referenceId": "before"},
        {"method": "PATCH", "url": case, "referenceId": "write", "body": {"Subject": "One"}},
        {"method": "GET", "url": case, "referenceId": "after"},
    ]

    status, _ = await sf.post("/composite", {"allOrNone": True, "compositeRequest": subrequests})

    assert status == 200
    assert await counted(client) == {"total": 1, "by_route": {"POST /composite": 1}}


async def test_admin_calls_are_not_counted_and_reset_leaves_the_count(
    sf: Api, client: TestClient[Any, Any], store: SandboxStore
) -> None:
    await sf.get("/sobjects")
    await client.get("/_sandbox/healthz")
    await client.get("/_sandbox/records/Case")
    await client.post("/_sandbox/reset")
    store.reset()

    assert (await counted(client))["total"] == 1


async def test_delete_zeroes_the_count(
    sf: Api, client: TestClient[Any, Any], store: SandboxStore
) -> None:
    await sf.get("/sobjects")

    response = await client.delete("/_sandbox/requests")

    assert response.status == 204
    assert await counted(client) == {"total": 0, "by_route": {}}
    await sf.get("/sobjects")
    store.requests.reset()
    assert store.requests.snapshot() == {"total": 0, "by_route": {}}
