"""A reviewer who may not settle a hold (not a configured reviewer, the write's own agent, a
reviewer responsible for that agent) is told 403 ``not_allowed`` as before, and the attempt
leaves a trace: a record in the tamper-evident audit chain (who, approve or reject, which
hold, why refused), shown with the hold on the review page and in the decisions API, counted
by policy, rule and reason, and logged without the comment. The hold stays pending."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from structlog.testing import capture_logs

from guardrail.errors import AuditUnavailable
from guardrail.sinks.audit.log import AuditLog
from guardrail.sinks.audit.verify import verify
from guardrail.testing import Stack
from tests.holds.helpers import OSCAR, RITA, admin, hold_refund, passthrough_stack, settle

SAM = "sam-token"
CARD = "4111 1111 1111 1111"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with passthrough_stack(
        tmp_path_factory.mktemp("holds-refused"),
        api_reviewers={"rita": RITA, "oscar": OSCAR, "sam": SAM},
        holds={"reviewers": ["rita", "oscar"], "agents_of": {"oscar": ["support-bot"]}},
    ) as running:
        yield running


def test_an_approval_by_a_reviewer_of_the_writes_own_agent_is_refused_and_audited(
    stack: Stack,
) -> None:
    held = hold_refund(stack, "conv-refused-own-agent", agent="support-bot")
    answer = settle(stack.admin_url, held, "approve", token=OSCAR, comment=f"card {CARD} ok")
    assert answer.status_code == 403, answer.text
    assert answer.json()["error"] == "not_allowed"
    message = answer.json()["message"]
    assert "responsible for agent 'support-bot'" in message
    record = admin(stack.admin_url, "GET", f"decisions/{held}").json()
    [attempt] = record["refused_attempts"]
    assert {k: attempt[k] for k in ("decision_id", "reviewer", "attempt", "reason", "message")} == {
        "decision_id": held,
        "reviewer": "oscar",
        "attempt": "approve",
        "reason": "own_agent",
        "message": message,
    }
    assert CARD not in attempt["comment"]
    assert attempt["comment"].endswith(" ok")
    assert attempt["chain"]["seq"] > record["chain"]["seq"]
    assert record["reviews"] == []  # a refused attempt is no finding on the decision


@pytest.mark.parametrize(
    ("token", "agent", "reason"),
    [(SAM, "support-bot", "not_reviewer"), (RITA, "Rita", "own_write")],
)
def test_a_refused_rejection_leaves_the_hold_pending_for_another_reviewer(
    stack: Stack, token: str, agent: str, reason: str
) -> None:
    held = hold_refund(stack, f"conv-refused-{reason}", agent=agent)
    refused = settle(stack.admin_url, held, "reject", token=token)
    assert refused.status_code == 403, refused.text
    record = admin(stack.admin_url, "GET", f"decisions/{held}").json()
    attempts = [(a["attempt"], a["reason"]) for a in record["refused_attempts"]]
    assert attempts == [("reject", reason)]
    assert record["hold_state"]["state"] == "held"
    allowed = settle(stack.admin_url, held, "reject", token=OSCAR if agent == "Rita" else RITA)
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["state"] == "rejected"


def test_the_review_page_shows_refused_attempts_beside_the_hold_not_as_marks(stack: Stack) -> None:
    held = hold_refund(stack, "conv-refused-page", agent="support-bot")
    assert settle(stack.admin_url, held, "approve", token=OSCAR).status_code == 403
    page = httpx.get(
        f"{stack.admin_url}/review/decisions/{held}",
        headers={"Authorization": f"Bearer {RITA}"},
        timeout=30,
    )
    assert page.status_code == 200, page.text
    hold = page.text.split('<section id="hold"', 1)[1].split("</section>", 1)[0]
    refused = hold.split('class="refused"', 1)[1]
    assert "<strong>oscar</strong> tried to approve it" in refused
    assert "responsible for agent &#39;support-bot&#39;" in refused
    listed = httpx.get(
        f"{stack.admin_url}/review/",
        params={"conversation": "conv-refused-page"},
        headers={"Authorization": f"Bearer {RITA}"},
        timeout=30,
    )
    row = listed.text.split('<tr class="decision-start">', 1)[1].split("</tr>", 1)[0]
    assert "Not reviewed" in row  # a refused attempt is no mark on the write


def test_a_refused_attempt_cannot_be_marked_by_a_reviewer(stack: Stack) -> None:
    """Refused attempts are kept as review records the guardrail writes, not a reviewer."""
    held = hold_refund(stack, "conv-refused-forged", agent="support-bot")
    forged = {"verdict": "refused", "comment": "oscar tried", "reviewer": "rita"}
    answer = admin(stack.admin_url, "POST", f"decisions/{held}/reviews", token=RITA, json=forged)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == "invalid_review"
    assert admin(stack.admin_url, "GET", f"decisions/{held}").json()["refused_attempts"] == []


def test_a_refused_attempt_is_logged_without_its_comment(stack: Stack) -> None:
    held = hold_refund(stack, "conv-refused-log", agent="support-bot")
    with capture_logs() as lines:
        settle(stack.admin_url, held, "approve", token=OSCAR, comment=f"card {CARD}")
    [line] = [line for line in lines if line["event"] == "hold_settle_refused"]
    assert line == {
        "event": "hold_settle_refused",
        "log_level": "warning",
        "decision_id": held,
        "reviewer": "oscar",
        "attempt": "approve",
        "reason": "own_agent",
        "policy": "refund-rules",
        "rule": "RefundRequested",
    }


def test_a_refusal_is_answered_only_once_it_is_audited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the audit log is down the refused reviewer gets its 503, not a 403 no record
    shows; nothing is settled, and once the log is back the attempt is refused and kept."""
    with passthrough_stack(tmp_path, holds={"agents_of": {"oscar": ["support-bot"]}}) as alone:
        held = hold_refund(alone, "conv-refused-audit-down", agent="support-bot")
        audit = alone.guardrail.audit

        async def down() -> None:
            raise AuditUnavailable("the audit store is down for this test")

        monkeypatch.setattr(audit.storage, "probe", down)  # the probe finds it down too
        alone.call(lambda: _fail(audit))
        answer = settle(alone.admin_url, held, "approve", token=OSCAR)
        assert answer.status_code == 503, answer.text
        assert answer.json()["error"] == "audit_unavailable"
        monkeypatch.undo()
        deadline = time.monotonic() + 10
        while not audit.available and time.monotonic() < deadline:  # probed every second
            time.sleep(0.05)
        assert admin(alone.admin_url, "GET", f"decisions/{held}").json()["refused_attempts"] == []
        assert settle(alone.admin_url, held, "approve", token=OSCAR).status_code == 403
        record = admin(alone.admin_url, "GET", f"decisions/{held}").json()
        assert [a["reviewer"] for a in record["refused_attempts"]] == ["oscar"]
        assert settle(alone.admin_url, held, "reject").status_code == 200


async def _fail(audit: AuditLog) -> None:
    audit.health.failed("the audit store is down for this test")


def test_refused_attempts_are_counted_and_the_chain_still_verifies(stack: Stack) -> None:
    """Run after the tests above: each refused attempt counted by policy, rule and reason."""
    text = httpx.get(f"{stack.admin_url}/metrics", timeout=10).text
    counted = {
        s.labels["reason"]: s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "guardrail_hold_settles_refused_total"
        and s.labels["policy"] == "refund-rules"
        and s.labels["rule"] == "RefundRequested"
    }
    assert counted == {"own_agent": 3, "not_reviewer": 1, "own_write": 1}
    checked = stack.call(lambda: verify(stack.guardrail.audit.storage))
    assert checked.ok, checked.broken
