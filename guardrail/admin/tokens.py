"""The agent token API (DESIGN.md, "Agent tokens"), mounted with ``auth_mode: token``.

``POST /guardrail/v1/conversations/{id}/tokens`` issues a token bound to the conversation and
an agent (``{"agent", "ttl_seconds"?, "scopes"?: {"objects", "operations"}}``) and answers it
once, with ``Cache-Control: no-store``: the proxy keeps only its digest. ``GET`` lists the
conversation's tokens (ids, agents, scopes, times, status; never a token), ``DELETE
.../tokens/{token_id}`` revokes one. Deleting the conversation revokes them all
(``guardrail.admin.conversations``). Errors are JSON that says what to fix, as in every admin
resource; a token is only issued for a conversation the proxy knows (404 otherwise).
"""

from __future__ import annotations

from aiohttp import web

from guardrail.admin.conversations import CONVERSATIONS, TOKENS, conversation_id_of
from guardrail.admin.jsonapi import Refusal, json_body, json_errors
from guardrail.tokens.model import TOKEN_ID, Revocation, TokenIn

__all__ = ["TOKENS", "routes"]

_PATH = "/guardrail/v1/conversations/{id}/tokens"

routes = web.RouteTableDef()


@routes.post(_PATH)
@json_errors("invalid_token_request")
async def issue_token(request: web.Request) -> web.StreamResponse:
    cid = conversation_id_of(request)
    data = TokenIn.model_validate(await json_body(request))
    if await request.app[CONVERSATIONS].get(cid) is None:
        raise Refusal(
            404,
            "conversation_not_found",
            f"no conversation {cid!r}: create it (PUT /guardrail/v1/conversations/{cid}) "
            "before issuing its agents tokens",
        )
    gate = request.app[TOKENS]
    try:
        token, record = await gate.issue(cid, data)
    except ValueError as exc:
        raise Refusal(
            422,
            "invalid_token_request",
            f"ttl_seconds: {exc}",
            errors=[{"field": "ttl_seconds", "message": str(exc)}],
        ) from None
    body = {"token": token, **record.public(gate.clock())}
    return web.json_response(
        body,
        status=201,
        headers={"Location": f"{request.path}/{record.token_id}", "Cache-Control": "no-store"},
    )


@routes.get(_PATH)
@json_errors("invalid_token_request")
async def list_tokens(request: web.Request) -> web.StreamResponse:
    cid = conversation_id_of(request)
    gate = request.app[TOKENS]
    now = gate.clock()
    tokens = await gate.store.of_conversation(cid)
    return web.json_response({"tokens": [t.public(now) for t in tokens]})


@routes.delete(_PATH + "/{token_id}")
@json_errors("invalid_token_request")
async def revoke_token(request: web.Request) -> web.StreamResponse:
    cid = conversation_id_of(request)
    token_id = request.match_info["token_id"]
    if not TOKEN_ID.fullmatch(token_id):
        raise Refusal(400, "invalid_token_id", "a token id is 16 hexadecimal digits")
    if await request.app[TOKENS].revoke(cid, token_id) is Revocation.UNKNOWN:
        raise Refusal(
            404,
            "token_not_found",
            f"conversation {cid!r} has no token {token_id!r} (never issued, or forgotten a day "
            "after it expired)",
        )
    return web.Response(status=204)
