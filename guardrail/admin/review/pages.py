"""The review page's routes: the list of writes to review, one decision, and the mark form.

Everything is a plain GET page or a form post answered by a redirect (post/redirect/get), so
the page works with JavaScript off and the back button never resubmits a mark. Searching,
showing and reviewing go through ``guardrail.admin.records``, exactly as the decisions API
does: a mark made here is the same audit record a ``POST .../reviews`` makes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from guardrail.admin.auth import Credentials
from guardrail.admin.jsonapi import Refusal, problems
from guardrail.admin.records import (
    FILTERS,
    MAX_COMMENT,
    MAX_REVIEWER,
    ApprovalIn,
    ReviewIn,
    add_review,
    decision_id,
    find_page,
    full_record,
    parse_query,
    reviews_of,
    settle_hold,
)
from guardrail.admin.review.guard import (
    CREDENTIALS,
    CSRF_FIELD,
    csrf_token,
    guard,
    set_csrf_cookie,
)
from guardrail.admin.review.render import HOLD_STATES, TEMPLATES, environment, render
from guardrail.admin.roles import IDENTITY
from guardrail.context.store import ConversationStore
from guardrail.errors import DependencyFailure
from guardrail.holds import Holds
from guardrail.holds.view import shown
from guardrail.model import Verdict
from guardrail.sinks.audit.export import summary
from guardrail.sinks.audit.log import AuditLog
from guardrail.sinks.audit.record import format_time
from guardrail.sinks.audit.store import HoldState
from guardrail.sinks.redact import mask_text

PREFIX = "/review/"
#: The decisions a reviewer judges: every write that was not simply allowed.
REVIEWABLE = (Verdict.HOLD, Verdict.BLOCK, Verdict.POST_FAIL, Verdict.SHADOW_BLOCK)
#: The most held writes the list shows above the rest (oldest first: the most urgent).
MAX_WAITING_SHOWN = 200
#: The most transcript turns one page shows (the newest; the rest are counted).
MAX_TURNS_SHOWN = 200

AUDIT: web.AppKey[AuditLog] = web.AppKey("REVIEW_AUDIT")
CONVERSATIONS: web.AppKey[ConversationStore | None] = web.AppKey("REVIEW_CONVERSATIONS")
HOLDS: web.AppKey[Holds | None] = web.AppKey("REVIEW_HOLDS")
_CSS: web.AppKey[bytes] = web.AppKey("REVIEW_CSS")

routes = web.RouteTableDef()


def mount(
    admin: web.Application,
    audit: AuditLog,
    conversations: ConversationStore | None,
    holds: Holds | None = None,
    credentials: Credentials | None = None,
) -> web.Application:
    """Serve the review page under ``/review/`` of ``admin`` (a sub-application, so its
    sign-in, CSRF check and headers apply to it alone); returns that application."""
    app = web.Application(middlewares=[guard])
    app[AUDIT] = audit
    app[CONVERSATIONS] = conversations
    app[HOLDS] = holds
    app[CREDENTIALS] = credentials or Credentials()  # none: the page is open
    app[TEMPLATES] = environment()
    app[_CSS] = (resources.files(__package__) / "static" / "review.css").read_bytes()
    app.add_routes(routes)
    # Before the sub-application, which would otherwise answer the bare prefix with a 404.
    admin.router.add_get(PREFIX.rstrip("/"), _to_list)
    admin.add_subapp(PREFIX, app)
    return app


async def _to_list(request: web.Request) -> web.StreamResponse:
    """``/review`` as people type it."""
    return web.Response(status=308, headers={"Location": PREFIX})


@routes.get("/", name="list")
async def list_page(request: web.Request) -> web.StreamResponse:
    """The writes to review, newest first, filtered as the form (or the URL) asks."""
    storage = request.app[AUDIT].storage
    context: dict[str, Any] = {
        "filters": {name: request.query.get(name, "") for name in (*FILTERS, "since", "until")},
        "reviewable": [str(v) for v in REVIEWABLE],
        "items": [],
        "waiting": [],
        "error": None,
        "next_url": None,
        "first_url": None,
    }
    try:
        query = parse_query(request.query, REVIEWABLE)
    except Refusal as refusal:
        context["error"] = refusal.body["message"]
        return render(request, "list.html", context, status=refusal.status)
    for name in ("since", "until"):  # as the time inputs take them, in UTC
        at = getattr(query, name)
        context["filters"][name] = format_time(at)[:19] if at else ""
    page, cursor = await find_page(storage, query)
    marks = await reviews_of(storage, page)
    router = request.app.router
    holds = request.app[HOLDS]
    if holds is not None and query.before_seq is None:  # first page only
        context["waiting"] = [
            {
                **await shown(h, holds),
                "agent": h.agent,
                "conversation": h.conversation,
                "url": router["decision"].url_for(id=h.decision_id),
            }
            for h in await storage.holds((HoldState.HELD,), limit=MAX_WAITING_SHOWN)
        ]
    context["items"] = [
        {
            **summary(row),
            "url": router["decision"].url_for(id=str(row.entry.decision_id)),
            "reviews": marks.get(str(row.entry.decision_id), []),
        }
        for row in page
    ]
    kept = {k: v for k, v in request.query.items() if v and k != "cursor"}
    if cursor is not None:
        context["next_url"] = router["list"].url_for().with_query({**kept, "cursor": cursor})
    if query.before_seq is not None:
        context["first_url"] = router["list"].url_for().with_query(kept)
    return render(request, "list.html", context)


@routes.get("/decisions/{id}", name="decision")
async def decision_page(request: web.Request) -> web.StreamResponse:
    found = decision_id(request.match_info["id"])
    recorded = request.query.get("recorded", "")
    settled = request.query.get("settled", "")
    return await _decision(
        request,
        found,
        recorded=recorded if recorded.isdigit() else None,
        settled=settled if settled in HOLD_STATES else None,
    )


@routes.post("/decisions/{id}/reviews", name="review")
async def post_review(request: web.Request) -> web.StreamResponse:
    """Append the mark as its own audit record, then show the decision with it (303)."""
    found = decision_id(request.match_info["id"])
    form = await request.post()  # CSRF was checked on it by the guard
    sent = {name: form.get(name) for name in ("verdict", "comment", "reviewer")}
    values = {name: value.strip() if isinstance(value, str) else "" for name, value in sent.items()}
    values["comment"] = values["comment"].replace("\r\n", "\n")
    values["reviewer"] = request[IDENTITY].name or values["reviewer"]
    try:
        review = ReviewIn.model_validate(values)
    except ValidationError as exc:
        return await _decision(request, found, form=values, errors=problems(exc), status=422)
    row = await add_review(request.app[AUDIT], found, review)
    location = request.app.router["decision"].url_for(id=found).with_query(recorded=row.seq)
    return web.Response(status=303, headers={"Location": f"{location}#reviews"})


@routes.post("/decisions/{id}/approval", name="approval")
async def post_approval(request: web.Request) -> web.StreamResponse:
    """Approve (judge again, then write once) or reject a held write; then show it (303)."""
    found = decision_id(request.match_info["id"])
    holds = request.app[HOLDS]
    if holds is None:
        raise Refusal(404, "no_holds", "This review page does not settle held writes.")
    form = await request.post()  # CSRF was checked on it by the guard
    sent = {name: form.get(name) for name in ("decision", "comment", "reviewer")}
    values = {name: value.strip() if isinstance(value, str) else "" for name, value in sent.items()}
    values["comment"] = values["comment"].replace("\r\n", "\n")
    reviewer = request[IDENTITY].reviewer(values["reviewer"])
    if not reviewer:
        raise Refusal(
            403,
            "reviewer_unknown",
            "Approving or rejecting a held write needs a reviewer's identity: sign in as a "
            "review user, or use a reviewer's API token.",
        )
    try:
        answer = ApprovalIn.model_validate({k: v for k, v in values.items() if k != "reviewer"})
    except ValidationError as exc:
        return await _decision(request, found, errors=problems(exc), status=422)
    hold = await settle_hold(holds, found, answer, reviewer)
    location = request.app.router["decision"].url_for(id=found).with_query(settled=str(hold.state))
    return web.Response(status=303, headers={"Location": f"{location}#hold"})


@routes.get("/review.css", name="css")
async def stylesheet(request: web.Request) -> web.StreamResponse:
    return web.Response(
        body=request.app[_CSS],
        content_type="text/css",
        charset="utf-8",
        headers={"Cache-Control": "max-age=3600"},
    )


async def _decision(
    request: web.Request,
    found: str,
    *,
    recorded: str | None = None,
    settled: str | None = None,
    form: dict[str, str] | None = None,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> web.Response:
    record = await full_record(request.app[AUDIT].storage, found, request.app[HOLDS])
    token, fresh = csrf_token(request)
    violations = record.get("violations", [])
    context = {
        "record": record,
        "writes": [
            {**intent, "flagged": _flagged(violations, n)}
            for n, intent in enumerate(record.get("intents", []))
        ],
        "violations": violations,
        "transcript": await _transcript(request.app[CONVERSATIONS], record),
        "recorded": recorded,
        "form": form or {"verdict": "", "comment": "", "reviewer": ""},
        "errors": errors or [],
        "user": request[IDENTITY].name,
        "action": request.app.router["review"].url_for(id=found),
        "approval_action": request.app.router["approval"].url_for(id=found),
        "settled": settled,
        "may_settle": request[IDENTITY].may_settle,
        "hold_of_url": (
            request.app.router["decision"].url_for(id=str(record["hold"]["of"]))
            if isinstance(record.get("hold"), dict) and record["hold"].get("of")
            else None
        ),
        "result_url": (
            request.app.router["decision"].url_for(id=str(state["result_decision_id"]))
            if (state := record.get("hold_state")) and state.get("result_decision_id")
            else None
        ),
        "csrf_field": CSRF_FIELD,
        "csrf_token": token,
        "max_comment": MAX_COMMENT,
        "max_reviewer": MAX_REVIEWER,
    }
    response = render(request, "decision.html", context, status)
    if fresh:
        set_csrf_cookie(request, response, token)
    return response


def _flagged(violations: list[dict[str, Any]], intent: int) -> set[str]:
    """The fields of write ``intent`` that a violation names (highlighted in its table)."""
    return {f for v in violations if v.get("intent") == intent for f in v.get("fields", ())}


@dataclass(frozen=True)
class Transcript:
    """What the page can show of the transcript a decision's rules read, and where it is from."""

    note: str
    turns: list[dict[str, str]] = field(default_factory=list)
    omitted: int = 0


