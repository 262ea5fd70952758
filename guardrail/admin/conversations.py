"""The conversation context API (DESIGN.md, "Conversation context API").

The contact-center platform tells the proxy about each conversation here (who the customer is,
what they are entitled to, what was said, how it ended); GET shows it with the reads and writes
the proxy saw. Callers are programs, so every answer, errors included, is JSON that says what to
fix: 400 for an id or body that is not JSON, 422 naming each invalid field, 413 for a body over
MAX_BODY_BYTES, 404 for a conversation that is unknown or has expired, 503 when the store is down.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any, NoReturn

import structlog
from aiohttp import web
from pydantic import ValidationError

from guardrail.context.model import Conversation, ConversationIn, ConversationPatch, TurnsIn
from guardrail.context.store import ConversationStore
from guardrail.errors import ContextUnavailable

#: Where the handlers find the store: ``admin_app[CONVERSATIONS] = store``.
CONVERSATIONS: web.AppKey[ConversationStore] = web.AppKey("CONVERSATIONS")
MAX_BODY_BYTES = 1024 * 1024

_PATH = "/guardrail/v1/conversations/{id}"
_ID = re.compile(r"[A-Za-z0-9._:@-]{1,200}")
# The tag pydantic appends to a field's location for each member of a union it tried
# (``entitlements.x.int``), by the start of the error types each member raises.
_UNION_TAGS = {"str": "string_", "int": "int_", "float": "float_", "bool": "bool_"}

log = structlog.get_logger("guardrail")
routes = web.RouteTableDef()

_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class _Refusal(Exception):
    """An answer other than success, raised from inside a handler and sent as JSON."""

    def __init__(self, status: int, error: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"error": error, "message": message, **extra}


def _json_errors(handler: _Handler) -> _Handler:
    """Every failure a handler meets, as the JSON error the caller can act on."""

    @functools.wraps(handler)
    async def answer(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except _Refusal as refusal:
            return web.json_response(refusal.body, status=refusal.status)
        except ValidationError as exc:  # the body, or the conversation a change would make
            problems = _problems(exc)
            summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
            body = {"error": "invalid_conversation", "message": summary, "errors": problems}
            return web.json_response(body, status=422)
        except ContextUnavailable as exc:
            log.warning("conversation_store_unavailable", error=exc.message, path=request.path)
            body = {"error": "context_unavailable", "message": exc.message}
            return web.json_response(body, status=exc.status)

    return answer


@routes.put(_PATH)
@_json_errors
async def put_conversation(request: web.Request) -> web.StreamResponse:
    conversation_id = _conversation_id(request)
    data = ConversationIn.model_validate(await _json_body(request))
    store = request.app[CONVERSATIONS]
    existed = await store.get(conversation_id) is not None
    conversation = await store.put(conversation_id, data)
    if existed:
        return _ok(conversation)
    return _ok(conversation, status=201, headers={"Location": request.path})


@routes.post(_PATH + "/turns")
@_json_errors
async def append_turns(request: web.Request) -> web.StreamResponse:
    conversation_id = _conversation_id(request)
    data = TurnsIn.model_validate(await _json_body(request))
    conversation = await request.app[CONVERSATIONS].append_turns(conversation_id, data.turns)
    if conversation is None:
        raise _not_found(conversation_id)
    return _ok(conversation)


@routes.patch(_PATH)
@_json_errors
async def patch_conversation(request: web.Request) -> web.StreamResponse:
    conversation_id = _conversation_id(request)
    data = ConversationPatch.model_validate(await _json_body(request))
    conversation = await request.app[CONVERSATIONS].patch(conversation_id, data)
    if conversation is None:
        raise _not_found(conversation_id)
    return _ok(conversation)


@routes.get(_PATH)
@_json_errors
async def get_conversation(request: web.Request) -> web.StreamResponse:
    conversation_id = _conversation_id(request)
    conversation = await request.app[CONVERSATIONS].get(conversation_id)
    if conversation is None:
        raise _not_found(conversation_id)
    return _ok(conversation)


@routes.delete(_PATH)
@_json_errors
async def delete_conversation(request: web.Request) -> web.StreamResponse:
    conversation_id = _conversation_id(request)
    if not await request.app[CONVERSATIONS].delete(conversation_id):
        raise _not_found(conversation_id)
    return web.Response(status=204)


def _ok(conversation: Conversation, status: int = 200, **kwargs: Any) -> web.Response:
    return web.json_response(text=conversation.model_dump_json(), status=status, **kwargs)


def _not_found(conversation_id: str) -> _Refusal:
    return _Refusal(
        404,
        "conversation_not_found",
        f"no conversation {conversation_id!r}: never created, deleted, or idle past its expiry",
    )


def _conversation_id(request: web.Request) -> str:
    conversation_id = request.match_info["id"]
    if not _ID.fullmatch(conversation_id):
        raise _Refusal(
            400,
            "invalid_conversation_id",
            "a conversation id is 1 to 200 characters of A-Z, a-z, 0-9, '.', '_', ':', '@', '-'",
        )
    return conversation_id


async def _json_body(request: web.Request) -> Any:
    content_type = request.content_type
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise _Refusal(
            400, "invalid_json", f"send Content-Type: application/json, not {content_type!r}"
        )
    body = await _read_body(request)
    try:
        return json.loads(body, parse_constant=_reject_constant)
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, NaN and Infinity
        raise _Refusal(400, "invalid_json", f"the body is not valid JSON: {exc}") from None


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


def _too_large() -> _Refusal:
    return _Refusal(413, "body_too_large", f"the body is over {MAX_BODY_BYTES} bytes")


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def _problems(exc: ValidationError) -> list[dict[str, str]]:
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
