"""An approved hold is written to the CRM exactly once: approvals racing on two replicas (one
PostgreSQL audit store, one Redis), and a proxy killed with SIGKILL while executing one, then
recovered by the next: the sandbox holds the refund once, and the audit log says so."""

from __future__ import annotations

import time
import uuid
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from tests.holds.helpers import (
    REFUND,
    ProxyProcess,
    admin,
    at_once,
    conversation,
    refunds,
    settle,
)


def _hold(proxy: ProxyProcess, name: str) -> str:
    admin(proxy.admin, "PUT", f"conversations/{name}", json=conversation()).raise_for_status()
    with pytest.raises(SalesforceMalformedRequest) as raised:
        proxy.salesforce(name).Refund__c.create(REFUND)
    assert raised.value.content[0]["errorCode"] == "GUARDRAIL_HELD_FOR_APPROVAL"
    listed = admin(proxy.admin, "GET", "decisions", params={"conversation": name}).json()
    return str(listed["decisions"][0]["decision_id"])


def _settled(proxy: ProxyProcess, held: str, timeout: float = 15) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        state: dict[str, Any] = admin(proxy.admin, "GET", f"decisions/{held}").json()["hold_state"]
        if state["state"] not in ("held", "executing") or time.monotonic() > deadline:
            return state
        time.sleep(0.2)


def _records_of(proxy: ProxyProcess, name: str) -> list[dict[str, Any]]:
    """Every decision of conversation ``name``, with its whole record."""
    listed = admin(proxy.admin, "GET", "decisions", params={"conversation": name}).json()
    return [
        admin(proxy.admin, "GET", f"decisions/{d['decision_id']}").json()
        for d in listed["decisions"]
    ]


def test_approvals_racing_on_two_replicas_write_the_refund_once(
    replicas: tuple[ProxyProcess, ProxyProcess, Any],
) -> None:
    first, second, store = replicas
    for round_ in range(3):
        name = f"race-{round_}-{uuid.uuid4().hex[:6]}"
        before = len(refunds(store.records("Refund__c")))
        held = _hold(first, name)
        answers = at_once([partial(settle, p.admin, held, "approve") for p in (first, second)])
        assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
        assert len(refunds(store.records("Refund__c"))) == before + 1
        executed = [r for r in _records_of(second, name) if (r.get("hold") or {}).get("of") == held]
        assert [(r["decision"], r["upstream_status"]) for r in executed] == [("allow", 201)]


@pytest.mark.parametrize(
    ("crash", "landed", "found_in_crm"),
    [("before-send", False, False), ("after-send", True, True), ("after-record", True, False)],
    ids=["killed-before-sending", "killed-after-the-crm-answered", "killed-after-recording"],
)
def test_a_proxy_killed_while_executing_a_hold_is_recovered_without_writing_twice(
    sandbox_crm: tuple[str, Any, Any],
    redis_prefix: str,
    tmp_path: Path,
    crash: str,
    landed: bool,
    found_in_crm: bool,
) -> None:
    """The successor finishes the hold: sends it (nothing was sent), records what the CRM
    already holds (sent, never recorded), or only marks it (recorded, never marked)."""
    url, store, tls = sandbox_crm
    dsn = f"sqlite:///{tmp_path / 'audit.db'}"
    name = f"crash-{uuid.uuid4().hex[:6]}"
    before = len(refunds(store.records("Refund__c")))
    dying = ProxyProcess(url, tls, dsn, redis_prefix, crash=crash)
    held = _hold(dying, name)
    with pytest.raises(httpx.TransportError):
        settle(dying.admin, held, "approve")
    assert dying.proc.wait(10) == -9
    assert len(refunds(store.records("Refund__c"))) - before == (1 if landed else 0)

    successor = ProxyProcess(url, tls, dsn, redis_prefix)
    try:
        state = _settled(successor, held)
        assert state["state"] == "done", state
        assert state["reviewer"] == "rita"
        assert len(refunds(store.records("Refund__c"))) == before + 1
        executed = [
            r for r in _records_of(successor, name) if (r.get("hold") or {}).get("of") == held
        ]
        assert len(executed) == 1
        assert executed[0]["decision"] == "allow"
        assert executed[0]["decision_id"] == state["result_decision_id"]
        reason = executed[0]["hold"].get("reason", "")
        assert ("not sent again" in reason) is found_in_crm
        saved = state["outcome"]["saved_ids"][0]
        assert store.get("Refund__c", saved)["Amount__c"] == 12.99
    finally:
        successor.stop()
