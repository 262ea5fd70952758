"""The decisions API (DESIGN.md, "Decisions API"): the audit log, searched and reviewed.

``GET /guardrail/v1/decisions`` lists decisions newest first, filtered by verdict, object,
rule, agent, conversation and time, in pages joined by an opaque cursor; ``GET .../{id}`` is
the full record with its chain fields, whether it is intact, and its reviews; ``POST
.../{id}/reviews`` marks a decision confirmed or a false positive, as a record of its own (the
decision is never edited). Errors are JSON that says what to fix, as in every admin resource.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from guardrail.admin.jsonapi import Refusal, json_body, json_errors
from guardrail.model import Verdict
from guardrail.sinks.audit.chain import Row, link_problem
from guardrail.sinks.audit.export import summary
from guardrail.sinks.audit.log import AuditLog, DecisionNotFound
from guardrail.sinks.audit.record import ReviewVerdict, parse_time
from guardrail.sinks.audit.store import MAX_LIMIT, Query

#: Where the handlers find the log: ``admin_app[DECISIONS] = audit_log``.
DECISIONS: web.AppKey[AuditLog] = web.AppKey("DECISIONS")
DEFAULT_LIMIT = 50

_PATH = "/guardrail/v1/decisions"
_ID = re.compile(r"[A-Za-z0-9._:-]{1,200}")
_FILTERS = ("decision", "object", "rule", "agent", "conversation")
_PARAMETERS = (*_FILTERS, "since", "until", "limit", "cursor")
_CURSOR_PREFIX = "seq:"

routes = web.RouteTableDef()


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdict: ReviewVerdict
    comment: str = Field(default="", max_length=4000)
    reviewer: str = Field(min_length=1, max_length=200)


@routes.get(_PATH)
@json_errors("invalid_query")
async def list_decisions(request: web.Request) -> web.StreamResponse:
    query = _query(request)
    rows = await request.app[DECISIONS].storage.find(query)
    page, more = rows[: query.limit], len(rows) > query.limit
    return web.json_response(
        {
            "decisions": [summary(row) for row in page],
            "next_cursor": _cursor(page[-1].seq) if more and page else None,
        }
    )


@routes.get(_PATH + "/{id}")
@json_errors("invalid_query")
async def get_decision(request: web.Request) -> web.StreamResponse:
    decision_id = _decision_id(request)
    storage = request.app[DECISIONS].storage
    row = await storage.decision(decision_id)
    if row is None:
        raise _not_found(decision_id)
    before = await storage.get(row.seq - 1) if row.seq > 1 else None
    problem = link_problem(row, before.hash if before else row.prev_hash)
    body = row.document()
    body["chain"] |= {
        "intact": problem is None,
        "problem": problem,
        # Without its predecessor (pruned), only the record itself can be checked here.
        "link_checked": before is not None or row.seq == 1,
    }
    body["reviews"] = [_review(r) for r in await storage.reviews(decision_id)]
    return web.json_response(body)


@routes.post(_PATH + "/{id}/reviews")
@json_errors("invalid_review")
async def review_decision(request: web.Request) -> web.StreamResponse:
    decision_id = _decision_id(request)
    review = ReviewIn.model_validate(await json_body(request))
    try:
        row = await request.app[DECISIONS].review(
            decision_id, review.verdict, review.comment, review.reviewer
        )
    except DecisionNotFound:
        raise _not_found(decision_id) from None
    return web.json_response(
        _review(row), status=201, headers={"Location": f"{_PATH}/{decision_id}"}
    )


def _review(row: Row) -> dict[str, Any]:
    body = row.body
    return {
        "decision_id": body["decision_id"],
        "verdict": body["verdict"],
        "comment": body["comment"],
        "reviewer": body["reviewer"],
        "at": body["at"],
        "chain": row.chain(),
    }


def _query(request: web.Request) -> Query:
    params = request.query
    unknown = sorted(set(params) - set(_PARAMETERS))
    if unknown:
        raise Refusal(
            400,
            "invalid_query",
            f"unknown parameter {unknown[0]!r}; this takes {', '.join(_PARAMETERS)}",
        )
    filters = {name: _one(request, name) for name in _FILTERS}
    verdict = filters.pop("decision")
    if verdict is not None and verdict not in {v.value for v in Verdict}:
        allowed = ", ".join(v.value for v in Verdict)
        raise Refusal(400, "invalid_query", f"decision: {verdict!r} is not one of {allowed}")
    return Query(
        verdict=verdict,
        since=_time(request, "since"),
        until=_time(request, "until"),
        before_seq=_cursor_seq(_one(request, "cursor")),
        limit=_limit(_one(request, "limit")),
        **filters,
    )


def _one(request: web.Request, name: str) -> str | None:
    values = request.query.getall(name, [])
    if len(values) > 1:
        raise Refusal(400, "invalid_query", f"{name}: give it once, not {len(values)} times")
    return values[0] if values and values[0] != "" else None


def _time(request: web.Request, name: str) -> datetime | None:
    text = _one(request, name)
    if text is None:
        return None
    try:
        return parse_time(text.replace(" ", "+"))  # an unencoded "+01:00" arrives as " 01:00"
    except ValueError:
        raise Refusal(
            400,
            "invalid_query",
            f"{name}: {text!r} is not an ISO 8601 time (e.g. 2026-11-25T09:30:00Z)",
        ) from None


def _limit(text: str | None) -> int:
    if text is None:
        return DEFAULT_LIMIT
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise Refusal(
            400, "invalid_query", f"limit: {text!r} is not a whole number from 1 to {MAX_LIMIT}"
        )
    return int(text)


def _cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{seq}".encode()).decode().rstrip("=")


def _cursor_seq(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        text = ""
    seq = text.removeprefix(_CURSOR_PREFIX)
    if not text.startswith(_CURSOR_PREFIX) or not seq.isdigit():
        raise Refusal(
            400, "invalid_cursor", "cursor: pass next_cursor from the previous page unchanged"
        )
    return int(seq)


def _decision_id(request: web.Request) -> str:
    decision_id = request.match_info["id"]
    if not _ID.fullmatch(decision_id):
        raise Refusal(
            400,
            "invalid_decision_id",
            "a decision id is 1 to 200 characters of A-Z, a-z, 0-9, '.', '_', ':', '-'",
        )
    return decision_id


def _not_found(decision_id: str) -> Refusal:
    return Refusal(
        404,
        "decision_not_found",
        f"no decision {decision_id!r} in the audit log: never made, or pruned",
    )
