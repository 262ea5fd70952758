"""A reviewer should see that a held write's agent token was revoked before trying to approve
it: the review page's list of held writes and the hold's own page flag it, saying approval
will send nothing and what to do, and the decisions API's ``hold_state`` carries it as
``authority_gone``. A hold whose agent still has its authority is not flagged, nor is one
held in pass-through mode, where agents bring their own CRM session and no token is
involved."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from guardrail.testing import Stack
from tests.holds.helpers import (
    RITA,
    admin,
    hold_refund,
    hold_with_token,
    issue_token,
    passthrough_stack,
    settle,
)

FLAG = "approving it sends nothing"


def _page(stack: Stack, path: str, **params: Any) -> str:
    page = httpx.get(
        f"{stack.admin_url}/review/{path}",
        params=params,
        headers={"Authorization": f"Bearer {RITA}"},
        timeout=30,
    )
    assert page.status_code == 200, page.text
    return page.text


def _waiting_row(stack: Stack, held: str) -> str:
    """The row of the list's held writes that links to ``held``."""
    waiting = _page(stack, "").split('class="holds"', 1)[1].split("</table>", 1)[0]
    [row] = [r for r in waiting.split("<tr") if f"/review/decisions/{held}" in r]
    return row


def _hold_section(stack: Stack, held: str) -> str:
    return (
        _page(stack, f"decisions/{held}").split('<section id="hold"', 1)[1].split("</section>")[0]
    )


def _gone(stack: Stack, held: str) -> Any:
    return admin(stack.admin_url, "GET", f"decisions/{held}").json()["hold_state"]["authority_gone"]


def test_the_review_page_flags_a_held_write_whose_token_was_revoked(token_mode: Stack) -> None:
    held, token_id = hold_with_token(token_mode, "conv-flag-revoked")
    trusted, _ = hold_with_token(token_mode, "conv-flag-trusted")
    revoked = admin(
        token_mode.admin_url, "DELETE", f"conversations/conv-flag-revoked/tokens/{token_id}"
    )
    assert revoked.status_code == 204

    row = _waiting_row(token_mode, held)
    assert "Token revoked" in row
    assert FLAG in row
    assert "Token revoked" not in _waiting_row(token_mode, trusted)
    section = _hold_section(token_mode, held)
    assert f"agent token {token_id}" in section
    assert FLAG in section
    assert "have an agent you trust make it again" in section
    assert FLAG not in _hold_section(token_mode, trusted)

    gone = _gone(token_mode, held)
    assert {k: gone[k] for k in ("token_id", "token_status")} == {
        "token_id": token_id,
        "token_status": "revoked",
    }
    assert gone["at"] is not None
    assert FLAG in gone["reason"]
    assert _gone(token_mode, trusted) is None


def test_a_hold_whose_token_expired_is_flagged_until_the_agent_is_issued_a_new_one(
    token_mode: Stack,
) -> None:
    """An approval goes ahead for an expired token only while the agent holds a renewed one
    for the conversation, so the flag says so, and goes once one is issued."""
    held, token_id = hold_with_token(token_mode, "conv-flag-expired", ttl_seconds=1)
    time.sleep(1.1)
    gone = _gone(token_mode, held)
    assert (gone["token_id"], gone["token_status"]) == (token_id, "expired")
    assert "issue agent 'bot' a new token" in gone["reason"]
    assert "Token expired" in _waiting_row(token_mode, held)
    issue_token(token_mode, "conv-flag-expired")
    assert _gone(token_mode, held) is None


def test_a_hold_is_no_longer_flagged_once_settled(token_mode: Stack) -> None:
    """The flag warns before an approval; once settled, the outcome says what happened."""
    held, token_id = hold_with_token(token_mode, "conv-flag-settled")
    admin(token_mode.admin_url, "DELETE", f"conversations/conv-flag-settled/tokens/{token_id}")
    assert settle(token_mode.admin_url, held, "reject").status_code == 200
    assert _gone(token_mode, held) is None


@pytest.fixture(scope="module")
def passthrough(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with passthrough_stack(tmp_path_factory.mktemp("holds-flag-passthrough")) as running:
        yield running


def test_a_write_held_without_a_token_is_not_flagged_and_is_made_once_approved(
    passthrough: Stack,
) -> None:
    held = hold_refund(passthrough, "conv-flag-passthrough", agent="support-bot")
    assert _gone(passthrough, held) is None
    assert FLAG not in _waiting_row(passthrough, held)
    answer = settle(passthrough.admin_url, held, "approve")
    assert (answer.status_code, answer.json()["state"]) == (200, "done"), answer.text
