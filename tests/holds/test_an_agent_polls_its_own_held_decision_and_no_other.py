"""An agent told its write is held is told it may poll the decision; with an agent token it
can, on the proxy it already talks to, with that token: the hold's state as the admin API
shows it (a reviewer's comment masked alike), for its own decisions in its own conversation
only. A decision of another conversation, or of another agent in the same one, is answered as
one that does not exist. In pass-through mode
the conversation is only what the agent's headers say, so no agent can be shown a hold: the
held message does not offer it, and the path says why."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceError

from guardrail.sinks.audit.store import HoldState
from guardrail.testing import SANDBOX_TOKEN, Stack
from tests.holds.helpers import (
    REFUND,
    admin,
    agent_of,
    conversation,
    held_in,
    passthrough_stack,
    poll,
    settle,
)

CARD = "4111 1111 1111 1111"


def _hold(sf: Any) -> tuple[str, str]:
    """An unsure refund held: its decision id and the message the agent got."""
    with pytest.raises(SalesforceError) as raised:
        sf.Refund__c.create(REFUND)
    return held_in(raised.value), raised.value.content[0]["message"]


def test_an_agent_polls_its_own_hold_as_the_admin_api_shows_it(token_mode: Stack) -> None:
    sf = agent_of(token_mode, "conv-poll")
    held, message = _hold(sf)
    assert f"GET /guardrail/v1/decisions/{held}" in message
    assert "your own token" in message

    waiting = poll(sf, held)
    assert waiting.status_code == 200, waiting.text
    assert waiting.json()["state"] == "held"

    comment = f"customer read me the card {CARD}, checked it"
    assert settle(token_mode.admin_url, held, "reject", comment=comment).status_code == 200
    shown = poll(sf, held).json()
    assert shown == admin(token_mode.admin_url, "GET", f"decisions/{held}").json()["hold_state"]
    assert shown["state"] == "rejected"
    assert CARD not in shown["comment"]
    assert "checked it" in shown["comment"]


def test_a_hold_being_made_shows_no_outcome_until_it_has_one(token_mode: Stack) -> None:
    """While approved and being made, the hold notes the records that looked like it before
    it was sent (for recovery): other records' ids, no outcome, shown to nobody."""
    sf = agent_of(token_mode, "conv-poll-executing")
    held, _ = _hold(sf)
    marker = {"existing": {"0": ["a01000000000042AAA"]}}
    claimed = token_mode.call(
        lambda: token_mode.guardrail.audit.storage.move_hold(
            held,
            (HoldState.HELD,),
            HoldState.EXECUTING,
            datetime.now(UTC),
            values={"claim": "test", "claimed_at": datetime.now(UTC), "outcome": marker},
        )
    )
    assert claimed is not None
    shown = poll(sf, held).json()
    assert (shown["state"], shown["outcome"]) == ("executing", None)
    assert shown == admin(token_mode.admin_url, "GET", f"decisions/{held}").json()["hold_state"]


def test_a_hold_of_another_conversation_is_answered_as_one_that_does_not_exist(
    token_mode: Stack,
) -> None:
    mine = agent_of(token_mode, "conv-poll-mine")
    theirs, _ = _hold(agent_of(token_mode, "conv-poll-theirs"))
    other = poll(mine, theirs)
    missing = poll(mine, "0190f0a4-0000-7000-8000-000000000000")
    assert (other.status_code, missing.status_code) == (404, 404)
    assert other.json()[0]["errorCode"] == missing.json()[0]["errorCode"] == "NOT_FOUND"
    assert other.json()[0]["message"].replace(theirs, "?") == missing.json()[0]["message"].replace(
        "0190f0a4-0000-7000-8000-000000000000", "?"
    )


def test_a_hold_of_another_agent_in_the_same_conversation_is_answered_as_one_that_does_not_exist(
    token_mode: Stack,
) -> None:
    theirs, _ = _hold(agent_of(token_mode, "conv-poll-shared"))  # as support-bot
    issued = admin(
        token_mode.admin_url,
        "POST",
        "conversations/conv-poll-shared/tokens",
        json={"agent": "bot-2"},
    )
    other = poll(token_mode.salesforce(token=issued.json()["token"]), theirs)
    assert other.status_code == 404, other.text
    assert other.json()[0]["errorCode"] == "NOT_FOUND"


def test_a_poll_is_refused_in_the_crms_format_without_a_live_token_or_a_decision_id(
    token_mode: Stack,
) -> None:
    sf = agent_of(token_mode, "conv-poll-refused")
    held, _ = _hold(sf)
    for bad_id in ("not an id", "%FF%FE", "x" * 201, "a%2Fb"):
        bad = poll(sf, bad_id)
        assert bad.status_code == 400, (bad_id, bad.text)
        assert "decision id" in bad.json()[0]["message"]

    sf.headers["Authorization"] = "Bearer made-up"
    unknown = poll(sf, held)
    assert unknown.status_code == 401
    assert unknown.json()[0]["errorCode"] == "INVALID_SESSION_ID"


def test_a_token_used_for_another_conversation_may_not_poll(token_mode: Stack) -> None:
    sf = agent_of(token_mode, "conv-poll-claimed")
    held, _ = _hold(sf)
    sf.session.headers["X-Guardrail-Conversation"] = "conv-poll-mine"
    refused = poll(sf, held)
    assert refused.status_code == 403, refused.text


def test_in_passthrough_mode_a_hold_is_not_shown_to_agents_and_the_message_says_so(
    tmp_path: Path,
) -> None:
    with passthrough_stack(tmp_path) as passthrough:
        admin(passthrough.admin_url, "PUT", "conversations/conv-pt", json=conversation())
        sf = passthrough.salesforce(conversation="conv-pt", agent="bot", token=SANDBOX_TOKEN)
        held, message = _hold(sf)
        assert "/guardrail/v1/decisions" not in message
        assert "not shown to agents" in message
        answer = poll(sf, held)
        assert answer.status_code == 404, answer.text
        assert "agent token" in answer.json()[0]["message"]
