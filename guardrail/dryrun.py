"""Judging a write without forwarding it: ``POST /guardrail/v1/check`` and ``guardrail check``.

The write goes through the same dialect and pipeline as a proxied one; its conversation is
given inline or looked up in the store by ``X-Guardrail-Conversation``. Nothing reaches the CRM
and nothing is recorded.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from multidict import CIMultiDict
from pydantic import BaseModel, ConfigDict, Field

from guardrail.context.facts import Facts, Transcript
from guardrail.context.model import Conversation, ConversationIn
from guardrail.crm.base import RawRequest, Shape
from guardrail.errors import RequestRejected
from guardrail.judge import FactsSource, Judge
from guardrail.model import Caller, Decision, Verdict, WriteIntent

INLINE_ID = "inline"


class CheckRequest(BaseModel):
    """A write as the agent would send it, and optionally the conversation to judge it in."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: str = Field(pattern=r"^[A-Za-z]+$")
    path: str = Field(pattern=r"^/")
    body: Any = None
    headers: dict[str, str] = Field(default_factory=dict)
    conversation: ConversationIn | None = None


async def judge(request: CheckRequest, judge: Judge) -> dict[str, Any]:
    """The decision the proxy would make, as JSON. A write by lookup field is judged as
    written: there is no CRM to ask which record it names."""
    headers = {k.lower(): v for k, v in request.headers.items()}
    caller = Caller(
        conversation=INLINE_ID if request.conversation else headers.get("x-guardrail-conversation"),
        agent=headers.get("x-guardrail-agent"),
        tool=headers.get("x-guardrail-tool"),
    )
    body = b"" if request.body is None else json.dumps(request.body).encode()
    sent = CIMultiDict(request.headers)
    if body and "Content-Type" not in sent:
        sent["Content-Type"] = "application/json"
    if request.conversation is not None:
        judge = replace(judge, context=_Inline(judge.context, request.conversation))
    try:
        canonical, parsed = judge.read(RawRequest(request.method.upper(), request.path, sent, body))
        if parsed.shape is Shape.READ:
            return {"decision": str(Verdict.ALLOW), "note": "a read: forwarded without checks"}
        judged = await judge.judge(canonical.path, parsed.intents, caller)
    except RequestRejected as exc:
        return {"decision": str(Verdict.BLOCK), "error": exc.code, "message": exc.message}
    return describe(judged.decision)


@dataclass(frozen=True)
class _Inline:
    """The facts of a check that brings its conversation: the accounts' writes from the
    store, the conversation as given."""

    store: FactsSource
    conversation: ConversationIn

    async def facts(self, caller: Caller, intents: Sequence[WriteIntent]) -> Facts:
        facts = await self.store.facts(caller, intents)
        conversation = inline(self.conversation, facts.now)
        return replace(facts, conversation=conversation, transcript=Transcript.of(conversation))


def inline(data: ConversationIn, now: Any) -> Conversation:
    return Conversation(id=INLINE_ID, **data.model_dump(), created_at=now, updated_at=now)


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
