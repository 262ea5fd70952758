"""Whether the agent that sent a held write may still have it made (token mode).

A held write is made, once approved, with the proxy's own CRM credential on behalf of the
agent whose token sent it, so that agent's authority must outlast the wait. It is gone once the
token is revoked (alone, or with its conversation: the operator stopped trusting the agent), or
has expired while the agent holds no live token for the conversation since (a renewed one
carries its authority on, as platforms renew short-lived tokens), or is no longer known. The
approval is then refused (``Holds._execute``), and the review shows it beforehand
(``guardrail.holds.view``): both ask here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from guardrail.sinks.audit.record import format_time
from guardrail.sinks.audit.store import HoldRow, Storage
from guardrail.tokens.model import TokenStatus
from guardrail.tokens.store import TokenStore


@dataclass(frozen=True, slots=True)
class Lapsed:
    """Why the agent token that sent a held write no longer carries the agent's authority.
    ``at``: when it was revoked or expired (None when the token is no longer known)."""

    token_id: str | None
    status: Literal["revoked", "expired", "unknown"]
    at: datetime | None
    agent: str | None
    why: str

    def refusal(self) -> str:
        """What an approval is refused with: why, that nothing was sent, what to do."""
        anew = f"If the write is still wanted, {self._anew}."
        return f"Not executed: {self.why}; nothing was sent. {anew}"

    def document(self) -> dict[str, Any]:
        """As the hold's view shows it (``authority_gone``), before anyone approves it."""
        remedy = f"reject it, and if the write is still wanted, {self._anew}"
        if self.status == "expired":
            remedy = (
                f"reject it, or first issue {self._agent} a new token for the conversation, "
                "which carries its authority on"
            )
        return {
            "token_id": self.token_id,
            "token_status": self.status,
            "at": format_time(self.at) if self.at else None,
            "reason": f"{self.why[0].upper()}{self.why[1:]}: approving it sends nothing; {remedy}.",
        }

    @property
    def _anew(self) -> str:
        """How a write still wanted is made: by an agent trusted, or with a live token."""
        if self.status == "revoked":
            return "have an agent you trust make it again"
        return (
            f"issue {self._agent} a new token for the conversation and have it send the write again"
        )

    @property
    def _agent(self) -> str:
        return f"agent {self.agent!r}" if self.agent else "the agent"


async def lapsed(store: TokenStore, storage: Storage, row: HoldRow, now: datetime) -> Lapsed | None:
    """Why the agent token that sent ``row`` (the held decision records its id) no longer
    carries its agent's authority, or None while it does. Raises ContextUnavailable when the
    token store does not answer."""
    recorded = await storage.decision(row.decision_id)
    token_id = recorded.body.get("token_id") if recorded is not None else None
    token = await store.find(token_id) if token_id else None
    if token is None:
        return Lapsed(
            token_id,
            "unknown",
            None,
            row.agent,
            "crm-guardrail no longer knows the agent token that sent it, so cannot tell that "
            "the agent may still have it made",
        )
    status = token.status(now)
    if status is TokenStatus.REVOKED:
        at = token.revoked_at
        when = format_time(at) if at else "some time"
        return Lapsed(
            token.token_id,
            "revoked",
            at,
            token.agent,
            f"the agent token {token.token_id} that sent it was revoked at {when} (alone, or "
            "with its conversation), so the agent's authority to have it made is gone",
        )
    if status is TokenStatus.ACTIVE or any(
        t.agent == token.agent and t.status(now) is TokenStatus.ACTIVE
        for t in await store.of_conversation(token.conversation)
    ):
        return None  # live, or renewed: the agent's authority in the conversation stands
    return Lapsed(
        token.token_id,
        "expired",
        token.expires_at,
        token.agent,
        f"the agent token {token.token_id} that sent it expired at "
        f"{format_time(token.expires_at)} and agent {token.agent!r} holds no live token for "
        "the conversation since, so its authority to have it made is gone",
    )
