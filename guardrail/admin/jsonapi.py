"""What every JSON resource of the admin API shares: errors that say what to fix, and bodies.

Callers are programs, so every answer, errors included, is JSON: a ``Refusal`` raised inside a
handler becomes its status and ``{"error", "message", ...}``; a body that fails validation is a
422 naming each invalid field as the caller wrote it (``turns[3].role``); a dependency that is
down (the conversation store, the audit log) is its 503 with the reason. A body is read as
strictly as an agent's write (``guardrail.crm.canonical.parse_json``): a key given twice, or
nesting past what any body needs, is a 400, so no approval means one thing to one reader and
another to the next.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiohttp import web
from pydantic import ValidationError

from guardrail.crm.canonical import BodyLimits, parse_json
from guardrail.errors import DependencyFailure, MalformedBody

MAX_BODY_BYTES = 1024 * 1024
#: A text may fill the body (a transcript turn, metadata): no CRM field bounds it here.
_LIMITS = BodyLimits(max_bytes=MAX_BODY_BYTES, max_string_chars=MAX_BODY_BYTES)
# The tag pydantic appends to a field's location for each member of a union it tried
# (``entitlements.x.int``), by the start of the error types each member raises.
_UNION_TAGS = {"str": "string_", "int": "int_", "float": "float_", "bool": "bool_"}

log = structlog.get_logger("guardrail")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Refusal(Exception):
    """An answer other than success, raised from inside a handler and sent as JSON."""

    def __init__(self, status: int, error: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"error": error, "message": message, **extra}


def json_errors(invalid: str) -> Callable[[Handler], Handler]:
    """Every failure a handler meets, as the JSON error the caller can act on; ``invalid`` is
    the error name of a body that does not validate (``invalid_conversation``)."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def answer(request: web.Request) -> web.StreamResponse:
            try:
                return await handler(request)
            except Refusal as refusal:
                return web.json_response(refusal.body, status=refusal.status)
            except ValidationError as exc:
                found = problems(exc)
                summary = "; ".join(f"{p['field']}: {p['message']}" for p in found)
                body = {"error": invalid, "message": summary, "errors": found}
                return web.json_response(body, status=422)
            except DependencyFailure as exc:
                error = exc.code.removeprefix("GUARDRAIL_").lower()
                log.warning(error, error=exc.message, path=request.path)
                body = {"error": error, "message": exc.message}
                return web.json_response(body, status=exc.status)

        return answer

    return decorate


async def json_body(request: web.Request) -> Any:
    content_type = request.content_type
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise Refusal(
            400, "invalid_json", f"send Content-Type: application/json, not {content_type!r}"
        )
    body = await _read_body(request)
    try:  # as strictly as an agent's: one reading (no key twice), bounded nesting and numbers
        return parse_json(body, _LIMITS)
    except MalformedBody as exc:
        raise Refusal(400, "invalid_json", exc.message) from None


async def _read_body(request: web.Request) -> bytes:
    """The body, refused as soon as it is known to pass MAX_BODY_BYTES (not read in full)."""
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise _too_large()
    body = bytearray()
    async for chunk in request.content.iter_any():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise _too_large()
    return bytes(body)


def _too_large() -> Refusal:
    return Refusal(413, "body_too_large", f"the body is over {MAX_BODY_BYTES} bytes")


def problems(exc: ValidationError) -> list[dict[str, str]]:
    """One entry per invalid field, named as the caller wrote it (``turns[3].role``)."""
    messages: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False):
        loc = error["loc"]
        tag = loc[-1] if loc else None
        if isinstance(tag, str) and error["type"].startswith(_UNION_TAGS.get(tag, "\0")):
            loc = loc[:-1]  # a value no member of a union took: name the field once
        found = messages.setdefault(_field(loc), [])
        if error["msg"] not in found:
            found.append(error["msg"])
    return [{"field": field, "message": "; ".join(msgs)} for field, msgs in messages.items()]


def _field(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path or "body"
