"""Judging a write without forwarding it: ``POST /guardrail/v1/check`` and ``guardrail check``.

The write goes through the same dialect and pipeline as a proxied one; its conversation is
given inline or looked up in the store by ``conversation_id`` (or ``X-Guardrail-Conversation``).
``reads`` are the records the agent read first, with their fields, so a write that refers to
them (grounding, the saved case's Reason) is judged as the proxy would judge it after those
reads. Nothing reaches the CRM and nothing is recorded.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from multidict import CIMultiDict
from pydantic import BaseModel, ConfigDict, Field

from guardrail import lookups
from guardrail.bulk import BulkJobs
from guardrail.context.changes import ACCOUNT_RETENTION
from guardrail.context.facts import Facts, Transcript
from guardrail.context.loader import ContextLoader
from guardrail.context.memory import MemoryConversationStore
from guardrail.context.model import Conversation, ConversationIn, ReadRecord, Scalar
from guardrail.crm.base import ParsedRequest, Part, RawRequest, Shape, dialect_for
from guardrail.errors import DependencyFailure, LookupUnavailable, RequestRejected
from guardrail.holds import holdable
from guardrail.judge import FactsSource, Judge
from guardrail.model import Caller, Decision, Verdict, Violation, WriteIntent, decide
from guardrail.partial import Partial, planned
from guardrail.pipeline import Pipeline
from guardrail.policy.loader import PolicySet
from guardrail.tokens.gate import TokenGate

INLINE_ID = "inline"
#: The answer for a request the proxy would save in part: some records saved, the others
#: refused (``in_part``).
PARTIAL = "partial"


class ReadIn(BaseModel):
    """A record the agent read before the write: its object, id and the fields it saw."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    object: str = Field(min_length=1)
    id: str = Field(min_length=1, max_length=64)  # shaped as the CRM's ids: ``judge`` checks
    fields: dict[str, Scalar] = Field(default_factory=dict)


class CheckRequest(BaseModel):
    """A write as the agent would send it, and optionally the conversation to judge it in and
    the records the agent read in it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: str = Field(pattern=r"^[A-Za-z]+$")
    path: str = Field(pattern=r"^/")
    body: Any = None  # JSON, or a string: the body's text as sent (a bulk upload's CSV)
    headers: dict[str, str] = Field(default_factory=dict)
    conversation_id: str | None = Field(default=None, min_length=1, max_length=256)
    conversation: ConversationIn | None = None
    reads: list[ReadIn] = Field(default_factory=list)


def offline(policies: PolicySet) -> Judge:
    """The judge of ``guardrail check``: the CRM ``policies`` are written for, and no
    conversation store (nor bulk job) but what a check request brings."""
    dialect = dialect_for(policies.crm)
    store = MemoryConversationStore(3600)
    loader = ContextLoader(store, dialect, ACCOUNT_RETENTION)
    jobs = BulkJobs(store, dialect, lambda obj: policies.kinds(dialect.name, obj))
    return Judge(dialect, Pipeline(lambda: policies), loader, jobs)


#: What ``guardrail check`` asks of the CRM: nothing, there is none to ask.
NO_CRM = lookups.Unreachable(
    "a dry run (guardrail check) has no CRM to ask; check the write with POST "
    "/guardrail/v1/check on the running proxy, which asks the CRM as the proxy does"
)


async def judge(
    request: CheckRequest, judge: Judge, crm: lookups.Get, tokens: TokenGate | None = None
) -> dict[str, Any]:
    """The decision the proxy would make, as JSON: the write read, resolved through ``crm``
    (``lookups.asking`` the CRM with the check's own Authorization, as the proxy asks it, or
    ``NO_CRM``) and judged as the proxy judges it. A check bearing an agent token (``tokens``:
    the proxy's gate, in token mode) is judged as that token's request: in its conversation,
    as its agent, within its scopes. Raises DependencyFailure (but a lookup this door cannot
    make, which refuses the write)."""
    headers = {k.lower(): v for k, v in request.headers.items()}
    conversation_id = request.conversation_id or headers.get("x-guardrail-conversation")
    caller = Caller(
        conversation=conversation_id or (INLINE_ID if request.conversation else None),
        agent=headers.get("x-guardrail-agent"),
        tool=headers.get("x-guardrail-tool"),
    )
    body = _body(request.body)
    sent = CIMultiDict(request.headers)
    if body and not isinstance(request.body, str) and "Content-Type" not in sent:
        sent["Content-Type"] = "application/json"
    if request.reads and request.conversation is None and conversation_id is None:
        return {
            "decision": str(Verdict.BLOCK),
            "error": "GUARDRAIL_CONTEXT_REQUIRED",
            "message": "reads belong to a conversation: give conversation (inline) or the "
            "conversation_id of one the proxy knows",
        }
    misshapen = [r.id for r in request.reads if not judge.dialect.is_id(r.id)]
    if misshapen:
        return {
            "decision": str(Verdict.BLOCK),
            "error": "GUARDRAIL_READ_INVALID",
            "message": f"reads: {misshapen[0]!r} is no {judge.dialect.name} record id; give "
            "each record read by the id the CRM answered with",
        }
    if request.conversation is not None or request.reads:
        judge = replace(
            judge, context=_Given(judge.context, request.conversation, tuple(request.reads))
        )
    try:
        grant = None
        if tokens is not None and tokens.dialect.agent_token(sent) is not None:
            grant = await tokens.bind(sent, caller)
            grant.admit()
            caller = grant.caller
        raw = RawRequest(request.method.upper(), request.path, sent, body)
        canonical, parsed = await judge.read(raw, caller)
        if grant is not None:
            grant.admit_scope(canonical.method, parsed)
        if parsed.shape is Shape.READ:
            return {"decision": str(Verdict.ALLOW), "note": "a read: forwarded without checks"}
        judged = await judge.judge(canonical.path, parsed.intents, caller, crm)
        if judged.decision.verdict is Verdict.HOLD:
            holdable(parsed)
        split = planned(judge.dialect, canonical, parsed, judged.decision)
    except (RequestRejected, LookupUnavailable) as exc:
        return refused(exc)
    if split is not None:
        return in_part(judged.decision, parsed, split[0])
    return describe(judged.decision)


def _body(given: Any) -> bytes:
    """The body of the request: JSON, or a string's text as it is (a bulk upload's CSV)."""
    if given is None:
        return b""
    return given.encode() if isinstance(given, str) else json.dumps(given).encode()


def refused(error: RequestRejected | DependencyFailure) -> dict[str, Any]:
    """A write refused before it was judged, as the proxy records it: blocked by the
    guardrail's own rule for the error (Violation.refusal)."""
    return {
        "decision": str(Verdict.BLOCK),
        "error": error.code,
        "message": error.message,
        "violations": [_violation(Violation.refusal(error))],
    }


