"""What is built to judge one write dies with its response: nothing of it outlives the request.

The CEL context is a native object the garbage collector cannot traverse, so anything it holds
that leads back to it (a bound method of its owner, say) makes a cycle that is never collected:
every judged write then leaked its rule environment and the conversation facts behind it.
"""

from __future__ import annotations

import gc
import shutil
import weakref
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

import guardrail.checks.rules as rules
from guardrail.context.loader import ContextLoader
from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID, ACME_CONTACT_ID
from guardrail.testing import Stack
from tests.helpers import SHIPPED_PACK

READ_BACK = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {name: case-read-back}
spec:
  match: {objects: [Case], operations: [update]}
  post: {readBack: true, onFailure: alert, mode: sync}
"""
CONVERSATION = {
    "channel": "chat",
    "customer": {
        "account_ids": [ACME_ACCOUNT_ID],
        "contact_ids": [ACME_CONTACT_ID],
        "verified": True,
    },
    "entitlements": {"refund_limit": 100},
    "turns": [
        {"role": "customer", "text": "My kettle arrived broken, can I get $20 back please?"},
        {"role": "agent", "text": "Of course, I will sort that out."},
    ],
}


class Built:
    """Weak references to every rule environment and every set of facts made while it is on."""

    def __init__(self) -> None:
        self.refs: list[weakref.ref[Any]] = []

    def alive(self) -> int:
        gc.collect()
        return sum(ref() is not None for ref in self.refs)


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> Built:
    seen = Built()
    make_env = rules.Environment.__init__
    load_facts = ContextLoader.facts

    def environment(self: rules.Environment, *args: Any) -> None:
        make_env(self, *args)
        seen.refs.append(weakref.ref(self))

    async def facts(self: ContextLoader, *args: Any) -> Any:
        found = await load_facts(self, *args)
        seen.refs.append(weakref.ref(found))
        return found

    monkeypatch.setattr(rules.Environment, "__init__", environment)
    monkeypatch.setattr(ContextLoader, "facts", facts)
    return seen


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("memory")
    pack = directory / "pack"
    shutil.copytree(SHIPPED_PACK, pack)
    (pack / "read-back.yaml").write_text(READ_BACK)
    with Stack(directory, auth_mode="token", policies=pack) as running:
        httpx.put(
            f"{running.admin_url}/guardrail/v1/conversations/memory", json=CONVERSATION
        ).raise_for_status()
        yield running


def client(stack: Stack) -> Any:
    return stack.salesforce(token=stack.agent_token("memory", "agent-1"))


def test_an_allowed_write_leaves_nothing_of_its_judging_behind(stack: Stack, built: Built) -> None:
    sf = client(stack)
    sf.Refund__c.create(
        {"Amount__c": 20, "Reason__c": "Damaged Item", "Account__c": ACME_ACCOUNT_ID}
    )
    assert built.refs, "the write was judged with rules"
    assert built.alive() == 0


def test_a_blocked_write_leaves_nothing_of_its_judging_behind(stack: Stack, built: Built) -> None:
    sf = client(stack)
    with pytest.raises(SalesforceMalformedRequest, match="RefundNotMoreThanAsked"):
        sf.Refund__c.create(
            {"Amount__c": 90, "Reason__c": "Damaged Item", "Account__c": ACME_ACCOUNT_ID}
        )
    assert built.refs
    assert built.alive() == 0


def test_a_read_back_write_leaves_nothing_of_its_judging_behind(stack: Stack, built: Built) -> None:
    sf = client(stack)
    sf.Case.get(ACME_CASE_ID)
    assert sf.Case.update(ACME_CASE_ID, {"Priority": "High"}) == 204
    assert built.refs
    assert built.alive() == 0