async def _transcript(store: ConversationStore | None, record: Mapping[str, Any]) -> Transcript:
    """The transcript the decision's rules read: from the record itself, which keeps the
    conversation context each write was judged in (masked; guardrail.context.snapshot), or, for
    a record without one, the turns the conversation store holds now, saying which it is."""
    conversation = record.get("conversation")
    if conversation is None:
        return Transcript(
            "This write named no conversation, so its rules had no transcript to read."
        )
    context = record.get("context")
    if isinstance(context, Mapping):
        judged = context.get("conversation")
        if not isinstance(judged, Mapping):
            return Transcript(
                f"Conversation {conversation} was not in the conversation store when this write "
                "was judged (never registered, or expired), so its rules had no transcript."
            )
        turns = list(judged.get("turns", ()))
        return _shown(
            "The transcript as the rules read it when they judged this write, kept in the "
            "audit record (masked).",
            [{"role": str(t.get("role", "")), "text": str(t.get("text", ""))} for t in turns],
        )
    return await _stored_transcript(store, conversation)


async def _stored_transcript(store: ConversationStore | None, conversation: str) -> Transcript:
    """For a record that kept no context (written before records did, or judged without
    one): the conversation's turns as the store holds them now, masked as records are. Turns
    said after the decision show too, and once the conversation expires there is none."""
    if store is None:
        return Transcript("No conversation store is attached to this page.")
    try:
        found = await store.get(conversation)
    except DependencyFailure as exc:
        return Transcript(f"The conversation store did not answer: {exc.message}")
    if found is None:
        return Transcript(
            f"Conversation {conversation} is no longer in the conversation store (it expired "
            "or was deleted), and this audit record does not keep its transcript."
        )
    return _shown(
        f"This audit record does not keep the transcript its rules read. These are the turns "
        f"of conversation {conversation} as the conversation store holds them now, masked as "
        "records are; turns said after this decision show too.",
        [{"role": t.role, "text": mask_text(t.text)} for t in found.turns],
    )


def _shown(note: str, turns: list[dict[str, str]]) -> Transcript:
    """The newest MAX_TURNS_SHOWN turns, counting the rest."""
    kept = turns[-MAX_TURNS_SHOWN:]
    return Transcript(note, kept, len(turns) - len(kept))
