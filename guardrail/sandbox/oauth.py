"""The sandbox's OAuth 2.0 token endpoint: the client-credentials flow, with expiring tokens.

``POST /services/oauth2/token`` with ``grant_type=client_credentials`` and the client's id and
secret (form fields, or HTTP Basic) answers as Salesforce does: ``access_token``,
``instance_url``, ``id``, ``token_type``, ``issued_at`` (milliseconds), ``signature``, ``scope``
and no ``expires_in`` (a Salesforce session lasts the org's timeout, whatever the answer says).
Bad client credentials are 400 ``invalid_client``; another grant type 400
``unsupported_grant_type``. A token it issued is accepted like a configured access token until
``SandboxConfig.token_lifetime_seconds`` after it was issued, then 401 ``INVALID_SESSION_ID``.

Admin (sandbox only): ``GET /_sandbox/oauth`` says how many tokens were issued and are live;
``POST /_sandbox/oauth/expire`` ends every issued session at once (a CRM-side expiry).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

ORG_ID = "00D000000000001AAA"
TOKEN_PATH = "/services/oauth2/token"  # noqa: S105 - a path, not a secret


class OAuthServer:
    """The registered clients and the sessions issued to them."""

    def __init__(
        self,
        clients: Mapping[str, str],
        lifetime: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clients = dict(clients)
        self._lifetime = lifetime
        self._clock = clock
        self._sessions: dict[str, float] = {}  # token -> when it ends
        #: Every token issued, live or not (for tests that look for leaks).
        self.issued: list[str] = []

    def valid(self, token: str) -> bool:
        ends = self._sessions.get(token)
        return ends is not None and self._clock() < ends

    def live(self) -> int:
        now = self._clock()
        return sum(1 for ends in self._sessions.values() if now < ends)

    def expire_all(self) -> None:
        self._sessions.clear()

    def grant(self, form: Mapping[str, str], basic: tuple[str, str] | None) -> tuple[int, Any]:
        """The token endpoint's answer (status, JSON body) to a request's form and Basic auth."""
        if form.get("grant_type") != "client_credentials":
            return 400, _error("unsupported_grant_type", "grant type not supported")
        client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
        expected = self._clients.get(client_id)
        if expected is None or not hmac.compare_digest(secret.encode(), expected.encode()):
            return 400, _error("invalid_client", "invalid client credentials")
        now = self._clock()
        self._sessions = {t: ends for t, ends in self._sessions.items() if now < ends}
        token = f"{ORG_ID[:15]}!{secrets.token_urlsafe(48)}"
        self._sessions[token] = now + self._lifetime
        self.issued.append(token)
        return 200, {
            "access_token": token,
            "signature": base64.b64encode(secrets.token_bytes(32)).decode(),
            "scope": "api",
            "id": f"https://login.salesforce.com/id/{ORG_ID}/005000000000001AAA",
            "token_type": "Bearer",
            "issued_at": str(int(time.time() * 1000)),
        }


OAUTH = web.AppKey("sandbox_oauth", OAuthServer)


def add_routes(app: web.Application, server: OAuthServer) -> None:
    app[OAUTH] = server
    app.router.add_post(TOKEN_PATH, _token)
    app.router.add_get("/_sandbox/oauth", _status)
    app.router.add_post("/_sandbox/oauth/expire", _expire)


async def _token(request: web.Request) -> web.Response:
    form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
    status, body = request.app[OAUTH].grant(form, _basic(request.headers.get("Authorization", "")))
    if status == 200:
        body["instance_url"] = f"{request.scheme}://{request.host}"
    return web.json_response(body, status=status, headers={"Cache-Control": "no-store"})


async def _status(request: web.Request) -> web.Response:
    server = request.app[OAUTH]
    return web.json_response({"issued": len(server.issued), "live": server.live()})


async def _expire(request: web.Request) -> web.Response:
    request.app[OAUTH].expire_all()
    return web.Response(status=204)


def _basic(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, sep, secret = base64.b64decode(value.strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (client_id, secret) if sep else None


def _error(error: str, description: str) -> dict[str, str]:
    return {"error": error, "error_description": description}
