"""The proxy's own CRM credential, and the sender that puts it on every forwarded request.

With agent tokens (``auth_mode: token``) agents never hold a CRM credential: the proxy does.
It is a static access token, or one fetched by the OAuth 2.0 client-credentials flow (httpx:
off the hot path, once per token lifetime) and cached. A cached token is replaced shortly
before it expires, and at once when the CRM refuses it (a session revoked or timed out early);
one fetch serves every request waiting on it. ``CredentialedSender`` wraps the forwarding
client: it sets Authorization on each request and, on a 401, fetches a new token and sends the
request once more. A 401 means the CRM did not act on the request, so re-sending a write
cannot save it twice.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

import httpx
from multidict import CIMultiDict

from guardrail.config import Credential
from guardrail.errors import ConfigError, CredentialFailed
from guardrail.upstream import Sender, UpstreamResponse

#: How a CRM takes a credential: ``headers`` with ``token`` as their only session
#: (guardrail.crm.base.Dialect.authorize).
Authorize = Callable[[CIMultiDict[str], str], CIMultiDict[str]]


class CrmCredential(Protocol):
    async def token(self) -> str:
        """A token to send now. Raises CredentialFailed."""
        ...

    async def refresh(self, refused: str) -> str:
        """A token other than ``refused`` (which the CRM just refused), or ``refused`` itself
        when there is no other to be had (a static token). Raises CredentialFailed."""
        ...

    async def close(self) -> None: ...


class StaticCredential:
    """An access token from configuration: nothing to fetch, nothing to refresh."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def token(self) -> str:
        return self._token

    async def refresh(self, refused: str) -> str:
        return self._token

    async def close(self) -> None:
        return None


class ClientCredentials:
    """OAuth 2.0 client credentials (RFC 6749 4.4), the token cached for its lifetime.

    The lifetime is the answer's ``expires_in`` when it has one, else ``lifetime`` (Salesforce
    answers without it). The token is replaced ``margin`` seconds before it expires (at most
    half its lifetime, so a short-lived token is not fetched on every request).
    ``on_fetch(reason, result)`` counts fetches (reason: due, rejected; result: success,
    failure).
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        lifetime: float,
        margin: float,
        on_fetch: Callable[[str, str], None] = lambda reason, result: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._url = token_url
        self._form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        }
        self._lifetime = lifetime
        self._margin = margin
        self._on_fetch = on_fetch
        self._clock = clock
        self._lock = asyncio.Lock()
        self._token: str | None = None
        self._renew_at = 0.0

    async def token(self) -> str:
        if self._token is not None and self._clock() < self._renew_at:
            return self._token
        async with self._lock:  # one fetch; the requests waiting on it take its token
            if self._token is not None and self._clock() < self._renew_at:
                return self._token
            return await self._fetch("due")

    async def refresh(self, refused: str) -> str:
        async with self._lock:
            if self._token is not None and self._token != refused:
                return self._token  # another request refreshed it meanwhile
            return await self._fetch("rejected")

    async def close(self) -> None:
        await self._client.aclose()

    async def _fetch(self, reason: str) -> str:
        try:
            answer = await self._client.post(self._url, data=self._form)
        except httpx.HTTPError as exc:
            self._on_fetch(reason, "failure")
            raise CredentialFailed(
                f"crm-guardrail could not reach the CRM's token endpoint ({type(exc).__name__}); "
                "nothing was sent. Retry later."
            ) from None
        body = _json_object(answer)
        token = body.get("access_token")
        if answer.status_code != 200 or not isinstance(token, str) or not token:
            self._on_fetch(reason, "failure")
            # The error fields are the endpoint's own words, never the client secret.
            why = body.get("error_description") or body.get("error") or answer.reason_phrase
            raise CredentialFailed(
                f"The CRM's token endpoint refused crm-guardrail's client ({answer.status_code}: "
                f"{why}); nothing was sent. The operator must fix the proxy's CRM credential."
            )
        lifetime = body.get("expires_in")
        seconds = float(lifetime) if isinstance(lifetime, int | float) else self._lifetime
        self._token = token
        self._renew_at = self._clock() + seconds - min(self._margin, seconds / 2)
        self._on_fetch(reason, "success")
        return token


class CredentialedSender:
    """A Sender that sends every request with the proxy's CRM credential.

    Whatever Authorization the request had (an agent token) is replaced, and the credential
    stays the proxy's both ways: the request's cookies (a session of the agent's) are not sent
    beside it, and the cookies the CRM sets in answer (a session opened for it: ServiceNow's
    ``JSESSIONID``) are not relayed, so an agent never holds a session that outlives its token.
    A 401 from the CRM is answered by one fresh token and one more try; a 401 to that too means
    the CRM refuses the proxy's credential: CredentialFailed (503), so the agent is not told its
    own session expired.
    """

    def __init__(self, sender: Sender, credential: CrmCredential, authorize: Authorize) -> None:
        self._sender = sender
        self._credential = credential
        self._authorize = authorize

    async def send(
        self, method: str, path: str, headers: CIMultiDict[str], body: bytes | None
    ) -> UpstreamResponse:
        if "Cookie" in headers:
            headers = headers.copy()
            headers.popall("Cookie")
        token = await self._credential.token()
        answer = await self._sender.send(method, path, self._authorize(headers, token), body)
        if answer.status != 401:
            return _without_cookies(answer)
        fresh = await self._credential.refresh(token)
        if fresh != token:
            answer = await self._sender.send(method, path, self._authorize(headers, fresh), body)
            if answer.status != 401:
                return _without_cookies(answer)
        raise CredentialFailed(
            "The CRM refused crm-guardrail's own credential; nothing was saved. Retry later; "
            "the operator must fix the proxy's CRM credential if this persists."
        )


def _without_cookies(answer: UpstreamResponse) -> UpstreamResponse:
    if "Set-Cookie" not in answer.headers:
        return answer
    headers = answer.headers.copy()
    headers.popall("Set-Cookie")
    return replace(answer, headers=headers)


def open_credential(
    settings: Credential,
    upstream: str,
    *,
    token_path: str,
    timeout: float,
    ca_file: str | None = None,
    on_fetch: Callable[[str, str], None] = lambda reason, result: None,
) -> CrmCredential:
    """The credential the settings describe. Raises ConfigError when there is none."""
    if settings.access_token is not None:
        return StaticCredential(settings.access_token.get_secret_value())
    if settings.client_id is None or settings.client_secret is None:
        raise ConfigError(
            "auth_mode is token: the proxy needs its own CRM credential; set "
            "credential.access_token, or credential.client_id and credential.client_secret "
            "(OAuth client credentials), or choose auth_mode: passthrough"
        )
    verify = ssl.create_default_context(cafile=ca_file) if ca_file else True
    client = httpx.AsyncClient(
        timeout=timeout, verify=verify, follow_redirects=False, trust_env=False
    )
    return ClientCredentials(
        client,
        settings.token_url or upstream.rstrip("/") + token_path,
        settings.client_id,
        settings.client_secret.get_secret_value(),
        lifetime=settings.token_lifetime_seconds,
        margin=settings.refresh_margin_seconds,
        on_fetch=on_fetch,
    )


def _json_object(answer: httpx.Response) -> dict[str, object]:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
