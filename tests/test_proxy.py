"""The proxy against an echo upstream that records what reached it: forwarding is faithful,
and every refusal is in Salesforce's format with nothing forwarded."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from yarl import URL

from guardrail.app import build
from guardrail.config import Settings

Received = list[dict[str, Any]]
CASE = "/services/data/v59.0/sobjects/Case"


def echo_app(received: Received, delay: float = 0.0) -> web.Application:
    async def handler(request: web.Request) -> web.Response:
        await asyncio.sleep(delay)
        received.append(
            {
                "method": request.method,
                "path_qs": request.raw_path,
                "headers": dict(request.headers),
                "body": await request.read(),
            }
        )
        headers = {"X-Upstream": "yes", "Sforce-Limit-Info": "api-usage=1/15000"}
        if request.method == "POST":
            return web.json_response({"id": "500000000000009AAA", "success": True, "errors": []},
                                     status=201, headers=headers)  # fmt: skip
        if request.method == "PATCH":
            return web.Response(status=204, headers=headers)
        resp = web.Response(
            body=b'{"records": []}', content_type="application/json", headers=headers
        )
        resp.set_cookie("BrowserId", "abc")
        return resp

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    return app


ClientFactory = Callable[..., Awaitable[TestClient[web.Request, web.Application]]]


@pytest.fixture
async def proxy(
    case_pack: Path, aiohttp_server: Any, aiohttp_client: ClientFactory
) -> AsyncIterator[
    Callable[..., Awaitable[tuple[TestClient[web.Request, web.Application], Received]]]
]:
    async def make(
        delay: float = 0.0, upstream: str | None = None, **settings: Any
    ) -> tuple[TestClient[web.Request, web.Application], Received]:
        received: Received = []
        server: TestServer = await aiohttp_server(echo_app(received, delay))
        guardrail = build(
            Settings(
                upstream=upstream or str(server.make_url("")),
                policies=case_pack,
                auth_mode="passthrough",
                **settings,
            )
        )
        return await aiohttp_client(guardrail.proxy_app()), received

    return make


async def test_allowed_write_is_forwarded_faithfully(proxy: Any) -> None:
    client, received = await proxy()
    body = b'{"Subject": "Router broken", "Status": "New"}'
    response = await client.post(
        URL(CASE + "/", encoded=True),
        data=body,
        headers={
            "Authorization": "Bearer 00Dabc!secret",
            "Content-Type": "application/json",
            "X-Guardrail-Conversation": "conv-1",
            "X-Guardrail-Agent": "agent-7",
            "Connection": "keep-alive, X-Hop",
            "X-Hop": "drop me",
            "Sforce-Auto-Assign": "FALSE",
        },
    )
    assert response.status == 201
    assert await response.json() == {"id": "500000000000009AAA", "success": True, "errors": []}
    assert response.headers["X-Upstream"] == "yes"
    assert response.headers["Sforce-Limit-Info"] == "api-usage=1/15000"
    assert response.headers["X-Guardrail-Decision"] == "allow"
    assert len(response.headers["X-Guardrail-Decision-Id"]) == 36
    [seen] = received
    assert seen["path_qs"] == CASE + "/"
    assert seen["body"] == body
    assert seen["headers"]["Authorization"] == "Bearer 00Dabc!secret"
    assert seen["headers"]["Sforce-Auto-Assign"] == "FALSE"
    assert not any(h.lower().startswith("x-guardrail") for h in seen["headers"])
    assert "X-Hop" not in seen["headers"]


async def test_reads_pass_through_untouched_without_decision_headers(proxy: Any) -> None:
    client, received = await proxy()
    response = await client.get("/services/data/v59.0/query?q=SELECT+Id+FROM+Case")
    assert response.status == 200
    assert await response.read() == b'{"records": []}'
    assert "X-Guardrail-Decision" not in response.headers
    assert response.cookies["BrowserId"].value == "abc"
    assert received[0]["path_qs"] == "/services/data/v59.0/query?q=SELECT+Id+FROM+Case"


async def test_no_content_204_passes_through(proxy: Any) -> None:
    client, _received = await proxy()
    response = await client.patch(CASE + "/500000000000001AAA", json={"Status": "Working"})
    assert response.status == 204
    assert await response.read() == b""
    assert response.headers["X-Guardrail-Decision"] == "allow"


async def sf_error(response: Any) -> dict[str, Any]:
    assert response.content_type == "application/json"
    [error] = json.loads(await response.read())
    return dict(error)


async def test_blocked_write_never_reaches_the_crm(proxy: Any) -> None:
    client, received = await proxy()
    response = await client.post(CASE, json={"Subject": "x", "Status": "Open"})
    assert response.status == 400
    assert response.headers["X-Guardrail-Decision"] == "block"
    error = await sf_error(response)
    assert error["errorCode"] == "GUARDRAIL_PARAMETER_INVALID"
    assert error["fields"] == ["Status"]
    assert received == []


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code", "text"),
    [
        (b'{"Subject": ', "application/json", 400, "JSON_PARSER_ERROR", "not valid JSON"),
        (b"<Case/>", "application/xml", 415, "UNSUPPORTED_MEDIA_TYPE", "application/json"),
        (b"\xff\xfe", "application/json", 400, "JSON_PARSER_ERROR", "not UTF-8"),
        (b'"just a string"', "application/json", 400, "JSON_PARSER_ERROR", "JSON object"),
    ],
)
async def test_bad_input_gets_a_salesforce_error_and_is_not_forwarded(
    proxy: Any, body: bytes, content_type: str, status: int, code: str, text: str
) -> None:
    client, received = await proxy()
    response = await client.post(CASE, data=body, headers={"Content-Type": content_type})
    assert response.status == status
    assert response.headers["X-Guardrail-Decision"] == "block"
    error = await sf_error(response)
    assert error["errorCode"] == code
    assert text in error["message"]
    assert received == []


async def test_oversized_body_is_refused_with_413(proxy: Any) -> None:
    client, received = await proxy()
    big = json.dumps({"Subject": "x", "Description": "a" * (2 * 1024 * 1024)}).encode()
    response = await client.post(CASE, data=big, headers={"Content-Type": "application/json"})
    assert response.status == 413
    assert (await sf_error(response))["errorCode"] == "GUARDRAIL_BODY_TOO_LARGE"

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the limit still holds
        for _ in range(40):
            yield b"x" * 65536

    response = await client.post(CASE, data=chunks(), headers={"Content-Type": "application/json"})
    assert response.status == 413
    assert received == []


async def test_unknown_write_endpoint_is_refused_by_default(proxy: Any) -> None:
    client, received = await proxy()
    response = await client.post("/services/apexrest/refunds", json={"amount": 1000})
    assert response.status == 400
    assert (await sf_error(response))["errorCode"] == "GUARDRAIL_UNSUPPORTED_ENDPOINT"
    assert received == []
    client, received = await proxy(unknown_writes="forward")
    response = await client.post("/services/apexrest/refunds", json={"amount": 1000})
    assert response.status == 201
    assert len(received) == 1
    # forwarded as the operator chose, but never unaccounted for: an audited decision
    assert response.headers["X-Guardrail-Decision"] == "allow"
    assert response.headers["X-Guardrail-Decision-Id"]


async def test_crm_down_fails_closed_with_503(proxy: Any, unused_tcp_port: int) -> None:
    client, _ = await proxy(upstream=f"http://127.0.0.1:{unused_tcp_port}")
    response = await client.post(CASE, json={"Subject": "x"})
    assert response.status == 503
    assert response.headers["X-Guardrail-Decision"] == "allow"
    error = await sf_error(response)
    assert error["errorCode"] == "GUARDRAIL_UPSTREAM_UNAVAILABLE"
    assert "was not sent" in error["message"]
    read = await client.get("/services/data/v59.0/sobjects/Case/500000000000001AAA")
    assert read.status == 503


async def test_crm_too_slow_is_a_504_that_says_the_write_may_have_happened(proxy: Any) -> None:
    client, _received = await proxy(delay=1.0, timeouts={"upstream": 0.2})
    response = await client.post(CASE, json={"Subject": "x"})
    assert response.status == 504
    error = await sf_error(response)
    assert error["errorCode"] == "GUARDRAIL_UPSTREAM_TIMEOUT"
    assert "may or may not have been saved" in error["message"]


async def test_slow_client_body_gets_408(proxy: Any) -> None:
    client, received = await proxy(timeouts={"client_body": 0.2})

    async def slow() -> AsyncIterator[bytes]:
        yield b'{"Subject": '
        await asyncio.sleep(1)
        yield b'"x"}'

    response = await client.post(CASE, data=slow(), headers={"Content-Type": "application/json"})
    assert response.status == 408
    assert (await sf_error(response))["errorCode"] == "GUARDRAIL_REQUEST_TIMEOUT"
    assert received == []
