"""A browser visiting another site must not be able to use the admin listener on its behalf.

With no API token configured (local use), a page that rebinds its own name to the listener's
address is same-origin to the browser, so only the Host it names gives it away: the listener
answers only to localhost, its own listen host, IP addresses and the names configured in
``admin_hosts``. And a state-changing request a browser sends from another site (a form post,
a fetch) is refused whatever the credentials, as the review page's forms are."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.provisional import domains

from guardrail.app import build
from guardrail.config import Settings

TOKEN = "platform-token"
APPROVAL = "/guardrail/v1/decisions/0190f0a4-0000-7000-8000-000000000000/approval"


async def _admin(settings: Settings, aiohttp_client: Any) -> AsyncIterator[Any]:
    guardrail = build(settings)
    await guardrail.audit.start()
    yield await aiohttp_client(guardrail.admin_app())
    await guardrail.audit.close()


@pytest.fixture
async def open_admin(admin_settings: Callable[..., Settings], aiohttp_client: Any) -> Any:
    """An admin listener that takes no credentials, known also as ``guardrail.internal``."""
    made = admin_settings(auth_mode="passthrough", admin_hosts=["guardrail.internal"])
    async for client in _admin(made, aiohttp_client):
        yield client


@pytest.fixture
async def closed_admin(admin_settings: Callable[..., Settings], aiohttp_client: Any) -> Any:
    async for client in _admin(
        admin_settings(auth_mode="passthrough", api_tokens=[TOKEN]), aiohttp_client
    ):
        yield client


async def _calls(admin: Any, host: str) -> list[Any]:
    """What a page could do with the listener: read and change conversations, open the review
    page, approve a hold, read the metrics."""
    headers = {"Host": host}
    return [
        await admin.get("/guardrail/v1/conversations/conv-1", headers=headers),
        await admin.put("/guardrail/v1/conversations/conv-1", json={}, headers=headers),
        await admin.get("/review/", headers=headers),
        await admin.post(APPROVAL, json={"decision": "approve", "reviewer": "x"}, headers=headers),
        await admin.get("/metrics", headers=headers),
    ]


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:9090", "127.0.0.1.nip.io:9090", "localhost.evil.example"]
)
async def test_a_rebound_name_is_refused_everywhere_while_the_listener_is_open(
    open_admin: Any, host: str
) -> None:
    for answer in await _calls(open_admin, host):
        assert answer.status == 403, (answer.url, await answer.text())
        body = await answer.json()
        assert body["error"] == "host_not_allowed"
        assert "admin_hosts" in body["message"]


@pytest.mark.parametrize(
    "host",
    [
        "localhost:9090",
        "LOCALHOST.:9090",
        "127.0.0.1:9090",
        "[::1]:9090",
        "10.1.2.3:9090",
        "guardrail.internal",
        "Guardrail.Internal:9090",
    ],
)
async def test_its_own_names_and_addresses_are_answered(open_admin: Any, host: str) -> None:
    for answer in await _calls(open_admin, host):
        assert answer.status != 403, (answer.url, await answer.text())


async def test_with_api_tokens_a_page_without_one_gets_nothing_whatever_the_name(
    closed_admin: Any,
) -> None:
    answers = await _calls(closed_admin, "evil.example")
    assert [a.status for a in answers[:4]] == [401] * 4
    assert answers[4].status == 200  # /metrics: open, as scrapers call it


@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=domains(), port=st.none() | st.integers(1, 65535))
async def test_any_other_name_is_refused_and_any_address_answered(
    open_admin: Any, name: str, port: int | None
) -> None:
    suffix = f":{port}" if port else ""
    if name.lower() not in ("localhost", "guardrail.internal", "127.0.0.1"):
        named = await open_admin.get("/guardrail/v1/policies", headers={"Host": name + suffix})
        assert named.status == 403, name
    address = ipaddress.ip_address(abs(hash(name)) % 2**32)
    by_address = await open_admin.get(
        "/guardrail/v1/policies", headers={"Host": f"{address}{suffix}"}
    )
    assert by_address.status == 200


@pytest.fixture(params=[[], [TOKEN]], ids=["open", "with-tokens"])
async def any_admin(
    request: pytest.FixtureRequest, admin_settings: Callable[..., Settings], aiohttp_client: Any
) -> Any:
    made = admin_settings(auth_mode="passthrough", api_tokens=request.param)
    async for client in _admin(made, aiohttp_client):
        yield client


@pytest.mark.parametrize(
    "source",
    [{"Origin": "https://evil.example"}, {"Origin": "null"}, {"Referer": "http://evil.example/x"}],
)
async def test_a_state_change_sent_from_another_site_is_refused(
    any_admin: Any, source: dict[str, str]
) -> None:
    client = any_admin
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for call in (
        lambda headers: client.post("/guardrail/v1/policies/reload", headers=headers),
        lambda headers: client.put("/guardrail/v1/conversations/conv-1", json={}, headers=headers),
        lambda headers: client.post(APPROVAL, json={"decision": "approve"}, headers=headers),
    ):
        refused = await call({**source, **auth})
        assert refused.status == 403, await refused.text()
        assert (await refused.json())["error"] == "cross_origin"
    same_site = {"Origin": f"http://{client.host}:{client.port}", **auth}
    assert (await client.post("/guardrail/v1/policies/reload", headers=same_site)).status == 200
    assert (await client.post("/guardrail/v1/policies/reload", headers=auth)).status == 200
