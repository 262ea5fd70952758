"""Salesforce collates a composite's subrequests (``collateSubrequests``, true by default from
API 49.0): "the order of execution is not guaranteed (unless there is an explicit
dependency)". The proxy asks the CRM what some writes change before judging them (the record
an upsert finds by its external id, the account a case takes from its contact), before the
composite runs; a subrequest written after such a write may run before it and change the
answer, as one written before it may. So, collated, a write judged on a look-up is refused
when any other subrequest writes what the look-up reads; with ``collateSubrequests: false``
Salesforce keeps the order sent, and only a write before it counts. The real
simple-salesforce client, through the proxy, to the sandbox (which runs subrequests in order)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from guardrail.sandbox.seed import ACME_CASE_ID, ACME_CONTACT_ID
from guardrail.testing import Stack

BASE = "/services/data/v59.0"
#: (a write judged on a look-up, a write of what the look-up reads), in the order sent.
LOOKUP_FIRST = {
    "an upsert, then the external id it finds given to another case": (
        {"method": "PATCH", "url": f"{BASE}/sobjects/Case/External_Id__c/RT-COLLATED",
         "referenceId": "looked", "body": {"Subject": "Judged as a create"}},
        {"method": "PATCH", "url": f"{BASE}/sobjects/Case/{ACME_CASE_ID}",
         "referenceId": "other", "body": {"External_Id__c": "RT-COLLATED"}},
    ),
    "a case given a contact, then the contact written": (
        {"method": "POST", "url": f"{BASE}/sobjects/Case", "referenceId": "looked",
         "body": {"Subject": "Its account from its contact", "ContactId": ACME_CONTACT_ID}},
        {"method": "PATCH", "url": f"{BASE}/sobjects/Contact/{ACME_CONTACT_ID}",
         "referenceId": "other", "body": {"Phone": "555-0199"}},
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def sf(notes_stack: Stack) -> Any:
    """simple-salesforce through a stack judging by the shipped pack's ParameterValidation."""
    return notes_stack.salesforce(conversation="conv-collated", agent="agent-e2e")


def _records(stack: Stack) -> dict[str, list[dict[str, Any]]]:
    return {o: copy.deepcopy(stack.store.records(o)) for o in ("Case", "Contact")}


@pytest.mark.parametrize("collate", [None, True])
@pytest.mark.parametrize("pair", LOOKUP_FIRST.values(), ids=LOOKUP_FIRST)
def test_a_looked_up_write_before_a_write_of_what_it_reads_is_refused_when_collated(
    notes_stack: Stack, sf: Any, pair: tuple[dict[str, Any], ...], collate: bool | None
) -> None:
    composite: dict[str, Any] = {"allOrNone": True, "compositeRequest": list(pair)}
    if collate is not None:
        composite["collateSubrequests"] = collate
    before = _records(notes_stack)
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.restful("composite", method="POST", json=composite)
    [error] = refused.value.content
    assert error["errorCode"] == "GUARDRAIL_AMBIGUOUS_REQUEST", error
    message = error["message"]
    assert message.startswith("Subrequest looked: "), message
    assert "collateSubrequests: false" in message, message
    assert _records(notes_stack) == before


@pytest.mark.parametrize("pair", LOOKUP_FIRST.values(), ids=LOOKUP_FIRST)
def test_in_the_order_sent_the_looked_up_write_runs_on_what_was_asked(
    notes_stack: Stack, sf: Any, pair: tuple[dict[str, Any], ...]
) -> None:
    composite = {"allOrNone": False, "collateSubrequests": False, "compositeRequest": list(pair)}
    answer = sf.restful("composite", method="POST", json=composite)["compositeResponse"]
    assert answer[0]["httpStatusCode"] == 201, answer  # made, as judged


def test_in_the_order_sent_a_write_before_the_looked_up_one_is_still_refused(
    notes_stack: Stack, sf: Any
) -> None:
    looked, other = LOOKUP_FIRST["an upsert, then the external id it finds given to another case"]
    composite = {"collateSubrequests": False, "compositeRequest": [other, looked]}
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.restful("composite", method="POST", json=composite)
    [error] = refused.value.content
    assert error["message"].startswith("Subrequest looked: "), error
