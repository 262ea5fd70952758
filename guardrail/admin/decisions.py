"""The decisions API (DESIGN.md, "Decisions API"): the audit log, searched and reviewed.

``GET /guardrail/v1/decisions`` lists decisions newest first, filtered by verdict, object,
rule, agent, conversation and time, in pages joined by an opaque cursor; ``GET .../{id}`` is
the full record with its chain fields, whether it is intact, and its reviews; ``POST
.../{id}/reviews`` marks a decision confirmed or a false positive, as a record of its own (the
decision is never edited), in the name a reviewer's token proves where it proves one. Errors
are JSON that says what to fix, as in every admin resource. The searching and reviewing are
``guardrail.admin.records``, which the review page shares.
"""

from __future__ import annotations

from aiohttp import web

from guardrail.admin.jsonapi import Refusal, json_body, json_errors
from guardrail.admin.records import (
    ApprovalIn,
    ReviewIn,
    add_review,
    decision_id,
    find_page,
    full_record,
    parse_query,
    review_view,
    settle_hold,
)
from guardrail.admin.roles import IDENTITY, for_reviewers
from guardrail.holds import Holds
from guardrail.holds.view import hold_view
from guardrail.sinks.audit.export import summary
from guardrail.sinks.audit.log import AuditLog

#: Where the handlers find the log: ``admin_app[DECISIONS] = audit_log``.
DECISIONS: web.AppKey[AuditLog] = web.AppKey("DECISIONS")
HOLDS: web.AppKey[Holds] = web.AppKey("HOLDS")

_PATH = "/guardrail/v1/decisions"

routes = web.RouteTableDef()


@routes.get(_PATH)
@for_reviewers
@json_errors("invalid_query")
async def list_decisions(request: web.Request) -> web.StreamResponse:
    page, cursor = await find_page(request.app[DECISIONS].storage, parse_query(request.query))
    return web.json_response({"decisions": [summary(row) for row in page], "next_cursor": cursor})


@routes.get(_PATH + "/{id}")
@for_reviewers
@json_errors("invalid_query")
async def get_decision(request: web.Request) -> web.StreamResponse:
    found = decision_id(request.match_info["id"])
    # An app with no held writes (the decisions API alone) has no HOLDS.
    record = await full_record(request.app[DECISIONS].storage, found, request.app.get(HOLDS))
    return web.json_response(record)


@routes.post(_PATH + "/{id}/reviews")
@for_reviewers
@json_errors("invalid_review")
async def review_decision(request: web.Request) -> web.StreamResponse:
    found = decision_id(request.match_info["id"])
    sent = await json_body(request)
    named = request[IDENTITY].name  # as on the review page: a reviewer cannot mark as another
    if named is not None and isinstance(sent, dict):
        sent = {**sent, "reviewer": named}
    review = ReviewIn.model_validate(sent)
    row = await add_review(request.app[DECISIONS], found, review)
    return web.json_response(review_view(row), status=201, headers={"Location": f"{_PATH}/{found}"})


@routes.post(_PATH + "/{id}/approval")
@for_reviewers
@json_errors("invalid_approval")
async def approve_decision(request: web.Request) -> web.StreamResponse:
    """Approve or reject a held write, as the reviewer the credentials name."""
    found = decision_id(request.match_info["id"])
    answer = ApprovalIn.model_validate(await json_body(request))
    reviewer = request[IDENTITY].reviewer(answer.reviewer)
    if not reviewer:
        raise Refusal(
            403,
            "reviewer_unknown",
            "approving or rejecting a hold needs a reviewer's identity: call with a "
            "reviewer's token from api_reviewers (name: token), not anonymously",
        )
    hold = await settle_hold(request.app[HOLDS], found, answer, reviewer)
    status = 202 if hold.state.value == "executing" else 200
    return web.json_response(hold_view(hold), status=status)
