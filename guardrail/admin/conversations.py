"""The conversation context API (DESIGN.md, "Conversation context API").

The contact-center platform tells the proxy about each conversation here (who the customer is,
what they are entitled to, what was said, how it ended); GET shows it with the reads and writes
the proxy saw. Callers are programs, so every answer, errors included, is JSON that says what to
fix: 400 for an id or body that is not JSON, 422 naming each invalid field, 413 for a body over
MAX_BODY_BYTES, 404 for a conversation that is unknown or has expired, 503 when the store is down
(``guardrail.admin.jsonapi``). Deleting a conversation revokes its agent tokens.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from aiohttp import web

from guardrail.admin.jsonapi import MAX_BODY_BYTES, Refusal, json_body, json_errors
from guardrail.context.model import Conversation, ConversationIn, ConversationPatch, TurnsIn
from guardrail.context.store import ConversationStore
from guardrail.tokens.gate import TokenGate
from guardrail.understanding.service import current, stored_reading

__all__ = ["CONVERSATIONS", "MAX_BODY_BYTES", "TOKENS", "conversation_id_of", "routes"]

#: Where the handlers find the store: ``admin_app[CONVERSATIONS] = store``.
CONVERSATIONS: web.AppKey[ConversationStore] = web.AppKey("CONVERSATIONS")
#: The agent tokens (``auth_mode: token``; absent in pass-through), revoked with their
#: conversation and issued by ``guardrail.admin.tokens``.
TOKENS: web.AppKey[TokenGate] = web.AppKey("TOKENS")

_PATH = "/guardrail/v1/conversations/{id}"
_ID = re.compile(r"[A-Za-z0-9._:@-]{1,200}")

routes = web.RouteTableDef()


@routes.put(_PATH)
@json_errors("invalid_conversation")
async def put_conversation(request: web.Request) -> web.StreamResponse:
    conversation_id = conversation_id_of(request)
    data = ConversationIn.model_validate(await json_body(request))
    store = request.app[CONVERSATIONS]
    existed = await store.get(conversation_id) is not None
    conversation = await understood(store, await store.put(conversation_id, data))
    if existed:
        return _ok(conversation)
    return _ok(conversation, status=201, headers={"Location": request.path})


@routes.post(_PATH + "/turns")
@json_errors("invalid_conversation")
async def append_turns(request: web.Request) -> web.StreamResponse:
    conversation_id = conversation_id_of(request)
    data = TurnsIn.model_validate(await json_body(request))
    store = request.app[CONVERSATIONS]
    conversation = await store.append_turns(conversation_id, data.turns)
    if conversation is None:
        raise _not_found(conversation_id)
    return _ok(await understood(store, conversation))


@routes.patch(_PATH)
@json_errors("invalid_conversation")
async def patch_conversation(request: web.Request) -> web.StreamResponse:
    conversation_id = conversation_id_of(request)
    data = ConversationPatch.model_validate(await json_body(request))
    store = request.app[CONVERSATIONS]
    conversation = await store.patch(conversation_id, data)
    if conversation is None:
        raise _not_found(conversation_id)
    return _ok(await understood(store, conversation))


@routes.get(_PATH)
@json_errors("invalid_conversation")
async def get_conversation(request: web.Request) -> web.StreamResponse:
    conversation_id = conversation_id_of(request)
    conversation = await request.app[CONVERSATIONS].get(conversation_id)
    if conversation is None:
        raise _not_found(conversation_id)
    return _ok(conversation)


@routes.delete(_PATH)
@json_errors("invalid_conversation")
async def delete_conversation(request: web.Request) -> web.StreamResponse:
    conversation_id = conversation_id_of(request)
    tokens = request.app.get(TOKENS)
    if tokens is not None:  # first: a token must not outlive a conversation deleted or not
        await tokens.revoke_conversation(conversation_id)
    if not await request.app[CONVERSATIONS].delete(conversation_id):
        raise _not_found(conversation_id)
    return web.Response(status=204)


async def understood(store: ConversationStore, conversation: Conversation) -> Conversation:
    """The conversation with its reading (guardrail.understanding) for this rev, computed here,
    when what the platform said arrives, and stored beside it so no write waits for it; a
    backend that is slow (an LLM endpoint) runs off the event loop. A reading that lost a race
    with newer turns is not stored (the write path then reads the newer turns itself)."""
    if stored_reading(conversation) is not None:
        return conversation
    reading = await asyncio.to_thread(current().understand, conversation.turns, conversation.rev)
    data = reading.to_json()
    await store.save_understanding(conversation.id, conversation.rev, data)
    return conversation.model_copy(update={"understanding": data})


def _ok(conversation: Conversation, status: int = 200, **kwargs: Any) -> web.Response:
    return web.json_response(text=conversation.model_dump_json(), status=status, **kwargs)


def _not_found(conversation_id: str) -> Refusal:
    return Refusal(
        404,
        "conversation_not_found",
        f"no conversation {conversation_id!r}: never created, deleted, or idle past its expiry",
    )


def conversation_id_of(request: web.Request) -> str:
    """The ``{id}`` of the path, refused (400) unless it is a valid conversation id."""
    conversation_id = request.match_info["id"]
    if not _ID.fullmatch(conversation_id):
        raise Refusal(
            400,
            "invalid_conversation_id",
            "a conversation id is 1 to 200 characters of A-Z, a-z, 0-9, '.', '_', ':', '@', '-'",
        )
    return conversation_id
