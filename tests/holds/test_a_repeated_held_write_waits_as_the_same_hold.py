"""An agent told its write waits for approval may send it again anyway (a retry with a new
request id, its JSON keys in another order, its field names in another case). While the first
hold waits, the repeat is that same hold: the agent is answered with its decision id, no second
hold is kept, and approving the one lands the write once. The repeat is audited, pointing at
the hold it repeats. A write that differs (an amount, a record, a conversation) is its own;
once the hold is settled, the same write is judged afresh. Two replicas sharing the audit store
agree on one hold however close together the two copies arrive."""

from __future__ import annotations

import time
import uuid
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceError, SalesforceMalformedRequest

from guardrail.sandbox.seed import ACME_CASE_ID
from guardrail.testing import Stack
from tests.holds.helpers import (
    REFUND,
    ProxyProcess,
    admin,
    agent_of,
    at_once,
    conversation,
    held_in,
    refunds,
    settle,
    token_stack,
)


def _held(sf: Any, fields: dict[str, Any]) -> str:
    with pytest.raises(SalesforceError) as raised:
        sf.Refund__c.create(fields)
    return held_in(raised.value)


def _holds_of(base: str, name: str) -> list[dict[str, Any]]:
    """The whole record of every held decision of conversation ``name``, oldest first."""
    listed = admin(base, "GET", "decisions", params={"conversation": name, "decision": "hold"})
    ids = [d["decision_id"] for d in reversed(listed.json()["decisions"])]
    return [admin(base, "GET", f"decisions/{i}").json() for i in ids]


def test_a_retry_with_a_new_request_id_and_reordered_keys_waits_as_the_same_hold(
    token_mode: Stack,
) -> None:
    sf = agent_of(token_mode, "conv-repeat")
    before = len(refunds(token_mode.store.records("Refund__c")))
    held = _held(sf, REFUND)
    sf.session.headers["X-Request-Id"] = str(uuid.uuid4())
    assert _held(sf, dict(reversed(list(REFUND.items())))) == held
    assert _held(sf, {name.lower(): value for name, value in REFUND.items()}) == held
    one = {"records": [{"attributes": {"type": "Refund__c"}, **REFUND, "Amount__c": 12.990}]}
    [answer] = sf.restful("composite/sobjects", method="POST", json=one)
    assert f"(decision {held})" in answer["errors"][0]["message"]
    raw = sf.session.post(f"{sf.base_url}sobjects/Refund__c/", json=REFUND, headers=sf.headers)
    assert raw.headers["X-Guardrail-Decision-Id"] == held

    records = _holds_of(token_mode.admin_url, "conv-repeat")
    assert [r["decision_id"] for r in records if "hold_state" in r] == [held]
    repeats = [r["hold"] for r in records if r["decision_id"] != held]
    assert [(h["state"], h["of"]) for h in repeats] == [("repeat", held)] * 4

    answer = settle(token_mode.admin_url, held, "approve")
    assert answer.json()["state"] == "done", answer.text
    assert len(refunds(token_mode.store.records("Refund__c"))) == before + 1


@pytest.mark.parametrize(
    "other",
    [{"Amount__c": 10.0}, {"Case__c": ACME_CASE_ID}],
    ids=["another-amount", "another-record"],
)
def test_a_write_that_differs_is_held_on_its_own(token_mode: Stack, other: dict[str, Any]) -> None:
    name = f"conv-differs-{len(other)}-{uuid.uuid4().hex[:6]}"
    sf = agent_of(token_mode, name)
    sf.Case.get(ACME_CASE_ID)  # so a refund may name it
    held = _held(sf, REFUND)
    assert _held(sf, {**REFUND, **other}) != held
    assert _held(agent_of(token_mode, f"{name}-elsewhere"), REFUND) != held


def test_once_the_hold_is_settled_the_same_write_is_judged_afresh(token_mode: Stack) -> None:
    sf = agent_of(token_mode, "conv-afresh")
    rejected = _held(sf, REFUND)
    assert settle(token_mode.admin_url, rejected, "reject").json()["state"] == "rejected"
    approved = _held(sf, REFUND)
    assert approved != rejected
    assert settle(token_mode.admin_url, approved, "approve").json()["state"] == "done"

    before = len(refunds(token_mode.store.records("Refund__c")))
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Refund__c.create(REFUND)
    assert f"(decision {approved})" not in raised.value.content[0]["message"]
    assert len(refunds(token_mode.store.records("Refund__c"))) == before


def test_a_repeat_of_a_hold_past_its_expiry_is_held_afresh(tmp_path: Path) -> None:
    """The sweeper has not expired it yet: the repeat expires it, and is held on its own."""
    with token_stack(tmp_path, expire_seconds=1, sweep_seconds=3600) as short:
        sf = agent_of(short, "conv-lapsed")
        lapsed = _held(sf, REFUND)
        time.sleep(1.2)
        assert _held(sf, REFUND) != lapsed
        state = admin(short.admin_url, "GET", f"decisions/{lapsed}").json()["hold_state"]
        assert state["state"] == "expired"


def _sent_through(proxy: ProxyProcess, name: str) -> str:
    """The unsure refund sent through ``proxy`` in conversation ``name``; the decision id its
    answer names."""
    with pytest.raises(SalesforceError) as raised:
        proxy.salesforce(name).Refund__c.create(REFUND)
    return held_in(raised.value)


def test_the_same_write_on_two_replicas_at_once_is_one_hold_approved_once(
    replicas: tuple[ProxyProcess, ProxyProcess, Any],
) -> None:
    first, second, store = replicas
    for round_ in range(3):
        name = f"twice-{round_}-{uuid.uuid4().hex[:6]}"
        admin(first.admin, "PUT", f"conversations/{name}", json=conversation()).raise_for_status()
        before = len(refunds(store.records("Refund__c")))
        named = at_once([partial(_sent_through, p, name) for p in (first, second)])
        assert len(named) == 2
        assert len(set(named)) == 1, named
        records = _holds_of(second.admin, name)
        assert [r["decision_id"] for r in records if "hold_state" in r] == named[:1]
        assert settle(first.admin, named[0], "approve").status_code == 200
        assert len(refunds(store.records("Refund__c"))) == before + 1
