"""The sandbox's HTTP server: Salesforce's REST API plus a few admin endpoints.

Salesforce surface (bearer auth, any ``vXX.X``): see ``routes.py``. ``GET /services/data``
(the version list) needs no token, as on Salesforce.

Admin endpoints (sandbox only, no auth; never part of a real CRM):

- ``GET /_sandbox/healthz``: ``{"status": "ok"}``.
- ``GET /_sandbox/records/{Object}``: every live record of the object, as a JSON list.
- ``POST /_sandbox/reset``: back to the original data model and the seed data (triggers are
  kept); 204.
- ``POST /_sandbox/schema/{Object}/fields``: add a field; ``PATCH`` and ``DELETE
  /_sandbox/schema/{Object}/fields/{Field}``: change or remove one (``model_changes.py``);
  describe and every write follow at once. 201/200 with the field's describe, 204; 400, 404
  or 409 ``{"error"}`` say what is wrong.
- ``GET /_sandbox/triggers``: the triggers in force, ``{"triggers": [...]}``.
- ``PUT /_sandbox/triggers``: replace them (JSON or YAML, same document); 400 says what is wrong.
- ``DELETE /_sandbox/triggers``: remove them all; 204.
- ``GET /_sandbox/requests``: ``{"total": n, "by_route": {...}}``, the API requests that
  reached the sandbox (see ``traffic.py``); ``DELETE /_sandbox/requests`` zeroes it; 204.
- ``GET /_sandbox/oauth``, ``POST /_sandbox/oauth/expire``: the OAuth sessions issued at
  ``/services/oauth2/token`` (``oauth.py``), counted, and ended at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from guardrail.sandbox.api import (
    API_ROOT,
    ApiRequest,
    ApiResponse,
    Context,
    Router,
    split_versioned,
)
from guardrail.sandbox.config import SandboxConfig
from guardrail.sandbox.errors import ApiError, not_found
from guardrail.sandbox.model_changes import ModelChangeError, parse_change, parse_new_field
from guardrail.sandbox.oauth import OAUTH, OAuthServer, add_routes
from guardrail.sandbox.rest import LATEST_VERSION, api_versions
from guardrail.sandbox.routes import build_router
from guardrail.sandbox.schema import describe_field
from guardrail.sandbox.seed import CUSTOMERS
from guardrail.sandbox.store import SandboxStore
from guardrail.sandbox.triggers import TriggerError, dump_triggers, load_triggers, read_triggers

STORE = web.AppKey("sandbox_store", SandboxStore)
_CONFIG = web.AppKey("sandbox_config", SandboxConfig)
_ROUTER = web.AppKey("sandbox_router", Router)
_INVALID_SESSION = ApiError(401, "INVALID_SESSION_ID", "Session expired or invalid")

log = logging.getLogger(__name__)


def create_app(config: SandboxConfig | None = None) -> web.Application:
    config = config or SandboxConfig()
    triggers = load_triggers(config.triggers_file) if config.triggers_file else ()
    app = web.Application()
    app[STORE] = SandboxStore(seed=config.seed, triggers=triggers)
    app[_CONFIG] = config
    add_routes(app, OAuthServer(config.oauth_clients, config.token_lifetime_seconds))
    app[_ROUTER] = build_router()
    app.router.add_get(API_ROOT, _versions)
    app.router.add_get(f"{API_ROOT}/", _versions)
    app.router.add_route("*", API_ROOT + "/{tail:.*}", _salesforce)
    app.router.add_get("/_sandbox/healthz", _healthz)
    app.router.add_get("/_sandbox/records/{sobject}", _records)
    app.router.add_post("/_sandbox/reset", _reset)
    app.router.add_post("/_sandbox/schema/{sobject}/fields", _add_field)
    app.router.add_patch("/_sandbox/schema/{sobject}/fields/{field}", _change_field)
    app.router.add_delete("/_sandbox/schema/{sobject}/fields/{field}", _remove_field)
    app.router.add_get("/_sandbox/triggers", _get_triggers)
    app.router.add_put("/_sandbox/triggers", _put_triggers)
    app.router.add_delete("/_sandbox/triggers", _delete_triggers)
    app.router.add_get("/_sandbox/requests", _get_requests)
    app.router.add_delete("/_sandbox/requests", _delete_requests)
    return app


def run(host: str, port: int, config: SandboxConfig | None = None) -> None:
    """Serve until interrupted (the ``guardrail sandbox`` command), saying once listening
    where, with which credentials, and which sample records it holds."""
    config = config or SandboxConfig()
    text = banner(f"http://{host}:{port}", config)
    web.run_app(
        create_app(config),
        host=host,
        port=port,
        access_log=None,
        print=lambda _: print(text, flush=True),
    )


def banner(url: str, config: SandboxConfig) -> str:
    """What a person starting the sandbox needs to point a client (or the proxy) at it."""
    lines = [
        f"Salesforce-shaped sandbox CRM listening on {url}",
        f"  REST API:      {url}/services/data/v{LATEST_VERSION}.0/",
        f"  access tokens: {', '.join(sorted(config.access_tokens))} (Authorization: Bearer ...)",
    ]
    for client, secret in sorted(config.oauth_clients.items()):
        lines.append(
            f"  OAuth client:  {client} / {secret} (client credentials at "
            f"{url}/services/oauth2/token)"
        )
    if config.seed:
        lines.append("  sample records:")
        lines += [f"    {r.sobject:<8} {r.id}  {_label(r.values)}" for r in CUSTOMERS]
    lines.append("Ctrl+C stops it (its records live in memory only).")
    return "\n".join(lines)


def _label(values: Mapping[str, Any]) -> str:
    name = values.get("Name") or values.get("Subject")
    if name is None:
        name = f"{values.get('FirstName', '')} {values.get('LastName', '')}".strip()
    extra = {k: values[k] for k in ("Status__c", "Status", "Reason", "AccountId") if k in values}
    return f"{name}" + "".join(f", {k} {v}" for k, v in extra.items())


async def _versions(request: web.Request) -> web.Response:
    request.app[STORE].requests.record(f"{request.method} {API_ROOT}")
    return web.json_response(api_versions())


async def _salesforce(request: web.Request) -> web.Response:
    config = request.app[_CONFIG]
    router = request.app[_ROUTER]
    versioned = split_versioned(request.rel_url.raw_path)
    template = router.template(versioned[1]) if versioned else None
    request.app[STORE].requests.record(f"{request.method} {template or request.path}")
    if config.latency_seconds:
        await asyncio.sleep(config.latency_seconds)
    if not _authorized(request, config.access_tokens, request.app[OAUTH]):
        return _http(ApiResponse.error(_INVALID_SESSION))
    if versioned is None:
        return _http(ApiResponse.error(not_found()))
    version, path = versioned
    ctx = Context(request.app[STORE], version, router)
    call = ApiRequest(
        request.method, path, dict(request.query), await request.read(), request.headers
    )
    try:
        response = ctx.router.dispatch(ctx, call)
    except Exception:
        log.exception("sandbox failed on %s %s", request.method, request.path)
        response = ApiResponse.error(
            ApiError(500, "UNKNOWN_EXCEPTION", "An unexpected error occurred in the sandbox.")
        )
    answer = _http(response)
    if answer.body is not None:  # as Salesforce does, when Accept-Encoding allows it
        answer.enable_compression()
    return answer


def _authorized(request: web.Request, tokens: frozenset[str], oauth: OAuthServer) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return scheme.lower() in ("bearer", "oauth") and (token in tokens or oauth.valid(token))


def _http(response: ApiResponse) -> web.Response:
    if response.body is None:  # 204, 304
        return web.Response(status=response.status, headers=response.headers)
    if isinstance(response.body, bytes):  # a Bulk API CSV
        return web.Response(status=response.status, body=response.body, headers=response.headers)
    return web.json_response(response.body, status=response.status, headers=response.headers)


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def _records(request: web.Request) -> web.Response:
    store = request.app[STORE]
    stype = store.schema.get(request.match_info["sobject"])
    if stype is None:
        return _admin_error(404, f"unknown object {request.match_info['sobject']!r}")
    return web.json_response(store.records(stype.name))


async def _reset(request: web.Request) -> web.Response:
    request.app[STORE].reset()
    return web.Response(status=204)


async def _add_field(request: web.Request) -> web.Response:
    try:
        new = parse_new_field(await _json(request))
        field = request.app[STORE].add_field(request.match_info["sobject"], new)
    except ModelChangeError as exc:
        return _admin_error(exc.status, exc.message)
    return web.json_response(describe_field(field), status=201)


async def _change_field(request: web.Request) -> web.Response:
    info = request.match_info
    try:
        change = parse_change(await _json(request))
        field = request.app[STORE].change_field(info["sobject"], info["field"], change)
    except ModelChangeError as exc:
        return _admin_error(exc.status, exc.message)
    return web.json_response(describe_field(field))


async def _remove_field(request: web.Request) -> web.Response:
    info = request.match_info
    try:
        request.app[STORE].remove_field(info["sobject"], info["field"])
    except ModelChangeError as exc:
        return _admin_error(exc.status, exc.message)
    return web.Response(status=204)


async def _json(request: web.Request) -> Any:
    try:
        return json.loads(await request.read())
    except ValueError as exc:
        raise ModelChangeError(400, f"the body is not JSON: {exc}") from None


async def _get_triggers(request: web.Request) -> web.Response:
    return web.json_response(dump_triggers(request.app[STORE].triggers))


async def _put_triggers(request: web.Request) -> web.Response:
    try:
        triggers = read_triggers(await request.text(), "request body")
    except TriggerError as exc:
        return _admin_error(400, str(exc))
    request.app[STORE].triggers = triggers
    return web.json_response(dump_triggers(triggers))


async def _delete_triggers(request: web.Request) -> web.Response:
    request.app[STORE].triggers = ()
    return web.Response(status=204)


async def _get_requests(request: web.Request) -> web.Response:
    return web.json_response(request.app[STORE].requests.snapshot())


async def _delete_requests(request: web.Request) -> web.Response:
    request.app[STORE].requests.reset()
    return web.Response(status=204)


def _admin_error(status: int, message: str) -> web.Response:
    body: dict[str, Any] = {"error": message}
    return web.json_response(body, status=status)
