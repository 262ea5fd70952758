"""Writes an agent splits or spells so the shipped Salesforce pack would not see what the CRM
ends up holding, end to end with simple-salesforce through the proxy to the sandbox: each is
judged as what the CRM will hold, as the plain write is, and the sandbox keeps its records."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from simple_salesforce.exceptions import SalesforceError, SalesforceMalformedRequest

from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CONTACT_ID, QUEUE_IDS
from guardrail.testing import Stack
from guardrail.understanding.sensitive import sensitive_kinds
from tests.conftest import cards_of_every_length
from tests.helpers import SHIPPED_PACK, salesforce_in, through_a_stack

CUSTOMER = {"account_ids": [ACME_ACCOUNT_ID], "contact_ids": [ACME_CONTACT_ID], "verified": True}
_conversations = itertools.count()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with Stack(
        tmp_path_factory.mktemp("salesforce-classes"), auth_mode="passthrough",
        policies=SHIPPED_PACK,
    ) as running:  # fmt: skip
        yield running


def agent(stack: Stack, *said: str, customer: dict[str, Any] = CUSTOMER) -> Any:
    """simple-salesforce in a fresh conversation with ``customer`` (Acme's verified contact),
    who said ``said``."""
    body = {"channel": "chat", "customer": customer,
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


#: case-queue-routing's routing, as the shipped pack holds it (Complaint: Escalations or Billing).
ROUTING = {"Billing": {"Billing"}, "Technical": {"Technical Support"}, "Return": {"Returns"},
           "Account Closure": {"Retention"}, "Complaint": {"Escalations", "Billing"}}  # fmt: skip


def routed(owner: str, status: str, reason: str) -> bool:
    """Whether case-queue-routing lets a case sitting with ``owner`` in ``status`` take
    ``reason`` alone: a person's case is not routed; an escalated case stays in Escalations;
    else the queue must handle the Reason (Other: any)."""
    if owner not in QUEUE_IDS:
        return True
    return (status == "Escalated" and owner == "Escalations") or reason == "Other" or (
        owner in ROUTING.get(reason, set())
    )  # fmt: skip


@through_a_stack(examples=20)
@given(
    owner=st.sampled_from([*QUEUE_IDS, "a person"]),
    status=st.sampled_from(["New", "Escalated"]),
    reason=st.sampled_from([*ROUTING, "Other"]),
    seen=st.sampled_from(["no queue", "another queue"]),
)
def test_a_reason_changed_alone_is_routed_against_the_queue_the_case_sits_in_now(
    stack: Stack, owner: str, status: str, reason: str, seen: str
) -> None:
    """The conversation read the case without its queue, or while it sat in another queue
    (someone moved it since): the Reason changed alone is judged against the queue and the
    Status the CRM holds, so it is refused exactly when the plain write of both would be,
    and an escalated case in Escalations keeps taking any Reason."""
    queue = {"OwnerId": QUEUE_IDS[owner]} if owner in QUEUE_IDS else {}
    case_id = case_in(stack, Reason="Other", Status=status, **queue)
    sf = agent(stack, "Please sort out where my case goes.")
    if seen == "no queue":
        sf.query(f"SELECT Id, Subject, Reason, Status FROM Case WHERE Id = '{case_id}'")
    else:
        elsewhere = "Technical Support" if owner != "Technical Support" else "Billing"

        async def move(to: dict[str, Any]) -> None:
            stack.store.update("Case", case_id, to)

        stack.call(functools.partial(move, {"OwnerId": QUEUE_IDS[elsewhere]}))
        sf.Case.get(case_id)
        stack.call(functools.partial(move, {"OwnerId": QUEUE_IDS.get(owner, "005000000000001AAA")}))
    try:
        sf.Case.update(case_id, {"Reason": reason})
        refused = None
    except SalesforceMalformedRequest as error:
        refused = error.content[0]["message"]
    if routed(owner, status, reason):
        assert refused is None
        assert saved(stack, case_id)["Reason"] == reason
    else:
        assert refused is not None
        assert "(case-queue-routing/QueueMatchesReason)" in refused
        assert saved(stack, case_id)["Reason"] == "Other"


#: A call logged on the customer's account; a card's digits go in its Subject and duration.
CALL = {"WhatId": ACME_ACCOUNT_ID, "Status": "Completed", "Priority": "Normal"}
CARD = "card number or a social security number"


def tasks(stack: Stack) -> list[dict[str, Any]]:
    async def rows() -> list[dict[str, Any]]:
        return [dict(r) for r in stack.store.records("Task")]

    return stack.call(rows)


@st.composite
def cards_split_at_a_number(draw: st.DrawFn) -> tuple[str, str, int]:
    """(card, the digits a text holds, the number a number field holds): the card cut where
    its tail, up to nine digits (a call's duration takes nine), does not start with a 0 (a
    number field keeps no leading zero)."""
    card = draw(cards_of_every_length())
    cut = draw(st.integers(min_value=len(card) - 9, max_value=len(card) - 4))
    assume(card[cut] != "0" and not sensitive_kinds(card[:cut]))  # the head alone says nothing
    return card, card[:cut], int(card[cut:])


@through_a_stack(25)
@given(split=cards_split_at_a_number(), later=st.sampled_from(["", "number", "text"]))
def test_a_card_split_between_a_note_and_a_number_field_is_refused(
    stack: Stack, split: tuple[str, str, int], later: str
) -> None:
    """CallDurationInSeconds takes nine digits: the card's tail there, its head in the Subject
    (the same write, or one write and then the other), the CRM holds the card in one record."""
    card, head, tail = split
    sf = agent(stack, "I'd like to pay the outstanding balance by card.")
    text, number = {"Subject": f"Payment call {head}"}, {"CallDurationInSeconds": tail}
    if later:
        made = sf.Task.create({**CALL, **(text if later == "number" else number)})["id"]
        write = functools.partial(sf.Task.update, made, number if later == "number" else text)
    else:
        write = functools.partial(sf.Task.create, {**CALL, **text, **number})
    before = tasks(stack)
    with pytest.raises(SalesforceMalformedRequest) as caught:
        write()
    assert CARD in caught.value.content[0]["message"], card
    assert "phone or number field" in caught.value.content[0]["message"]
    assert tasks(stack) == before


def test_a_call_of_ordinary_length_about_an_order_number_lands(stack: Stack) -> None:
    sf = agent(stack, "I'm calling about order 4111.")
    made = sf.Task.create(
        {**CALL, "Subject": "Call about order 4111", "CallDurationInSeconds": 311}
    )
    assert made["success"] is True


@pytest.mark.parametrize("first_call", [True, False], ids=["earlier-call", "same-call"])
def test_a_case_made_a_duplicate_by_an_update_is_refused(stack: Stack, first_call: bool) -> None:
    """A second open Billing case on the account is refused when created; opened as Other and
    given Reason Billing after, it is the same duplicate. The first case may come from an
    earlier call (another conversation) or this one."""

    async def new_account() -> str:
        return stack.store.create("Account", {"Name": f"Duplicates {next(_conversations)}"})

    account = stack.call(new_account)
    customer = {"account_ids": [account], "contact_ids": [], "verified": True}
    sf = agent(stack, "I was billed twice for March.", customer=customer)
    first = sf.Case.create({"Subject": "Billed twice for March", "Status": "New",
                            "Origin": "Chat", "Reason": "Billing", "AccountId": account})["id"]  # fmt: skip
    if first_call:
        sf = agent(stack, "About my March bill again.", customer=customer)
    other = sf.Case.create({"Subject": "Question about March", "Status": "New", "Origin": "Chat",
                            "Reason": "Other", "AccountId": account})["id"]  # fmt: skip
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Case.update(other, {"Reason": "Billing"})
    assert "(duplicate-cases/NoDuplicateCase)" in caught.value.content[0]["message"]
    assert saved(stack, other)["Reason"] == "Other"

    if first_call:
        sf.Case.get(first)  # the parent is read before it is linked
    sf.Case.update(other, {"Reason": "Billing", "ParentId": first})  # a follow-up, linked
    assert saved(stack, other)["Reason"] == "Billing"


# -- a case's account, filled from its contact -------------------------------------------------

#: Each way a case is written with a contact and no account.
CONTACT_ONLY_FORMS = ("create", "update", "upsert", "collection", "composite")


def new_customer(stack: Stack) -> tuple[str, str]:
    """A fresh account with one contact: (account id, contact id)."""

    async def made() -> tuple[str, str]:
        account = stack.store.create("Account", {"Name": f"Filled {next(_conversations)}"})
        contact = stack.store.create("Contact", {"LastName": "Filled", "AccountId": account})
        return account, contact

    return stack.call(made)


def contact_only_case(sf: Any, form: str, fields: dict[str, Any]) -> str:
    """Write a case holding ``fields`` (a contact, no account) in ``form``; its id."""
    base = "/services/data/v59.0"
    if form == "create":
        return str(sf.Case.create(fields)["id"])
    if form == "update":
        made = sf.Case.create({"Subject": fields["Subject"], "Status": "New", "Origin": "Chat"})
        sf.Case.update(made["id"], {k: v for k, v in fields.items() if k != "Subject"})
        return str(made["id"])
    if form == "upsert":
        key = f"filled-{next(_conversations)}"
        sf.Case.upsert(f"External_Id__c/{key}", fields)
        return str(
            sf.query(f"SELECT Id FROM Case WHERE External_Id__c = '{key}'")["records"][0]["Id"]
        )
    if form == "collection":
        body = {"allOrNone": True, "records": [{"attributes": {"type": "Case"}, **fields}]}
        row = sf.restful("composite/sobjects", method="POST", json=body)[0]
        if not row["success"]:
            raise Refused(" ".join(e["message"] for e in row["errors"]))
        return str(row["id"])
    body = {"compositeRequest": [{"method": "POST", "url": f"{base}/sobjects/Case",
                                  "referenceId": "made", "body": fields}]}  # fmt: skip
    answer = sf.restful("composite", method="POST", json=body)["compositeResponse"][0]
    if answer["httpStatusCode"] != 201:
        raise Refused(" ".join(e["message"] for e in answer["body"]))
    return str(answer["body"]["id"])


class Refused(Exception):
    """A collection's record or a composite's subrequest the CRM's answer says was refused."""


@through_a_stack(10)
@given(form=st.sampled_from(CONTACT_ONLY_FORMS), null=st.booleans(), reason=st.booleans())
def test_a_case_written_with_only_a_contact_is_judged_with_the_account_the_crm_gives_it(
    stack: Stack, form: str, null: bool, reason: bool
) -> None:
    """Salesforce gives a case written with a contact and a blank account the contact's
    account: whatever form the write takes, the account the proxy judged it with is the one
    the sandbox saved, and a second open case for the same problem on that account is
    refused, as the plain duplicate naming the account is."""
    account, contact = new_customer(stack)
    customer = {"account_ids": [account], "contact_ids": [contact], "verified": True}
    sf = agent(stack, "I was billed twice for March.", customer=customer)
    problem = {"Reason": "Billing"} if reason else {}
    sf.Case.create({"Subject": "Billed twice for March", "Status": "New", "Origin": "Chat",
                    "AccountId": account, **problem})  # fmt: skip
    fields = {"Subject": "Billed twice for March", "ContactId": contact,
              **({"AccountId": None} if null else {}), **problem}  # fmt: skip
    if not reason:  # a case for another problem: the account it is judged with is the one saved
        fields["Subject"] = f"Question {next(_conversations)}"
        made = contact_only_case(sf, form, fields)
        assert saved(stack, made)["AccountId"] == account
        return
    before = cases_of(stack, account)
    with pytest.raises((SalesforceMalformedRequest, Refused)) as caught:
        contact_only_case(sf, form, fields)
    assert "NoDuplicateCase" in str(caught.value), caught.value
    after = cases_of(stack, account)
    assert after == before or form == "update"  # the update's first write opens a case
    assert all(c["Reason"] != "Billing" for c in after if c not in before)


def cases_of(stack: Stack, account: str) -> list[dict[str, Any]]:
    async def rows() -> list[dict[str, Any]]:
        return [dict(r) for r in stack.store.records("Case") if r["AccountId"] == account]

    return stack.call(rows)


def test_a_case_for_a_contact_of_no_account_is_saved_without_one(stack: Stack) -> None:
    async def private() -> str:
        return stack.store.create("Contact", {"LastName": "Private"})

    contact = stack.call(private)
    sf = agent(stack, "My parcel never came.",
               customer={"account_ids": [], "contact_ids": [contact], "verified": True})  # fmt: skip
    made = sf.Case.create({"Subject": "Parcel missing", "ContactId": contact, "Origin": "Chat"})
    assert saved(stack, made["id"])["AccountId"] is None


# -- conditional writes read back -----------------------------------------------------------

CONDITIONAL_SPELLINGS = st.sampled_from(
    ["If-Unmodified-Since", "if-unmodified-since", "IF-UNMODIFIED-SINCE"]
)


@through_a_stack(8)
@given(name=CONDITIONAL_SPELLINGS, stale=st.booleans(), queued=st.booleans())
def test_a_conditional_write_is_refused_as_the_crm_refuses_it_whether_read_back_or_not(
    stack: Stack, name: str, stale: bool, queued: bool
) -> None:
    """A case's OwnerId is read back (the pack's case-owner-readback), in one composite with
    the write; a write made on condition the case is unchanged since a time (If-Unmodified-
    Since) keeps its condition there, so a case changed since is left alone (412), as the
    CRM leaves it when the write is sent as it is (a Reason change, not read back)."""
    case_id = case_in(stack, Reason="Billing")
    sf = agent(stack, "I was charged twice on the March invoice.")
    sf.Case.get(case_id)
    since = "Mon, 01 Jan 2024 00:00:00 GMT" if stale else "Fri, 01 Jan 2100 00:00:00 GMT"
    change = {"OwnerId": QUEUE_IDS["Billing"]} if queued else {"Subject": "Charged twice"}
    before = saved(stack, case_id)
    if stale:
        with pytest.raises(SalesforceError) as caught:
            sf.Case.update(case_id, change, headers={name: since})
        assert caught.value.status == 412
        assert saved(stack, case_id) == before
    else:
        sf.Case.update(case_id, change, headers={name: since})
        assert {k: saved(stack, case_id)[k] for k in change} == change


@through_a_stack(10)
@given(form=st.sampled_from(CONTACT_ONLY_FORMS), verified=st.booleans())
def test_a_case_opened_for_a_contact_read_without_its_account_is_judged_by_that_contact(
    stack: Stack, form: str, verified: bool
) -> None:
    """A customer the platform names by their contact, read without its AccountId: a case
    written with only that contact is the customer's, though Salesforce gives it an account the
    conversation never showed (the proxy read it: the contact's own). The same case for
    another customer's contact is refused as one, naming the contact the agent sent, never
    an AccountId it did not."""
    account, contact = new_customer(stack)
    customer = {"account_ids": [], "contact_ids": [contact], "verified": verified}
    sf = agent(stack, "My parcel never came.", customer=customer)
    sf.query(f"SELECT Id, LastName FROM Contact WHERE Id = '{contact}'")
    fields = {"Subject": f"Parcel missing {next(_conversations)}", "ContactId": contact}
    made = contact_only_case(sf, form, fields)
    assert saved(stack, made)["AccountId"] == account

    stranger, theirs = new_customer(stack)
    sf.query(f"SELECT Id, LastName FROM Contact WHERE Id = '{theirs}'")
    before = cases_of(stack, stranger)
    with pytest.raises((SalesforceMalformedRequest, Refused)) as caught:
        contact_only_case(sf, form, {**fields, "ContactId": theirs})
    message = str(caught.value)
    assert "grounded-references/PeopleGrounded" in message, message
    assert "AccountIdGrounded" not in message, message
    assert "sets ContactId to" in message, message
    unread, other = new_customer(stack)
    with pytest.raises((SalesforceMalformedRequest, Refused)) as caught:
        contact_only_case(sf, form, {**fields, "ContactId": other})
    message = str(caught.value)
    assert "grounded-references/ContactIdGrounded" in message, message
    assert f"AccountId {unread}" not in message, message  # the agent never sent it
    assert cases_of(stack, stranger) == before
    assert cases_of(stack, unread) == []
