"""The Zendesk sandbox's HTTP server: the Support API below ``/api/v2`` (``api.py``) and the
sandbox's own admin endpoints (no auth; never part of a real Zendesk):

- ``GET /_sandbox/healthz``; ``POST /_sandbox/reset`` (back to the seed, triggers kept): 204;
- ``GET /_sandbox/records/{object}``: ticket, comment, user, organization or group, as stored;
- ``GET``/``PUT``/``DELETE /_sandbox/triggers``: the triggers in force (``triggers.py``);
- ``GET``/``DELETE /_sandbox/requests``: the API requests that reached it, by route.

``POST /oauth/tokens`` with ``grant_type=client_credentials``, ``client_id`` and
``client_secret`` (form or JSON) issues a bearer token, as Zendesk's OAuth endpoint does.

Auth as Zendesk takes it: HTTP Basic ``{email}/token:{api token}`` where the email is an agent's
or an admin's, or ``Authorization: Bearer {oauth token}``; anything else is 401
``{"error": "Couldn't authenticate you"}``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from guardrail.sandbox.zendesk import api
from guardrail.sandbox.zendesk.errors import ZendeskError, unauthorized
from guardrail.sandbox.zendesk.fields import TICKET_FIELDS, TicketField
from guardrail.sandbox.zendesk.store import OBJECTS, ZendeskStore
from guardrail.sandbox.zendesk.triggers import TriggerError, dump_triggers, read_triggers

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ZendeskConfig:
    """Who may call the sandbox, its triggers, its speed, its data."""

    api_tokens: frozenset[str] = frozenset({"sandbox-api-token"})
    oauth_tokens: frozenset[str] = frozenset({"sandbox-oauth-token"})
    oauth_clients: Mapping[str, str] = field(
        default_factory=lambda: {"sandbox-client": "sandbox-secret"}
    )
    triggers_file: Path | None = None
    latency_seconds: float = 0.0
    seed: bool = True
    ticket_fields: tuple[TicketField, ...] = TICKET_FIELDS


ZENDESK_STORE = web.AppKey("zendesk_store", ZendeskStore)
_CONFIG = web.AppKey("zendesk_config", ZendeskConfig)
#: Access tokens issued at /oauth/tokens (client credentials); accepted as bearer tokens.
_ISSUED = web.AppKey("zendesk_issued", set[str])


def create_app(config: ZendeskConfig | None = None) -> web.Application:
    config = config or ZendeskConfig()
    triggers = read_triggers(config.triggers_file.read_text()) if config.triggers_file else ()
    app = web.Application()
    app[ZENDESK_STORE] = ZendeskStore(
        seed_data=config.seed, triggers=triggers, ticket_fields=config.ticket_fields
    )
    app[_CONFIG] = config
    app[_ISSUED] = set()
    app.router.add_route("*", api.API + "/{tail:.*}", _api)
    app.router.add_post("/oauth/tokens", _oauth_token)
    app.router.add_get("/_sandbox/healthz", _healthz)
    app.router.add_post("/_sandbox/reset", _reset)
    app.router.add_get("/_sandbox/records/{object}", _records)
    app.router.add_get("/_sandbox/triggers", _get_triggers)
    app.router.add_put("/_sandbox/triggers", _put_triggers)
    app.router.add_delete("/_sandbox/triggers", _delete_triggers)
    app.router.add_get("/_sandbox/requests", _get_requests)
    app.router.add_delete("/_sandbox/requests", _delete_requests)
    return app


def run(host: str, port: int, config: ZendeskConfig | None = None) -> None:
    """Serve until interrupted (``guardrail sandbox --crm zendesk``)."""
    web.run_app(create_app(config), host=host, port=port, access_log=None, print=None)


async def _api(request: web.Request) -> web.Response:
    store, config = request.app[ZENDESK_STORE], request.app[_CONFIG]
    path = request.path.removeprefix(api.API).removesuffix("/").removesuffix(".json")
    store.requests.record(f"{request.method} {api.template(path) or request.path}")
    if config.latency_seconds:
        await asyncio.sleep(config.latency_seconds)
    call = api.Call(
        request.method, path, dict(request.query), await request.read(),
        f"{request.scheme}://{request.host}",
    )  # fmt: skip
    try:
        issued: set[str] = request.app[_ISSUED]
        bearer = config.oauth_tokens.union(issued)
        if not _authorized(request.headers.get("Authorization", ""), config, bearer, store):
            raise unauthorized()
        answer = api.dispatch(store, call)
    except ZendeskError as exc:
        return web.json_response(exc.body, status=exc.status)
    except Exception:
        log.exception("zendesk sandbox failed on %s %s", request.method, request.path)
        return web.json_response({"error": "InternalError"}, status=500)
    if answer.body is None:
        return web.Response(status=answer.status)
    return web.json_response(answer.body, status=answer.status)


def _authorized(
    header: str, config: ZendeskConfig, bearer: set[str] | frozenset[str], store: ZendeskStore
) -> bool:
    scheme, _, credential = header.partition(" ")
    credential = credential.strip()
    if scheme.lower() == "bearer":
        return credential in bearer
    if scheme.lower() != "basic":
        return False
    try:
        user, _, secret = base64.b64decode(credential, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    email, marker, _ = user.partition("/token")
    if not marker or user != f"{email}/token" or secret not in config.api_tokens:
        return False
    return any(
        u["email"] and u["email"].lower() == email.lower() and u["role"] != "end-user"
        for u in store.records("user")
    )


async def _oauth_token(request: web.Request) -> web.Response:
    """Zendesk's OAuth token endpoint, client credentials grant (form or JSON body)."""
    if request.content_type == "application/json":
        try:
            given = await request.json()
        except ValueError:
            given = None
    else:
        given = dict(await request.post())
    given = given if isinstance(given, dict) else {}
    if given.get("grant_type") != "client_credentials":
        return web.json_response(
            {"error": "unsupported_grant_type",
             "error_description": "The authorization grant type is not supported."},
            status=400,
        )  # fmt: skip
    clients = request.app[_CONFIG].oauth_clients
    client, secret = str(given.get("client_id", "")), str(given.get("client_secret", ""))
    if client not in clients or not secrets.compare_digest(clients[client], secret):
        return web.json_response(
            {"error": "invalid_client", "error_description": "Client authentication failed."},
            status=401,
        )
    token = secrets.token_hex(32)
    request.app[_ISSUED].add(token)
    return web.json_response(
        {"access_token": token, "token_type": "bearer", "scope": given.get("scope", "read write")}
    )


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def _reset(request: web.Request) -> web.Response:
    request.app[ZENDESK_STORE].reset()
    return web.Response(status=204)


async def _records(request: web.Request) -> web.Response:
    obj = request.match_info["object"]
    if obj not in OBJECTS:
        return web.json_response({"error": f"unknown object {obj!r}"}, status=404)
    return web.json_response(request.app[ZENDESK_STORE].records(obj))


async def _get_triggers(request: web.Request) -> web.Response:
    return web.json_response(dump_triggers(request.app[ZENDESK_STORE].triggers))


async def _put_triggers(request: web.Request) -> web.Response:
    try:
        triggers = read_triggers(await request.text())
    except TriggerError as exc:
        return web.json_response({"error": str(exc)}, status=400)
    request.app[ZENDESK_STORE].triggers = triggers
    return web.json_response(dump_triggers(triggers))


async def _delete_triggers(request: web.Request) -> web.Response:
    request.app[ZENDESK_STORE].triggers = ()
    return web.Response(status=204)


async def _get_requests(request: web.Request) -> web.Response:
    return web.json_response(request.app[ZENDESK_STORE].requests.snapshot())


async def _delete_requests(request: web.Request) -> web.Response:
    request.app[ZENDESK_STORE].requests.reset()
    return web.Response(status=204)
