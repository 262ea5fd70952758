"""In token mode the proxy presents its own CRM credential in place of the agent's token, and
the credential stays the proxy's: the CRM's answer to it may open a session (ServiceNow sets a
``JSESSIONID`` on every authenticated call, and re-uses the session for whoever sends the cookie
back), which would let an agent reach the CRM as the proxy, unjudged, after its token is
revoked. So no session cookie the CRM sets reaches the agent, and no cookie of the agent's
reaches the CRM beside the proxy's credential."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from multidict import CIMultiDict

from guardrail.config import AuthMode
from guardrail.credential import CredentialedSender, StaticCredential
from guardrail.sandbox.servicenow import create_app
from guardrail.sandbox.servicenow.seed import ACME_CASE_ID
from guardrail.testing import Stack
from guardrail.upstream import UpstreamResponse

PACK = Path(__file__).resolve().parent.parent / "policies" / "servicenow-contact-center"
CASE = f"/api/now/table/sn_customerservice_case/{ACME_CASE_ID}"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with Stack(
        tmp_path_factory.mktemp("sessions"), auth_mode=AuthMode.TOKEN, crm=create_app,
        dialect="servicenow", policies=PACK,
    ) as running:  # fmt: skip
        url = f"{running.admin_url}/guardrail/v1/conversations/sessions"
        httpx.put(url, json={"channel": "chat", "turns": []}, timeout=10).raise_for_status()
        yield running


def test_the_instance_opens_a_session_for_the_proxys_credential(stack: Stack) -> None:
    """What the proxy keeps from the agent: the sandbox sets it, as the platform does."""
    direct = httpx.get(stack.sandbox_url + CASE, headers={"Authorization": "Bearer sandbox-token"})
    assert direct.status_code == 200
    assert "JSESSIONID" in direct.headers["set-cookie"]


def test_an_answer_through_the_proxy_carries_no_session_cookie_of_the_crm(stack: Stack) -> None:
    token = stack.agent_token("sessions", "agent")
    context = ssl.create_default_context(cafile=str(stack.tls.ca_pem))
    answer = httpx.get(
        stack.proxy_url + CASE, headers={"Authorization": f"Bearer {token}"}, verify=context
    )
    assert answer.status_code == 200, answer.text
    assert "set-cookie" not in answer.headers


class _Recorder:
    def __init__(self) -> None:
        self.sent: list[CIMultiDict[str]] = []

    async def send(
        self, method: str, path: str, headers: CIMultiDict[str], body: bytes | None
    ) -> UpstreamResponse:
        self.sent.append(headers)
        cookies = CIMultiDict([("Set-Cookie", "JSESSIONID=ABC; Path=/"), ("X-Kept", "1")])
        return UpstreamResponse(200, cookies, b"{}")


async def test_the_proxys_credential_goes_without_the_agents_cookies() -> None:
    recorder = _Recorder()
    sender = CredentialedSender(recorder, StaticCredential("proxy"), _bearer)
    given = CIMultiDict([("Authorization", "Bearer agent-token"), ("Cookie", "JSESSIONID=XYZ")])
    answer = await sender.send("GET", "/api/now/table/incident", given, None)
    assert list(recorder.sent[0].items()) == [("Authorization", "Bearer proxy")]
    assert list(answer.headers.items()) == [("X-Kept", "1")]


def _bearer(headers: CIMultiDict[str], credential: str) -> CIMultiDict[str]:
    out = headers.copy()
    out["Authorization"] = f"Bearer {credential}"
    return out
