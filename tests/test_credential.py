"""The proxy's own CRM credential: client credentials cached, renewed before expiry, fetched
once for many waiters, refreshed once on a 401; failures fail closed without the secret."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from multidict import CIMultiDict
from pydantic import ValidationError

from guardrail.config import Credential
from guardrail.credential import (
    ClientCredentials,
    CredentialedSender,
    StaticCredential,
    open_credential,
)
from guardrail.crm.base import dialect_for
from guardrail.errors import ConfigError, CredentialFailed
from guardrail.upstream import UpstreamResponse

SALESFORCE = dialect_for("salesforce")
TOKEN_PATH = SALESFORCE.token_path


class TokenEndpoint:
    def __init__(self, status: int = 200, expires_in: int | None = None) -> None:
        self.status = status
        self.expires_in = expires_in
        self.calls: list[dict[str, list[str]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(parse_qs(request.content.decode()))
        if self.status != 200:
            body: dict[str, Any] = {"error": "invalid_client", "error_description": "bad client"}
            return httpx.Response(self.status, json=body)
        body = {"access_token": f"crm-{len(self.calls)}", "token_type": "Bearer"}
        if self.expires_in is not None:
            body["expires_in"] = self.expires_in
        return httpx.Response(200, json=body)


def credentials(endpoint: TokenEndpoint, now: list[float], **kwargs: Any) -> ClientCredentials:
    fetches: list[tuple[str, str]] = kwargs.pop("fetches", [])
    client = httpx.AsyncClient(transport=httpx.MockTransport(endpoint))
    return ClientCredentials(
        client,
        "https://crm.example/services/oauth2/token",
        "client",
        "s3cret",
        lifetime=kwargs.pop("lifetime", 100.0),
        margin=kwargs.pop("margin", 10.0),
        on_fetch=lambda reason, result: fetches.append((reason, result)),
        clock=lambda: now[0],
    )


async def test_cached_then_renewed_inside_the_margin() -> None:
    endpoint, now, fetches = TokenEndpoint(), [0.0], []
    credential = credentials(endpoint, now, fetches=fetches)
    assert await credential.token() == "crm-1"
    now[0] = 89.0
    assert await credential.token() == "crm-1"
    now[0] = 90.0  # 100 s lifetime, renewed 10 s early
    assert await credential.token() == "crm-2"
    assert endpoint.calls[0] == {
        "grant_type": ["client_credentials"],
        "client_id": ["client"],
        "client_secret": ["s3cret"],
    }
    assert fetches == [("due", "success"), ("due", "success")]


async def test_expires_in_wins_and_a_short_life_is_not_renewed_on_every_call() -> None:
    endpoint, now = TokenEndpoint(expires_in=8), [0.0]
    credential = credentials(endpoint, now, margin=60.0)
    await credential.token()
    now[0] = 3.9  # margin capped at half the 8 s life
    assert await credential.token() == "crm-1"
    now[0] = 4.0
    assert await credential.token() == "crm-2"


async def test_many_waiters_share_one_fetch_and_one_refresh() -> None:
    endpoint, now = TokenEndpoint(), [0.0]
    credential = credentials(endpoint, now)
    tokens = await asyncio.gather(*(credential.token() for _ in range(20)))
    assert set(tokens) == {"crm-1"}
    fresh = await asyncio.gather(*(credential.refresh("crm-1") for _ in range(20)))
    assert set(fresh) == {"crm-2"}
    assert len(endpoint.calls) == 2


async def test_a_refused_client_fails_closed_without_the_secret() -> None:
    fetches: list[tuple[str, str]] = []
    credential = credentials(TokenEndpoint(status=400), [0.0], fetches=fetches)
    with pytest.raises(CredentialFailed) as caught:
        await credential.token()
    assert "bad client" in caught.value.message
    assert "s3cret" not in caught.value.message
    assert caught.value.status == 503
    assert fetches == [("due", "failure")]


class CRM:
    """Accepts only ``valid``; records the Authorization of each request."""

    def __init__(self, valid: str) -> None:
        self.valid = valid
        self.seen: list[str] = []

    async def send(
        self, method: str, path: str, headers: CIMultiDict[str], body: bytes | None
    ) -> UpstreamResponse:
        self.seen.append(headers["Authorization"])
        status = 200 if headers["Authorization"] == f"Bearer {self.valid}" else 401
        return UpstreamResponse(status, CIMultiDict(), json.dumps({"ok": status}).encode())


async def test_the_sender_replaces_the_agents_token_and_retries_once_on_a_401() -> None:
    endpoint, now = TokenEndpoint(), [0.0]
    credential = credentials(endpoint, now)
    crm = CRM(valid="crm-2")
    sender = CredentialedSender(crm, credential, SALESFORCE.authorize)
    headers = CIMultiDict({"Authorization": "Bearer grt.agent-token"})
    answer = await sender.send("PATCH", "/services/data/v59.0/sobjects/Case/x", headers, b"{}")
    assert answer.status == 200
    assert crm.seen == ["Bearer crm-1", "Bearer crm-2"]
    assert headers["Authorization"] == "Bearer grt.agent-token"  # the caller's are untouched


async def test_a_credential_the_crm_keeps_refusing_is_a_503_not_the_agents_401() -> None:
    crm = CRM(valid="never")
    with pytest.raises(CredentialFailed):
        await CredentialedSender(crm, StaticCredential("static"), SALESFORCE.authorize).send(
            "GET", "/", CIMultiDict(), None
        )
    assert crm.seen == ["Bearer static"]  # a static token has no other to try
    endpoint = TokenEndpoint()
    with pytest.raises(CredentialFailed):
        await CredentialedSender(crm, credentials(endpoint, [0.0]), SALESFORCE.authorize).send(
            "GET", "/", CIMultiDict(), None
        )
    assert len(endpoint.calls) == 2


def test_settings_choose_one_credential_and_token_binding_needs_one() -> None:
    assert isinstance(
        open_credential(
            Credential(access_token="t"), "https://crm", token_path=TOKEN_PATH, timeout=1
        ),
        StaticCredential,
    )
    oauth = open_credential(
        Credential(client_id="c", client_secret="s"),
        "https://crm.example/",
        token_path=TOKEN_PATH,
        timeout=1,
    )
    assert isinstance(oauth, ClientCredentials)
    assert oauth._url == "https://crm.example/services/oauth2/token"
    with pytest.raises(ConfigError, match="auth_mode: passthrough"):
        open_credential(Credential(), "https://crm", token_path=TOKEN_PATH, timeout=1)
    for bad in ({"client_id": "c"}, {"access_token": "t", "client_id": "c", "client_secret": "s"},
                {"token_url": "https://x"}):  # fmt: skip
        with pytest.raises(ValidationError, match=r"client_id|token_url"):
            Credential.model_validate(bad)
