"""A held write's state as it is shown: to reviewers (the admin API, the review page) and to
the agent polling its own (guardrail.holds.poll) alike, so what is masked for one is masked
for the other (a comment, a refusal's reason: masked when the hold is settled)."""

from __future__ import annotations

from typing import Any

from guardrail.holds.authority import Lapsed
from guardrail.holds.service import Holds
from guardrail.sinks.audit.record import format_time
from guardrail.sinks.audit.store import HoldRow, HoldState


def hold_view(hold: HoldRow, gone: Lapsed | None = None) -> dict[str, Any]:
    """The hold's state, never the request it keeps; ``gone``: why its agent's authority to
    have it made is gone (``shown``)."""
    return {
        "decision_id": hold.decision_id,
        "state": str(hold.state),
        "held_at": format_time(hold.created_at),
        "expires_at": format_time(hold.expires_at),
        "updated_at": format_time(hold.updated_at),
        "policy": hold.policy,
        "rule": hold.rule,
        "reviewer": hold.reviewer,
        "comment": hold.comment,
        "result_decision_id": hold.execution_id if hold.state.settled else None,
        # Until settled, the outcome column holds only recovery's notes (the ids of records
        # that looked like a create before it was sent): no outcome, and not the hold's.
        "outcome": hold.outcome if hold.state.settled else None,
        "authority_gone": gone.document() if gone is not None else None,
    }


async def shown(hold: HoldRow, holds: Holds | None) -> dict[str, Any]:
    """The hold's view, flagged while it waits when an approval would be refused because
    the agent token that sent it no longer carries its agent's authority (revoked, say): a
    reviewer sees it before trying. Raises ContextUnavailable when the token store does not
    answer."""
    if holds is None or hold.state is not HoldState.HELD:
        return hold_view(hold)
    return hold_view(hold, await holds.lapsed(hold))
