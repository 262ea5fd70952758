"""What the decisions API and the review page both do with the audit log, written once.

Both search decisions with the same parameters (``decision``, ``object``, ``rule``, ``agent``,
``conversation``, ``since``, ``until``, ``limit``, ``cursor``), show one decision with its chain
status, its reviews and the refused attempts to settle it (a held write), and add a review
through ``AuditLog.review`` (a record of its own: the decision is never edited). They differ
only in how they answer, JSON or HTML, so every problem here is a ``Refusal`` carrying a
status and a message a person or a program can act on.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, Literal

from multidict import MultiMapping
from pydantic import BaseModel, ConfigDict, Field

from guardrail.admin.jsonapi import Refusal
from guardrail.holds import HoldNotFound, Holds, NotAllowed, NotPending
from guardrail.holds.view import hold_view, shown
from guardrail.model import DECISION_ID, DECISION_ID_SHAPE, Verdict
from guardrail.sinks.audit.chain import Row, link_problem
from guardrail.sinks.audit.contexts import Contexts
from guardrail.sinks.audit.log import AuditLog, DecisionNotFound
from guardrail.sinks.audit.record import REFUSED, ReviewVerdict, parse_time
from guardrail.sinks.audit.store import MAX_LIMIT, HoldRow, Query, Storage

DEFAULT_LIMIT = 50
FILTERS = ("decision", "object", "rule", "agent", "conversation")
PARAMETERS = (*FILTERS, "since", "until", "limit", "cursor")
MAX_COMMENT = 4000
MAX_REVIEWER = 200

_CURSOR_PREFIX = "seq:"


class ReviewIn(BaseModel):
    """A reviewer's mark as a caller sends it (JSON body or HTML form)."""

    model_config = ConfigDict(extra="forbid")

    verdict: ReviewVerdict
    comment: str = Field(default="", max_length=MAX_COMMENT)
    reviewer: str = Field(min_length=1, max_length=MAX_REVIEWER)


def parse_query(params: MultiMapping[str], verdicts: Collection[Verdict] = tuple(Verdict)) -> Query:
    """The search ``params`` ask for. ``verdicts`` are the decisions the caller may list: a
    ``decision`` parameter must name one of them, and without it the search keeps them all.
    Raises Refusal (400) naming the parameter to fix."""
    unknown = sorted(set(params) - set(PARAMETERS))
    if unknown:
        raise Refusal(
            400,
            "invalid_query",
            f"unknown parameter {unknown[0]!r}; this takes {', '.join(PARAMETERS)}",
        )
    filters = {name: _one(params, name) for name in FILTERS}
    verdict = filters.pop("decision")
    allowed = [str(v) for v in Verdict if v in verdicts]
    if verdict is not None and verdict not in allowed:
        raise Refusal(
            400, "invalid_query", f"decision: {verdict!r} is not one of {', '.join(allowed)}"
        )
    return Query(
        verdict=verdict,
        verdicts=() if verdict is not None or len(allowed) == len(Verdict) else tuple(allowed),
        since=_time(params, "since"),
        until=_time(params, "until"),
        before_seq=_cursor_seq(_one(params, "cursor")),
        limit=_limit(_one(params, "limit")),
        **filters,
    )


async def find_page(storage: Storage, query: Query) -> tuple[list[Row], str | None]:
    """One page of decisions and the cursor of the next page (None on the last)."""
    rows = await storage.find(query)
    page, more = rows[: query.limit], len(rows) > query.limit
    return page, _cursor(page[-1].seq) if more and page else None


def decision_id(text: str) -> str:
    """``text`` if it can be a decision id; raises Refusal (400)."""
    if not DECISION_ID.fullmatch(text):
        raise Refusal(400, "invalid_decision_id", DECISION_ID_SHAPE)
    return text


