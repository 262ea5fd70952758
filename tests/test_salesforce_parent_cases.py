"""Deleting a case clears the parent of each of its child cases: Case.ParentId is a lookup, and
a lookup's default on the deletion of the record it names is "Clear the value of this field".
A parent case often gathers many customers' cases (an outage, a recall), so deleting the
customer's own parent case changes every other customer's child case, which no intent of the
request names. End to end with simple-salesforce through the proxy to the sandbox, in every
form a delete takes: such a delete is refused, saying which child cases it would change, and
the sandbox keeps both; a case no other case names as its parent is deleted as before."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceError, SalesforceMalformedRequest

from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CONTACT_ID, GLOBEX_ACCOUNT_ID
from guardrail.testing import Stack
from tests.helpers import SHIPPED_PACK, salesforce_in

CUSTOMER = {"account_ids": [ACME_ACCOUNT_ID], "contact_ids": [ACME_CONTACT_ID], "verified": True}
BASE = "/services/data/v59.0"
_conversations = itertools.count()
#: Each way a case is deleted.
FORMS = ("by-id", "by-external-id", "collection", "composite")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with Stack(
        tmp_path_factory.mktemp("salesforce-parent-cases"), auth_mode="passthrough",
        policies=SHIPPED_PACK,
    ) as running:  # fmt: skip
        yield running


def agent(stack: Stack) -> Any:
    body = {"channel": "chat", "customer": CUSTOMER, "turns": [
        {"role": "customer", "text": "That case was opened by mistake, please delete it."}]}  # fmt: skip
    return salesforce_in(stack, f"sf-parents-{next(_conversations)}", body, "agent-parents")


def case_in(stack: Stack, **fields: Any) -> str:
    async def create() -> str:
        return stack.store.create("Case", {"Subject": "Outage", "AccountId": ACME_ACCOUNT_ID,
                                           **fields})  # fmt: skip

    return stack.call(create)


def row(stack: Stack, case_id: str) -> dict[str, Any] | None:
    """The live case, or None once deleted."""

    async def found() -> dict[str, Any] | None:
        return stack.store.get("Case", case_id)

    return stack.call(found)


def delete(sf: Any, form: str, case_id: str, key: str) -> Any:
    if form == "by-id":
        return sf.Case.delete(case_id)
    if form == "by-external-id":
        return sf.restful(f"sobjects/Case/External_Id__c/{key}", method="DELETE")
    if form == "collection":
        return sf.restful(f"composite/sobjects?ids={case_id}&allOrNone=true", method="DELETE")
    sub = {"method": "DELETE", "url": f"{BASE}/sobjects/Case/{case_id}", "referenceId": "gone"}
    return sf.restful("composite", method="POST", json={"compositeRequest": [sub]})


def refusal(answer: Any) -> str:
    """The message of a refusal answered in a collection's or composite's 200."""
    text = str(answer)
    assert "crm-guardrail" in text, text
    return text


@pytest.mark.parametrize("form", FORMS)
def test_a_case_whose_delete_clears_another_customers_child_case_is_refused(
    stack: Stack, form: str
) -> None:
    key = f"outage-{next(_conversations)}"
    parent = case_in(stack, External_Id__c=key)
    child = case_in(stack, AccountId=GLOBEX_ACCOUNT_ID, ParentId=parent, Subject="Theirs")
    sf = agent(stack)
    sf.Case.get(parent)
    try:
        message = refusal(delete(sf, form, parent, key))
    except SalesforceMalformedRequest as caught:
        message = caught.content[0]["message"]
    assert child in message
    assert "ParentId" in message
    assert row(stack, parent) is not None
    assert (row(stack, child) or {}).get("ParentId") == parent


@pytest.mark.parametrize("form", FORMS)
def test_a_case_no_case_names_as_its_parent_is_deleted(stack: Stack, form: str) -> None:
    key = f"alone-{next(_conversations)}"
    alone = case_in(stack, External_Id__c=key)
    sf = agent(stack)
    sf.Case.get(alone)
    try:
        delete(sf, form, alone, key)
    except SalesforceError as error:  # pragma: no cover - the failure is the assertion's
        pytest.fail(f"{form}: {error}")
    assert row(stack, alone) is None
