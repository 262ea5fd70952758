"""Judging a write without forwarding it: ``POST /guardrail/v1/check`` and ``guardrail check``.

The write goes through the same dialect and pipeline as a proxied one; its conversation is
given inline or looked up in the store by ``conversation_id`` (or ``X-Guardrail-Conversation``).
``reads`` are the records the agent read first, with their fields, so a write that refers to
them (grounding, the saved case's Reason) is judged as the proxy would judge it after those
reads. Nothing reaches the CRM and nothing is recorded.
"""

from __future__ import annotations

import json
from typing import Any

from multidict import CIMultiDict
from pydantic import BaseModel, ConfigDict, Field

from guardrail.context.facts import Facts, Transcript
from guardrail.context.loader import ContextLoader
from guardrail.context.model import Conversation, ConversationIn, ReadRecord, Scalar
from guardrail.crm.base import Dialect, RawRequest, Shape
from guardrail.errors import RequestRejected
from guardrail.model import Caller, Decision, Verdict
from guardrail.pipeline import Pipeline

INLINE_ID = "inline"


class ReadIn(BaseModel):
    """A record the agent read before the write: its object, id and the fields it saw."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    object: str = Field(min_length=1)
    id: str = Field(min_length=15, max_length=18)
    fields: dict[str, Scalar] = Field(default_factory=dict)


class CheckRequest(BaseModel):
    """A write as the agent would send it, and optionally the conversation to judge it in and
    the records the agent read in it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: str = Field(pattern=r"^[A-Za-z]+$")
    path: str = Field(pattern=r"^/")
    body: Any = None
    headers: dict[str, str] = Field(default_factory=dict)
    conversation_id: str | None = Field(default=None, min_length=1, max_length=256)
    conversation: ConversationIn | None = None
    reads: list[ReadIn] = Field(default_factory=list)


async def judge(
    request: CheckRequest, dialect: Dialect, pipeline: Pipeline, context: ContextLoader
) -> dict[str, Any]:
    """The decision the proxy would make, as JSON."""
    headers = {k.lower(): v for k, v in request.headers.items()}
    conversation_id = request.conversation_id or headers.get("x-guardrail-conversation")
    caller = Caller(
        conversation=conversation_id or (INLINE_ID if request.conversation else None),
        agent=headers.get("x-guardrail-agent"),
        tool=headers.get("x-guardrail-tool"),
    )
    body = b"" if request.body is None else json.dumps(request.body).encode()
    sent = CIMultiDict(request.headers)
    if body and "Content-Type" not in sent:
        sent["Content-Type"] = "application/json"
    try:
        canonical = dialect.canonical(RawRequest(request.method.upper(), request.path, sent, body))
        parsed = dialect.parse(canonical)
        if parsed.shape is Shape.READ:
            return {"decision": str(Verdict.ALLOW), "note": "a read: forwarded without checks"}
        intents = pipeline.canonical(dialect.name, parsed.intents)
    except RequestRejected as exc:
        return {"decision": str(Verdict.BLOCK), "error": exc.code, "message": exc.message}
    facts = await context.facts(caller, intents)
    conversation = facts.conversation
    if request.conversation is not None:
        conversation = inline(request.conversation, facts.now, caller.conversation or INLINE_ID)
    if conversation is not None and request.reads:
        seen = [ReadRecord(**r.model_dump(), at=facts.now) for r in request.reads]
        conversation = conversation.model_copy(update={"reads": [*conversation.reads, *seen]})
    elif request.reads:
        return {
            "decision": str(Verdict.BLOCK),
            "error": "GUARDRAIL_CONTEXT_REQUIRED",
            "message": "reads belong to a conversation: give conversation (inline) or the "
            "conversation_id of one the proxy knows",
        }
    if conversation is not None and conversation is not facts.conversation:
        facts = Facts(conversation, Transcript.of(conversation), facts.account_writes, facts.now)
    return describe(pipeline.evaluate(dialect.name, intents, caller, facts))


def inline(data: ConversationIn, now: Any, conversation_id: str = INLINE_ID) -> Conversation:
    return Conversation(id=conversation_id, **data.model_dump(), created_at=now, updated_at=now)


def describe(decision: Decision) -> dict[str, Any]:
    return {
        "decision": str(decision.verdict),
        "decision_id": decision.id,
        "policy_version": decision.policy_version,
        "intents": [
            {
                "object": i.object,
                "operation": str(i.operation),
                "ref": i.ref,
                "id": i.record_id,
                "fields": sorted(i.fields),
                "headers": dict(i.headers),
            }
            for i in decision.intents
        ],
        "violations": [
            {
                "policy": v.policy,
                "rule": v.rule,
                "action": str(v.action),
                "mode": str(v.mode),
                "fields": list(v.fields),
                "message": v.message,
            }
            for v in decision.violations
        ],
    }
