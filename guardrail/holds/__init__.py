"""Held writes: the third answer, for writes where a wrong guess is costly.

A policy holds a write (``action: hold`` on a rule, ``onUncertain: hold`` on a policy) instead
of guessing: it is not forwarded, the agent is told in the CRM's own error format that it waits
for approval, and the request exactly as judged is kept in the audit store (``audit_holds``), so
holds survive restarts and every replica sees them. A reviewer approves or rejects it (the JSON
API, the review page); an approved hold is judged again against the conversation and the record
as they are now, then executed once with the proxy's own CRM credential (``service``), and
only while the agent token that sent it still stands (not revoked, nor expired unless the
agent was issued a live one for the conversation since: ``authority``, which the review shows
beforehand); an unapproved one expires (the
sweeper, on any replica). Each settling is audited as a decision of its own, linked to the
hold, counted (``metrics``) and pushed to a webhook (``notify``); a reviewer who may not
settle it is refused, the attempt audited beside the hold (a review record), counted and
logged. The same write sent again while its hold stands is that hold (``repeat``); an agent
with an agent token polls its own holds on the proxy (``poll``), shown as reviewers see them
(``view``).
"""

from guardrail.holds.service import (
    HeldRequest,
    HoldNotFound,
    Holds,
    NotAllowed,
    NotPending,
    held_message,
    holdable,
    waiting_on,
)

__all__ = [
    "HeldRequest",
    "HoldNotFound",
    "Holds",
    "NotAllowed",
    "NotPending",
    "held_message",
    "holdable",
    "waiting_on",
]
