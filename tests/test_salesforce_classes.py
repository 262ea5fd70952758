"""Writes an agent splits or spells so the shipped Salesforce pack would not see what the CRM
ends up holding, end to end with simple-salesforce through the proxy to the sandbox: each is
judged as what the CRM will hold, as the plain write is, and the sandbox keeps its records."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CONTACT_ID, QUEUE_IDS
from guardrail.testing import Stack
from tests.helpers import SHIPPED_PACK, salesforce_in

CUSTOMER = {"account_ids": [ACME_ACCOUNT_ID], "contact_ids": [ACME_CONTACT_ID], "verified": True}
_conversations = itertools.count()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with Stack(
        tmp_path_factory.mktemp("salesforce-classes"), auth_mode="passthrough",
        policies=SHIPPED_PACK,
    ) as running:  # fmt: skip
        yield running


def agent(stack: Stack, *said: str) -> Any:
    """simple-salesforce in a fresh conversation with Acme's verified contact, who said ``said``."""
    body = {"channel": "chat", "customer": CUSTOMER,
            "turns": [{"role": "customer", "text": text} for text in said]}  # fmt: skip
    return salesforce_in(stack, f"sf-classes-{next(_conversations)}", body, "agent-classes")


def case_in(stack: Stack, **fields: Any) -> str:
    async def create() -> str:
        return stack.store.create("Case", {"Subject": "Routed", "AccountId": ACME_ACCOUNT_ID,
                                           **fields})  # fmt: skip

    return stack.call(create)


def saved(stack: Stack, case_id: str) -> dict[str, Any]:
    async def row() -> dict[str, Any]:
        found = stack.store.get("Case", case_id)
        assert found is not None
        return dict(found)

    return stack.call(row)


def test_a_queued_case_given_a_reason_its_queue_does_not_handle_is_refused(stack: Stack) -> None:
    """Reason Account Closure with OwnerId Billing is refused written at once; queued as a
    Billing case first and its Reason changed after, the case would sit in Billing all the
    same. The Reason change is judged against the queue the case is in."""
    case_id = case_in(stack, Reason="Billing")
    sf = agent(stack, "I was charged twice on the March invoice.")
    sf.Case.get(case_id)
    sf.Case.update(case_id, {"OwnerId": QUEUE_IDS["Billing"]})
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Case.update(case_id, {"Reason": "Account Closure"})
    message = caught.value.content[0]["message"]
    assert "(case-queue-routing/QueueMatchesReason)" in message
    assert "Change Reason and OwnerId in one write" in message
    assert saved(stack, case_id)["Reason"] == "Billing"

    sf.Case.update(case_id, {"Reason": "Account Closure", "OwnerId": QUEUE_IDS["Retention"]})
    assert saved(stack, case_id)["OwnerId"] == QUEUE_IDS["Retention"]


def test_a_reason_changed_on_a_case_no_queue_holds_is_not_routed(stack: Stack) -> None:
    case_id = case_in(stack, Reason="Return")
    sf = agent(stack, "It's about a double charge, not a return.")
    sf.Case.get(case_id)  # owned by a person (the integration user), not a queue
    sf.Case.update(case_id, {"Reason": "Billing"})
    assert saved(stack, case_id)["Reason"] == "Billing"
