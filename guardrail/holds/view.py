"""A held write's state as it is shown: to reviewers (the admin API, the review page) and to
the agent polling its own (guardrail.holds.poll) alike, so what is masked for one is masked
for the other (a comment, a refusal's reason: masked when the hold is settled)."""

from __future__ import annotations

from typing import Any

from guardrail.sinks.audit.record import format_time
from guardrail.sinks.audit.store import HoldRow


def hold_view(hold: HoldRow) -> dict[str, Any]:
    """The hold's state, never the request it keeps."""
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
    }