@dataclass(frozen=True)
class _Given:
    """The facts of a check that brings its conversation or what the agent read: the accounts'
    writes (and, unless given, the conversation) from the store; the given conversation, with
    the given reads added."""

    store: FactsSource
    conversation: ConversationIn | None
    reads: tuple[ReadIn, ...]

    async def facts(self, caller: Caller, intents: Sequence[WriteIntent]) -> Facts:
        facts = await self.store.facts(caller, intents)
        conversation = facts.conversation
        if self.conversation is not None:
            conversation = inline(self.conversation, facts.now, caller.conversation or INLINE_ID)
        if conversation is not None and self.reads:
            seen = [ReadRecord(**r.model_dump(), at=facts.now) for r in self.reads]
            conversation = conversation.model_copy(update={"reads": [*conversation.reads, *seen]})
        if conversation is None or conversation is facts.conversation:
            return facts
        # What the loader derived of the stored conversation (its index of reads and writes,
        # its revision's memo) is not this one's.
        return replace(
            facts,
            conversation=conversation,
            transcript=Transcript.of(conversation),
            indexed=None,
            revision=None,
        )


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
        "violations": [_violation(v) for v in decision.violations],
    }


def in_part(decision: Decision, parsed: ParsedRequest, partial: Partial) -> dict[str, Any]:
    """A request the proxy would save in part (guardrail.partial): the decision on the whole,
    each record's verdict, and the two decisions the proxy would record: on the records it
    saves (``saved``) and on those it refuses with their errors (``refused``)."""
    return {
        **describe(decision),
        "decision": PARTIAL,
        "records": [
            {"ref": p.ref, "intents": list(p.intents), "decision": str(_verdict(decision, p))}
            for p in parsed.parts
        ],
        "saved": describe(partial.allowed),
        "refused": describe(partial.blocked),
    }


def _verdict(decision: Decision, part: Part) -> Verdict:
    """A record's own verdict: what its violations call for."""
    return decide(tuple(v for v in decision.violations if v.intent in part.intents))


def _violation(v: Violation) -> dict[str, Any]:
    return {
        "policy": v.policy,
        "rule": v.rule,
        "action": str(v.action),
        "mode": str(v.mode),
        "fields": list(v.fields),
        "message": v.message,
        "intent": v.intent,
    }