async def full_record(storage: Storage, decision_id: str, holds: Holds | None) -> dict[str, Any]:
    """The decision as stored (its context whole), with its chain fields, whether its own hash
    and its link to its predecessor hold, its reviews oldest first and, for a held write, its
    state (``shown``: flagged when an approval would be refused for its agent's authority).
    Raises Refusal (404), ContextUnavailable (the agent token store did not answer)."""
    row = await storage.decision(decision_id)
    if row is None:
        raise _not_found(decision_id)
    before = await storage.get(row.seq - 1) if row.seq > 1 else None
    problem = link_problem(row, before.hash if before else row.prev_hash)
    # The context as judged, whole: the record names its parts (guardrail.context.snapshot).
    body = await Contexts(storage).one(row.document())
    body["chain"] |= {
        "intact": problem is None,
        "problem": problem,
        # Without its predecessor (pruned), only the record itself can be checked here.
        "link_checked": before is not None or row.seq == 1,
    }
    marks = await storage.reviews(decision_id)
    body["reviews"] = [review_view(r) for r in marks if not _refused(r)]
    # Attempts to settle the hold by reviewers who may not: kept as reviews, shown apart.
    body["refused_attempts"] = [refusal_view(r) for r in marks if _refused(r)]
    held = await storage.hold(decision_id)
    if held is not None:
        body["hold_state"] = await shown(held, holds)
    body["earlier"] = [  # what the same write was recorded as before (allow, then post-fail)
        {"seq": r.seq, "at": r.entry.at, "decision": r.entry.verdict}
        for r in await storage.history(decision_id)
        if r.seq != row.seq
    ]
    return body


class ApprovalIn(BaseModel):
    """A reviewer's answer to a held write (JSON body or HTML form). ``reviewer`` counts only
    where the admin listener asks for no credentials at all."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "reject"]
    comment: str = Field(default="", max_length=MAX_COMMENT)
    reviewer: str | None = Field(default=None, min_length=1, max_length=MAX_REVIEWER)


async def settle_hold(holds: Holds, decision_id: str, answer: ApprovalIn, reviewer: str) -> HoldRow:
    """Approve (judge again and execute once) or reject a held write, as ``reviewer``.
    Raises Refusal: 404 no such hold, 403 not this reviewer's to settle (the attempt is
    audited beside the hold), 409 already settled."""
    try:
        if answer.decision == "approve":
            return await holds.approve(decision_id, reviewer, answer.comment)
        return await holds.reject(decision_id, reviewer, answer.comment)
    except HoldNotFound:
        raise Refusal(
            404, "hold_not_found", f"no held write {decision_id!r}: it was never held"
        ) from None
    except NotAllowed as exc:
        raise Refusal(403, "not_allowed", str(exc)) from None
    except NotPending as exc:
        raise Refusal(
            409,
            "hold_not_pending",
            f"{exc}; nothing was done",
            hold=hold_view(exc.hold),
        ) from None


async def add_review(audit: AuditLog, decision_id: str, review: ReviewIn) -> Row:
    """Append ``review`` of the decision as its own audit record. Raises Refusal (404)."""
    try:
        return await audit.review(decision_id, review.verdict, review.comment, review.reviewer)
    except DecisionNotFound:
        raise _not_found(decision_id) from None


async def reviews_of(storage: Storage, rows: Sequence[Row]) -> dict[str, list[dict[str, Any]]]:
    """The reviews of each decision in ``rows`` (a page), by decision id, oldest first: one
    indexed query per decision, a page being at most MAX_LIMIT of them."""
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row.entry.decision_id is not None:
            found[row.entry.decision_id] = [
                review_view(r)
                for r in await storage.reviews(row.entry.decision_id)
                if not _refused(r)
            ]
    return found


def review_view(row: Row) -> dict[str, Any]:
    """A review record as both the API and the page show it."""
    body = row.body
    return {
        "decision_id": body["decision_id"],
        "verdict": body["verdict"],
        "comment": body["comment"],
        "reviewer": body["reviewer"],
        "at": body["at"],
        "chain": row.chain(),
    }


def refusal_view(row: Row) -> dict[str, Any]:
    """A refused attempt to settle a hold (``record.refusal_entry``), as both the API and the
    page show it: a review's view, with what was tried and why it was refused."""
    body = row.body
    return {**review_view(row), **{k: body[k] for k in ("attempt", "reason", "message")}}


def _refused(row: Row) -> bool:
    """Whether a review record is a refused attempt to settle a hold, not a finding."""
    return row.entry.verdict == REFUSED


def _not_found(decision_id: str) -> Refusal:
    return Refusal(
        404,
        "decision_not_found",
        f"no decision {decision_id!r} in the audit log: never made, or pruned",
    )


def _one(params: MultiMapping[str], name: str) -> str | None:
    values = params.getall(name, [])
    if len(values) > 1:
        raise Refusal(400, "invalid_query", f"{name}: give it once, not {len(values)} times")
    return values[0] if values and values[0] != "" else None


def _time(params: MultiMapping[str], name: str) -> datetime | None:
    text = _one(params, name)
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
