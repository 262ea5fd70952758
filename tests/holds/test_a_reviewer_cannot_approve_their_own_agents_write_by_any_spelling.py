"""``holds.agents_of`` keeps a reviewer from approving their own agents' writes. An agent's name
is whatever its token was issued for, or (pass-through mode) whatever its X-Guardrail-Agent
header says: the same name in another case, or no name at all, must not let the reviewer
responsible for it approve. Nor, configured or not, may a reviewer approve a write made as an
agent of their own name (four eyes: whoever made it is not who approves it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from guardrail.testing import Stack
from tests.holds.helpers import OSCAR, REVIEWERS, admin, hold_refund, passthrough_stack, settle


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with passthrough_stack(
        tmp_path_factory.mktemp("holds-agents-of"),
        api_reviewers={**REVIEWERS, "Oscar.Jones": "oscar-jones-token"},
        holds={"agents_of": {"oscar": ["support-bot"], "oscar.jones": ["Billing-Bot"]}},
    ) as running:
        yield running


@pytest.mark.parametrize("agent", ["Support-Bot", "SUPPORT-BOT"])
def test_another_spelling_of_the_reviewers_agent_is_still_theirs(stack: Stack, agent: str) -> None:
    held = hold_refund(stack, f"conv-spelling-{agent}", agent)
    answer = settle(stack.admin_url, held, "approve", token=OSCAR)
    assert answer.status_code == 403, answer.text
    assert answer.json()["error"] == "not_allowed"
    assert (
        admin(stack.admin_url, "GET", f"decisions/{held}").json()["hold_state"]["state"] == "held"
    )


def test_a_reviewer_named_in_another_case_is_still_responsible(stack: Stack) -> None:
    held = hold_refund(stack, "conv-reviewer-case", "billing-bot")
    answer = settle(stack.admin_url, held, "approve", token="oscar-jones-token")
    assert answer.status_code == 403, answer.text


def test_a_write_naming_no_agent_may_not_be_approved_by_a_reviewer_with_agents(
    stack: Stack,
) -> None:
    held = hold_refund(stack, "conv-no-agent", None)
    answer = settle(stack.admin_url, held, "approve", token=OSCAR)
    assert answer.status_code == 403, answer.text
    assert "names no agent" in answer.json()["message"]
    assert settle(stack.admin_url, held, "reject").status_code == 200  # rita has no agents


@pytest.mark.parametrize("agent", ["rita", "RITA"])
def test_a_write_made_in_the_reviewers_own_name_is_not_theirs_to_approve(
    stack: Stack, agent: str
) -> None:
    held = hold_refund(stack, f"conv-own-name-{agent}", agent)
    own = settle(stack.admin_url, held, "approve")  # as rita, who is responsible for no agent
    assert own.status_code == 403, own.text
    assert own.json()["error"] == "not_allowed"
    assert "made as agent" in own.json()["message"]
    state = admin(stack.admin_url, "GET", f"decisions/{held}").json()["hold_state"]
    assert state["state"] == "held"
    assert settle(stack.admin_url, held, "reject", token=OSCAR).status_code == 200
