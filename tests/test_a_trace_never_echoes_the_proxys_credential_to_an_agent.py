"""In token mode the proxy puts its own CRM credential on what it forwards; a TRACE is
answered by echoing the request (RFC 9110 9.3.8), so forwarded it would hand the agent the
proxy's credential. Even where the operator forwards requests the dialect cannot read, a TRACE
is refused in the CRM's format and nothing reaches the CRM."""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import httpx
import pytest
from multidict import CIMultiDict

from guardrail.config import AuthMode
from guardrail.testing import Stack
from guardrail.upstream import Sender, UpstreamResponse

CASE = "/services/data/v59.0/sobjects/Case"


class Echoing:
    """An origin (or a load balancer before it) that answers TRACE as RFC 9110 says: with the
    request it received, headers and all. Everything else goes on to the CRM."""

    def __init__(self) -> None:
        self.traced: list[str] = []

    def wrap(self, sender: Sender) -> Sender:
        traced = self.traced

        class Echo:
            async def send(
                self, method: str, path: str, headers: CIMultiDict[str], body: bytes | None
            ) -> UpstreamResponse:
                if method != "TRACE":
                    return await sender.send(method, path, headers, body)
                echoed = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
                traced.append(echoed)
                answer = f"TRACE {path} HTTP/1.1\r\n{echoed}".encode()
                return UpstreamResponse(200, CIMultiDict({"Content-Type": "message/http"}), answer)

        return Echo()


@pytest.fixture(scope="module")
def echoing() -> Echoing:
    return Echoing()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, echoing: Echoing) -> Iterator[Stack]:
    with Stack(
        tmp_path_factory.mktemp("trace"), auth_mode=AuthMode.TOKEN, transport=echoing.wrap,
        unknown_writes="forward",
    ) as running:  # fmt: skip
        url = f"{running.admin_url}/guardrail/v1/conversations/traced"
        httpx.put(url, json={"channel": "chat", "turns": []}, timeout=10).raise_for_status()
        yield running


def test_a_trace_is_refused_and_the_credential_stays_the_proxys(
    stack: Stack, echoing: Echoing
) -> None:
    token = stack.agent_token("traced", "agent")
    context = ssl.create_default_context(cafile=str(stack.tls.ca_pem))
    answer = httpx.request(
        "TRACE", stack.proxy_url + CASE, headers={"Authorization": f"Bearer {token}"},
        verify=context, timeout=10,
    )  # fmt: skip
    assert echoing.traced == []
    assert answer.status_code == 400, answer.text
    [error] = answer.json()
    assert error["errorCode"] == "GUARDRAIL_AMBIGUOUS_REQUEST"
    assert "never forwards it" in error["message"]
    assert "read with GET" in error["message"]
    assert answer.headers["X-Guardrail-Decision"] == "block"
    assert "Bearer " not in answer.text
