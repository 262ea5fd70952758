"""Who may call what on the admin JSON API (``/guardrail/v1/``).

A platform token may call every route. A reviewer's token may call only the routes marked
``for_reviewers`` (reading decisions, marking them, settling holds): a route is an operator's
until it is marked, so one added later is closed to reviewers by default. ``/metrics``,
``/healthz`` and ``/readyz`` take no credentials (scrapers and probes); the review page signs
its visitors in itself (``guardrail.admin.review.guard``).
"""

from __future__ import annotations

from typing import TypeVar

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from guardrail.admin.auth import Credentials, Identity

H = TypeVar("H", bound=Handler)

API_PREFIX = "/guardrail/"
#: Who the request's credentials prove its caller is, set by ``signed_in`` (and by the review
#: page's guard for its own requests).
IDENTITY: web.RequestKey[Identity] = web.RequestKey("IDENTITY", Identity)

_FOR_REVIEWERS = "_guardrail_for_reviewers"


def for_reviewers(handler: H) -> H:
    """Mark a JSON API handler as one a reviewer's token may call."""
    setattr(handler, _FOR_REVIEWERS, True)
    return handler


def signed_in(credentials: Credentials) -> Middleware:
    """The admin listener's middleware that signs JSON API callers in and keeps each role to
    its routes: 401 without a credential that counts, 403 for a reviewer off its routes."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX):
            return await handler(request)
        who = credentials.identify(request.headers.get("Authorization", ""))
        if who is None:
            return web.json_response(
                {"error": "unauthorized", "message": "send Authorization: Bearer <api token>"},
                status=401,
                headers={"WWW-Authenticate": 'Bearer realm="guardrail"'},
            )
        if not who.platform and not getattr(request.match_info.handler, _FOR_REVIEWERS, False):
            return web.json_response(
                {
                    "error": "forbidden",
                    "message": f"this is a reviewer's token (api_reviewers), which may read "
                    f"decisions, mark them and approve or reject held writes; {request.method} "
                    f"{request.path} takes a platform token (api_tokens)",
                },
                status=403,
            )
        request[IDENTITY] = who
        return await handler(request)

    return middleware
