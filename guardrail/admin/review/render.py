"""HTML for the review page: one Jinja2 environment, autoescaping everything it prints.

Everything the page shows came from outside: field values an agent wrote, transcript text a
customer said, rule messages, agent and conversation ids. So the environment escapes every
``{{ }}`` (``autoescape=True``, for every template whatever its name) and no template marks
anything safe; a missing variable is an error (StrictUndefined), not a silently empty cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2
import orjson
from aiohttp import web

from guardrail.sinks.audit.record import parse_time

#: The environment, set on the review application by ``pages.mount``.
TEMPLATES: web.AppKey[jinja2.Environment] = web.AppKey("REVIEW_TEMPLATES")

VERDICTS = {
    "allow": "Allowed",
    "block": "Blocked",
    "shadow-block": "Would block (shadow mode)",
    "post-fail": "Failed after saving",
    "hold": "Held for approval",
}
HOLD_STATES = {
    "held": "Waiting for approval",
    "executing": "Approved, being written",
    "done": "Approved and written",
    "refused": "Approved, but no longer holds: not written",
    "failed": "Approved, but the CRM refused it",
    "rejected": "Rejected",
    "expired": "Expired (nobody approved it in time)",
}
FINDINGS = {"confirmed": "Confirmed", "false_positive": "False positive"}


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("guardrail.admin.review", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = when
    env.filters["shown"] = shown
    env.globals["VERDICTS"] = VERDICTS
    env.globals["FINDINGS"] = FINDINGS
    env.globals["HOLD_STATES"] = HOLD_STATES
    return env


def render(
    request: web.Request, name: str, context: Mapping[str, Any], status: int = 200
) -> web.Response:
    """``name`` rendered with ``context`` and the links every page has."""
    router = request.app.router
    page = (
        request.app[TEMPLATES]
        .get_template(name)
        .render(
            {
                **context,
                "list_url": router["list"].url_for(),
                "css_url": router["css"].url_for(),
            }
        )
    )
    return web.Response(text=page, status=status, content_type="text/html", charset="utf-8")


def when(at: str) -> str:
    """A record's time for people: to the second, in UTC, saying so."""
    return parse_time(at).strftime("%Y-%m-%d %H:%M:%S UTC")


def shown(value: Any) -> str:
    """A field value as text: a string as it is, anything else as JSON (``null``, ``12.5``)."""
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()
