"""The schema drift API: what the proxy's drift checks found (``guardrail.drift``).

``GET /guardrail/v1/drift`` shows the drift that stands (object, field, kind, detail, the
policies whose schemas it was found in, since when) and the last check (when, its result, why
it failed); ``POST /guardrail/v1/drift/check`` checks now, for an operator who has just changed
the CRM or the policies and will not wait for the interval, and answers the same document.
"""

from __future__ import annotations

from aiohttp import web

from guardrail.admin.jsonapi import Refusal, json_errors
from guardrail.drift import DriftWatcher

#: Where the handlers find the watcher: ``admin_app[DRIFT] = watcher``.
DRIFT: web.AppKey[DriftWatcher] = web.AppKey("DRIFT")

_PATH = "/guardrail/v1/drift"

routes = web.RouteTableDef()


@routes.get(_PATH)
async def get_drift(request: web.Request) -> web.StreamResponse:
    return web.json_response(request.app[DRIFT].report())


@routes.post(f"{_PATH}/check")
@json_errors("invalid_request")
async def check_now(request: web.Request) -> web.StreamResponse:
    watcher = request.app[DRIFT]
    if not watcher.enabled:
        raise Refusal(409, "drift_checks_off", watcher.off_reason or "drift checks are off")
    await watcher.check()
    return web.json_response(watcher.report())
