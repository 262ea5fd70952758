"""An agent polls its own held write: ``GET /guardrail/v1/decisions/{id}`` on the proxy.

The admin listener's decisions API takes operators' tokens; an agent has only the credential it
sends the proxy. With an agent token (``auth_mode: token``) the token names its conversation
and agent, so the agent is shown the state of the holds it made in that conversation, as
reviewers see it (guardrail.holds.view), and no other: a hold of another conversation, or of
another agent in the same one, is answered as one that does not exist, so polling cannot tell
which ids are held. In pass-through mode the
conversation is only what the agent's headers say, and any agent could name any, so no hold is
shown to agents; the held message says so (held_message) and so does this path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from guardrail.errors import HoldNotShown, MalformedRequest
from guardrail.holds.service import HoldNotFound, Holds
from guardrail.holds.view import shown
from guardrail.model import DECISION_ID, DECISION_ID_SHAPE, Caller
from guardrail.tokens.gate import TokenGate

#: The proxy listener's route; the admin API's path, so the held message names one path.
POLL_PATH = "/guardrail/v1/decisions/{id}"


async def polled(
    holds: Holds | None,
    tokens: TokenGate | None,
    headers: Mapping[str, str],
    claimed: Caller,
    decision_id: str,
) -> dict[str, Any]:
    """The state of the hold ``decision_id`` for the agent whose token the request bears (its
    own, in its token's conversation).
    Raises HoldNotShown (not offered, or not its conversation's), what TokenGate's grant
    raises (InvalidSession, TokenRefused), MalformedRequest, DependencyFailure."""
    if tokens is None or holds is None:
        raise HoldNotShown(
            "crm-guardrail shows a held write to the agent that sent it only when the agent "
            "calls with an agent token, which names its conversation; here agents bring their "
            "own CRM session, so no hold is shown to agents. The platform that runs you can "
            "see the outcome; do not send the write again."
        )
    grant = await tokens.bind(headers, claimed)
    grant.admit()
    if not DECISION_ID.fullmatch(decision_id):
        raise MalformedRequest(f"{DECISION_ID_SHAPE}; poll the id the held write's error named.")
    try:
        hold = await holds.get(decision_id)
    except HoldNotFound:
        hold = None
    caller = grant.caller
    if hold is None or (hold.conversation, hold.agent) != (caller.conversation, caller.agent):
        raise HoldNotShown(
            f"No held write {decision_id} of this agent token's agent and conversation. Poll the "
            "decision id the held write's error named, with a token of the agent that sent it."
        )
    return await shown(hold, holds)
