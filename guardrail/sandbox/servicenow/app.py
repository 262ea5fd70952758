"""The sandbox instance's HTTP server: ServiceNow's Table, Batch and Import Set APIs, OAuth.

Every ``/api/now/...`` call needs ``Authorization: Basic`` (a configured user) or ``Bearer``
(a configured token, or one issued at ``/oauth_token.do``); otherwise 401 "User Not
Authenticated"; an authenticated call's answer sets a ``JSESSIONID`` session cookie, as the
platform's does. ``POST /api/now[/v1]/batch`` runs each ``rest_requests`` item (its ``body``
base64) as a call of its own, in order, and answers each in ``serviced_requests`` (status,
base64 body, headers unless ``exclude_response_headers``), as the platform does; an item is
not a transaction with the others.

``POST /oauth_token.do`` (form): ``grant_type`` ``password`` (``client_id``,
``client_secret``, ``username``, ``password``), ``client_credentials`` or ``refresh_token``:
``{"access_token", "refresh_token", "scope", "token_type": "Bearer", "expires_in"}``; a wrong
client or user: 401 ``{"error": "access_denied", ...}``.

Admin endpoints (sandbox only, no auth): ``GET /_sandbox/healthz``; ``GET
/_sandbox/records/{table}``; ``POST /_sandbox/reset`` (the seed, rules kept); ``GET``,
``DELETE /_sandbox/changes`` (what the API changed); ``GET``, ``DELETE /_sandbox/requests``
(the API calls that reached it, by route); ``GET``, ``PUT``, ``DELETE
/_sandbox/business_rules`` (JSON or YAML ``{"business_rules": [...]}``, ``rules.py``);
``POST /_sandbox/oauth/expire`` (every issued token ends); ``PUT
/_sandbox/choices/{table}/{element}`` (a choice list replaced, ``{value: label}``: describe
and reads follow; ``reset`` restores it).
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape as xml_escape

import yaml
from aiohttp import web

from guardrail.sandbox.servicenow.api import STATUS_TEXT, Answer, Call, handle, route
from guardrail.sandbox.servicenow.config import InstanceConfig
from guardrail.sandbox.servicenow.errors import InstanceError, bad_payload, not_authenticated
from guardrail.sandbox.servicenow.rules import RuleError, load_rules, read_rules
from guardrail.sandbox.servicenow.store import InstanceStore
from guardrail.sandbox.traffic import RequestCounter

INSTANCE = web.AppKey("servicenow_store", InstanceStore)
REQUESTS = web.AppKey("servicenow_requests", RequestCounter)


class Instance:
    """Who may call (users, tokens, issued tokens) and the store they call."""

    def __init__(self, config: InstanceConfig, store: InstanceStore) -> None:
        self.config = config
        self.store = store
        self.issued: dict[str, float] = {}  # token -> when it expires
        self.requests = RequestCounter()

    def user(self, authorization: str | None) -> str:
        """The user an Authorization header names; raises InstanceError 401."""
        scheme, _, credential = (authorization or "").partition(" ")
        if scheme.lower() == "basic":
            try:
                name, _, password = (
                    base64.b64decode(credential, validate=True).decode().partition(":")
                )
            except (binascii.Error, UnicodeDecodeError):
                raise not_authenticated() from None
            if self.config.users.get(name) == password and password:
                return name
        elif scheme.lower() == "bearer":
            if credential in self.config.access_tokens:
                return "admin"
            expires = self.issued.get(credential)
            if expires is not None and expires > time.monotonic():
                return "admin"
        raise not_authenticated()

    def issue(self) -> dict[str, Any]:
        token = secrets.token_urlsafe(32)
        self.issued[token] = time.monotonic() + self.config.token_lifetime_seconds
        return {
            "access_token": token,
            "refresh_token": secrets.token_urlsafe(32),
            "scope": "useraccount",
            "token_type": "Bearer",
            "expires_in": int(self.config.token_lifetime_seconds),
        }


_SERVER = web.AppKey("servicenow_server", Instance)


def create_app(config: InstanceConfig | None = None) -> web.Application:
    config = config or InstanceConfig()
    rules = load_rules(config.rules_file) if config.rules_file else ()
    instance = Instance(config, InstanceStore(seed_customers=config.seed, rules=rules))
    app = web.Application()
    app[INSTANCE] = instance.store
    app[REQUESTS] = instance.requests
    app[_SERVER] = instance
    app.router.add_route("*", "/api/{tail:.*}", _api)
    app.router.add_post("/oauth_token.do", _token)
    app.router.add_get("/_sandbox/healthz", _healthz)
    app.router.add_get("/_sandbox/records/{table}", _records)
    app.router.add_post("/_sandbox/reset", _reset)
    app.router.add_route("*", "/_sandbox/changes", _changes)
    app.router.add_route("*", "/_sandbox/requests", _requests)
    app.router.add_route("*", "/_sandbox/business_rules", _rules)
    app.router.add_post("/_sandbox/oauth/expire", _expire)
    app.router.add_put("/_sandbox/choices/{table}/{element}", _choices)
    return app


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status,
        body=b"" if body is None else json.dumps(body).encode(),
        content_type="application/json",
        charset="utf-8",
        headers=headers,
    )


def _answer(answer: Answer, asked: Mapping[str, str]) -> web.Response:
    if answer.status == 204:
        return web.Response(status=204, headers=answer.headers)
    body, content_type = _as_asked(answer, asked)
    return web.Response(
        status=answer.status, body=body, headers={**answer.headers, "Content-Type": content_type}
    )


def _as_asked(answer: Answer, asked: Mapping[str, str]) -> tuple[bytes, str]:
    """An answer's body and type as the request's headers ask (``asked``: lower-case names):
    none for a write sent with ``X-no-response-body: true``, XML when ``Accept`` prefers it to
    JSON, else JSON; as the platform answers."""
    if asked.get("x-no-response-body", "").lower() == "true" and answer.status < 300:
        return b"", "application/json;charset=UTF-8"
    if _prefers_xml(asked.get("accept", "").lower()):
        return _xml(answer.body), "application/xml;charset=UTF-8"
    return answer.encoded(), "application/json;charset=UTF-8"


#: The media ranges taking JSON and XML, the types the platform answers in, most specific first.
_RANGES = {
    "json": ("application/json", "application/*", "*/*"),
    "xml": ("application/xml", "text/xml", "application/*", "text/*", "*/*"),
}


def _prefers_xml(accept: str) -> bool:
    """Whether ``accept`` prefers XML to JSON, as the platform negotiates: each type takes the
    quality of the most specific range naming it; the higher wins, the one listed first on a
    tie; JSON, the default, when one range takes both or nothing is said."""
    ranges: dict[str, tuple[float, int]] = {}  # range -> (quality, position)
    for position, given in enumerate(accept.split(",")):
        media, *params = (part.strip() for part in given.split(";"))
        quality = next((p.partition("=")[2] for p in params if p.startswith("q=")), "1")
        try:
            ranges.setdefault(media, (float(quality), position))
        except ValueError:
            ranges.setdefault(media, (0.0, position))

    def taking(kind: str) -> tuple[str, float, int]:
        found = next((r for r in _RANGES[kind] if r in ranges), "")
        return (found, *ranges[found]) if found else ("", 0.0, 0)

    (json_range, json_q, json_at), (xml_range, xml_q, xml_at) = taking("json"), taking("xml")
    if xml_q <= 0 or xml_range == json_range:
        return False
    return xml_q > json_q or (xml_q == json_q and xml_at < json_at)


def _xml(value: Any, tag: str = "response") -> bytes:
    """A JSON answer as the platform's XML: each key an element, a list's items ``result``."""
    if isinstance(value, dict):
        inner = b"".join(_xml(v, k) for k, v in value.items())
    elif isinstance(value, list):
        inner = b"".join(_xml(v, "result") for v in value)
    else:
        inner = xml_escape("" if value is None else str(value)).encode()
    return f"<{tag}>".encode() + inner + f"</{tag}>".encode()


def _base_url(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


async def _api(request: web.Request) -> web.Response:
    instance = request.app[_SERVER]
    body = await request.read()
    call = Call(request.method, request.path, dict(request.query), body, "", _base_url(request))
    instance.requests.record(route(call) if request.path != "/api/now/v1/batch" else "POST /batch")
    try:
        user = instance.user(request.headers.get("Authorization"))
    except InstanceError as exc:
        return _json(exc.status, exc.body())
    call = Call(call.method, call.path, call.query, body, user, call.base_url)
    answer = _authenticated(instance.store, call, request)
    # The session the platform opens for each authenticated call: a client re-sending its
    # cookies re-uses it (ServiceNow, "Persisting an HTTP session across all SOAP calls").
    answer.set_cookie("JSESSIONID", secrets.token_hex(16).upper(), path="/", httponly=True)
    return answer


def _authenticated(store: InstanceStore, call: Call, request: web.Request) -> web.Response:
    if request.path.rstrip("/") in ("/api/now/batch", "/api/now/v1/batch"):
        if request.method != "POST":
            return _json(
                405,
                {"error": {"message": "Method not Supported", "detail": None}, "status": "failure"},
            )
        return _batch(store, call)
    asked = {k.lower(): v for k, v in request.headers.items()}
    return _answer(handle(store, call), asked)


def _batch(store: InstanceStore, call: Call) -> web.Response:
    try:
        batch = json.loads(call.body)
        items = batch["rest_requests"]
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return _json(400, bad_payload().body())
    serviced = []
    for item in items:
        started = time.perf_counter()
        url = urlsplit(str(item.get("url", "")))
        try:
            body = base64.b64decode(item.get("body") or "", validate=True)
        except binascii.Error:
            body = b"\x00"  # not base64: read as a payload that is not JSON
        inner = Call(
            str(item.get("method", "GET")).upper(),
            url.path,
            dict(parse_qsl(url.query)),
            body,
            call.user,
            call.base_url,
        )
        answer = handle(store, inner)
        given = item.get("headers")
        asked = {
            str(h.get("name", "")).lower(): str(h.get("value", ""))
            for h in (given if isinstance(given, list) else [])
            if isinstance(h, dict)
        }
        body, content_type = _as_asked(answer, asked)
        headers = (
            []
            if item.get("exclude_response_headers")
            else [
                {"name": k, "value": v}
                for k, v in {
                    **answer.headers,
                    "Content-Type": content_type,
                }.items()
            ]
        )
        serviced.append(
            {
                "id": str(item.get("id", "")),
                "body": base64.b64encode(body).decode(),
                "status_code": answer.status,
                "status_text": STATUS_TEXT.get(answer.status, ""),
                "headers": headers,
                "execution_time": int((time.perf_counter() - started) * 1000),
            }
        )
    batch_id = batch.get("batch_request_id")
    return _json(
        200,
        {
            "batch_request_id": None if batch_id is None else str(batch_id),
            "serviced_requests": serviced,
            "unserviced_requests": [],
        },
    )


async def _token(request: web.Request) -> web.Response:
    instance = request.app[_SERVER]
    form = dict(await request.post())
    grant = form.get("grant_type")
    client, secret = form.get("client_id"), form.get("client_secret")
    denied = _json(401, {"error_description": "access_denied", "error": "server_error"})
    if not isinstance(client, str) or instance.config.oauth_clients.get(client) != secret:
        return denied
    if grant == "password":
        name, password = form.get("username"), form.get("password")
        if not isinstance(name, str) or instance.config.users.get(name) != password:
            return denied
    elif grant not in ("client_credentials", "refresh_token"):
        return _json(400, {"error_description": "invalid_grant", "error": "invalid_request"})
    return _json(200, instance.issue())


async def _healthz(request: web.Request) -> web.Response:
    return _json(200, {"status": "ok"})


async def _records(request: web.Request) -> web.Response:
    store = request.app[INSTANCE]
    try:
        return _json(200, store.records(request.match_info["table"]))
    except InstanceError as exc:
        return _json(exc.status, exc.body())


async def _reset(request: web.Request) -> web.Response:
    request.app[INSTANCE].reset()
    return web.Response(status=204)


async def _changes(request: web.Request) -> web.Response:
    store = request.app[INSTANCE]
    if request.method == "DELETE":
        store.changes.clear()
        return web.Response(status=204)
    return _json(200, {"changes": [asdict(c) for c in store.changes]})


async def _requests(request: web.Request) -> web.Response:
    counter = request.app[REQUESTS]
    if request.method == "DELETE":
        counter.reset()
        return web.Response(status=204)
    return _json(200, counter.snapshot())


async def _rules(request: web.Request) -> web.Response:
    store = request.app[INSTANCE]
    if request.method == "PUT":
        try:
            store.rules = read_rules(yaml.safe_load(await request.text()))
        except (RuleError, yaml.YAMLError) as exc:
            return _json(400, {"error": str(exc)})
    elif request.method == "DELETE":
        store.rules = ()
        return web.Response(status=204)
    return _json(200, {"business_rules": [r.as_dict() for r in store.rules]})


async def _choices(request: web.Request) -> web.Response:
    store = request.app[INSTANCE]
    try:
        choices = await request.json()
        if not isinstance(choices, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in choices.items()
        ):
            raise ValueError
        store.set_choices(request.match_info["table"], request.match_info["element"], choices)
    except ValueError:
        return _json(400, {"error": "the body is a JSON object of choice values to labels"})
    except InstanceError as exc:
        return _json(exc.status, exc.body())
    return web.Response(status=204)


async def _expire(request: web.Request) -> web.Response:
    request.app[_SERVER].issued.clear()
    return web.Response(status=204)


def run(host: str, port: int, config: InstanceConfig | None = None) -> None:
    web.run_app(create_app(config), host=host, port=port, access_log=None)
