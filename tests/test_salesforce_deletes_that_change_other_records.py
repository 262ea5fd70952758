"""Deleting a Salesforce record changes every record naming it: a lookup naming it is cleared
(a lookup's default on the deletion of the record it names, "Clear the value of this field")
and a master-detail child (or any relationship describe marks ``cascadeDelete``) is deleted
with it. A refund names its case, a parent case gathers many customers' cases, a case names its
contact, so such a delete changes records no intent of the request names. End to end with
simple-salesforce through the proxy to the sandbox, in every form a delete takes: such a delete
is refused, naming the object, the field and the records it would change, and the sandbox keeps
them all; a record nothing names is deleted as before.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceError, SalesforceMalformedRequest

from guardrail.sandbox.model_changes import NewField
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
        tmp_path_factory.mktemp("salesforce-deletes"), auth_mode="passthrough",
        policies=SHIPPED_PACK,
    ) as running:  # fmt: skip
        yield running


def agent(stack: Stack) -> Any:
    body = {"channel": "chat", "customer": CUSTOMER, "turns": [
        {"role": "customer", "text": "That case was opened by mistake, please delete it."}]}  # fmt: skip
    return salesforce_in(stack, f"sf-deletes-{next(_conversations)}", body, "agent-deletes")


def made(stack: Stack, sobject: str, **fields: Any) -> str:
    async def create() -> str:
        return stack.store.create(sobject, fields)

    return stack.call(create)


def case_in(stack: Stack, **fields: Any) -> str:
    return made(stack, "Case", **{"Subject": "Outage", "AccountId": ACME_ACCOUNT_ID, **fields})


def row(stack: Stack, record_id: str, sobject: str = "Case") -> dict[str, Any] | None:
    """The live record, or None once deleted."""

    async def found() -> dict[str, Any] | None:
        return stack.store.get(sobject, record_id)

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


def refused(sf: Any, form: str, case_id: str, key: str) -> str:
    """The message of the refusal of the case's delete, in any form."""
    try:
        return refusal(delete(sf, form, case_id, key))
    except SalesforceMalformedRequest as caught:
        return str(caught.content[0]["message"])


def read_then_refused(stack: Stack, sobject: str, record_id: str) -> str:
    """The message refusing the delete of a record by id, the agent having read it first."""
    sf = agent(stack)
    getattr(sf, sobject).get(record_id)
    with pytest.raises(SalesforceMalformedRequest) as caught:
        getattr(sf, sobject).delete(record_id)
    return str(caught.value.content[0]["message"])


#: What may name a case: its object, its fields naming the case, and what deleting the case
#: does to it (another customer's child case and refund are cleared, a comment deleted).
NAMING = {
    "child case": (
        "Case",
        lambda case: {"Subject": "Theirs", "AccountId": GLOBEX_ACCOUNT_ID, "ParentId": case},
        "clears ParentId on the Case records",
    ),
    "refund": (
        "Refund__c",
        lambda case: {"Amount__c": 20, "Case__c": case, "Account__c": GLOBEX_ACCOUNT_ID},
        "clears Case__c on the Refund__c records",
    ),
    "comment": (
        "CaseComment",
        lambda case: {"ParentId": case, "CommentBody": "Called back"},
        "deletes the CaseComment records",
    ),
}


@pytest.mark.parametrize("naming", NAMING)
@pytest.mark.parametrize("form", FORMS)
def test_a_case_whose_delete_changes_a_record_naming_it_is_refused(
    stack: Stack, form: str, naming: str
) -> None:
    sobject, fields, effect = NAMING[naming]
    key = f"named-{next(_conversations)}"
    case = case_in(stack, External_Id__c=key)
    other = made(stack, sobject, **fields(case))
    before = row(stack, other, sobject)
    sf = agent(stack)
    sf.Case.get(case)
    message = refused(sf, form, case, key)
    assert other in message
    assert effect in message
    assert row(stack, case) is not None
    assert row(stack, other, sobject) == before


@pytest.mark.parametrize("form", FORMS)
def test_a_case_no_record_names_is_deleted(stack: Stack, form: str) -> None:
    key = f"alone-{next(_conversations)}"
    alone = case_in(stack, External_Id__c=key)
    sf = agent(stack)
    sf.Case.get(alone)
    try:
        delete(sf, form, alone, key)
    except SalesforceError as error:  # pragma: no cover - the failure is the assertion's
        pytest.fail(f"{form}: {error}")
    assert row(stack, alone) is None


def test_a_contact_whose_delete_clears_the_contact_of_a_case_is_refused(stack: Stack) -> None:
    contact = made(stack, "Contact", LastName="Leaving", AccountId=ACME_ACCOUNT_ID)
    case = case_in(stack, ContactId=contact)
    message = read_then_refused(stack, "Contact", contact)
    assert case in message
    assert "clears ContactId on the Case records" in message
    assert row(stack, contact, "Contact") is not None


def test_a_lookup_added_to_the_model_is_asked_about_before_a_delete(stack: Stack) -> None:
    """The fields naming a record are the org's as the describe shows them now, not a list
    the proxy was written with."""
    name = f"Follow_Up_{next(_conversations)}__c"

    async def add() -> None:
        stack.store.add_field("Task", NewField(name=name, type="reference", reference_to=["Case"]))

    stack.call(add)
    case = case_in(stack)
    task = made(stack, "Task", Subject="Call back", **{name: case})
    message = read_then_refused(stack, "Case", case)
    assert task in message
    assert f"clears {name} on the Task records" in message
    assert (row(stack, task, "Task") or {}).get(name) == case
