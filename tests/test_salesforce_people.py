"""Whose records a Salesforce write points at, through the real proxy (simple-salesforce over
TLS) to the sandbox, with the shipped pack's grounding. A case, task, refund, comment or contact
naming another customer's account, contact or case is refused with a message saying how to fix
it, whether or not the agent read that record earlier in the conversation for another reason,
however the id is spelled (18 or 15 characters, in another case, with whitespace around it), in
a single write, a collection or a composite, and by a relationship to another field of it; the
sandbox keeps every record as it was. The verified customer's own records go through."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from simple_salesforce.exceptions import SalesforceMalformedRequest

from guardrail.crm import sfid
from guardrail.sandbox.seed import (
    ACME_ACCOUNT_ID,
    ACME_CONTACT_ID,
    AGENT_USER_ID,
    GLOBEX_ACCOUNT_ID,
    GLOBEX_CONTACT_ID,
    GLOBEX_PORTAL_USER_ID,
)
from guardrail.testing import Stack
from tests.helpers import grounded_pack, through_a_stack

OBJECTS = ("Account", "Contact", "Case", "CaseComment", "Task", "Refund__c")
CUSTOMER = {"account_ids": [ACME_ACCOUNT_ID], "contact_ids": [ACME_CONTACT_ID], "verified": True}
# (object written, field, kind of record it names): a create, or for Contact the update of the
# customer's own contact
WRITES = [
    ("Case", "AccountId", "account"), ("Case", "ContactId", "contact"), ("Case", "ParentId", "case"),
    ("Task", "WhoId", "contact"), ("Task", "WhatId", "account"), ("Task", "WhatId", "case"),
    ("Refund__c", "Account__c", "account"), ("Refund__c", "Case__c", "case"),
    ("CaseComment", "ParentId", "case"), ("Contact", "AccountId", "account"),
]  # fmt: skip
BODIES: dict[str, dict[str, Any]] = {
    "Case": {"Subject": "Router keeps rebooting", "Status": "New", "Origin": "Phone"},
    "Task": {"Subject": "Call back about the router", "Status": "Not Started"},
    "Refund__c": {"Amount__c": 20, "Reason__c": "Damaged Item"},
    "CaseComment": {"CommentBody": "The router also clicks.", "IsPublished": False},
    "Contact": {},
}
SPELLINGS: dict[str, Callable[[str], str]] = {
    "18": lambda i: i,
    "15": lambda i: i[:15],
    "lower": str.lower,
    "upper": str.upper,
    "padded": lambda i: f" {i} ",
    "newline": lambda i: f"{i}\n",
    # a suffix giving other case than its letters have: another record, to a reader restoring
    # the case from it
    "miscased": lambda i: i[:15] + ("ZZZ" if i[15:] != "ZZZ" else "AAA"),
}
# Each refusal says how to write it instead.
FIXES = (
    "Use the",
    "use the",
    "link the task to",
    "read the",
    "Read it first",
    "leave the field out",
    "exactly as the CRM returned it",
)
_conversations = itertools.count()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("salesforce-people")
    with Stack(
        directory, auth_mode="passthrough", policies=grounded_pack(directory / "policies")
    ) as running:
        yield running


@pytest.fixture(scope="module")
def records(stack: Stack) -> dict[tuple[str, str], str]:
    """(whose, kind) -> a record id: Acme's (the customer's) and Globex's (another customer's).
    The cases are made in the sandbox, so their ids hold letters whose case matters."""

    async def make() -> tuple[str, str]:
        acme = stack.store.create("Case", {"Subject": "Acme router", "AccountId": ACME_ACCOUNT_ID,
                                           "ContactId": ACME_CONTACT_ID})  # fmt: skip
        globex = stack.store.create("Case", {"Subject": "Globex router",
                                             "AccountId": GLOBEX_ACCOUNT_ID,
                                             "ContactId": GLOBEX_CONTACT_ID})  # fmt: skip
        return acme, globex

    acme_case, globex_case = stack.call(make)
    return {
        ("acme", "account"): ACME_ACCOUNT_ID,
        ("acme", "contact"): ACME_CONTACT_ID,
        ("acme", "case"): acme_case,
        ("globex", "account"): GLOBEX_ACCOUNT_ID,
        ("globex", "contact"): GLOBEX_CONTACT_ID,
        ("globex", "case"): globex_case,
    }


def agent(stack: Stack, reads: list[tuple[str, str]], customer: dict[str, Any] = CUSTOMER) -> Any:
    """simple-salesforce in a fresh conversation with ``customer`` (Acme's verified contact),
    having read ``reads`` (object, id)."""
    name = f"sf-people-{next(_conversations)}"
    httpx.put(
        f"{stack.admin_url}/guardrail/v1/conversations/{name}",
        json={"channel": "voice", "customer": customer,
              "turns": [{"role": "customer", "text": "My router keeps rebooting."}]},
        timeout=10,
    ).raise_for_status()  # fmt: skip
    sf = stack.salesforce(conversation=name, agent="agent-people")
    for sobject, record_id in reads:
        getattr(sf, sobject).get(record_id)
    return sf


async def _case(stack: Stack, account: str) -> str:
    return stack.store.create("Case", {"Subject": "Router case", "AccountId": account})


def everything(stack: Stack) -> dict[str, list[dict[str, Any]]]:
    return {o: sorted(stack.store.records(o), key=lambda r: r["Id"]) for o in OBJECTS}


def send(sf: Any, sobject: str, field: str, value: str, shape: str) -> list[dict[str, Any]]:
    """Make the write in ``shape``; the errors the agent got (none when it was saved)."""
    body = {**BODIES[sobject], field: value}
    updating = sobject == "Contact"
    try:
        if shape == "single" and updating:
            sf.Contact.update(ACME_CONTACT_ID, body)
        elif shape == "single":
            getattr(sf, sobject).create(body)
        elif shape == "collection":
            record = {"attributes": {"type": sobject}, **body}
            if updating:
                record["id"] = ACME_CONTACT_ID
            [result] = sf.restful("composite/sobjects", method="PATCH" if updating else "POST",
                                  json={"allOrNone": True, "records": [record]})  # fmt: skip
            return list(result.get("errors") or [])
        else:
            url = f"/services/data/v59.0/sobjects/{sobject}"
            sub = {"method": "PATCH" if updating else "POST", "referenceId": "write", "body": body,
                   "url": f"{url}/{ACME_CONTACT_ID}" if updating else url}  # fmt: skip
            answer = sf.restful("composite", method="POST", json={"compositeRequest": [sub]})
            [result] = answer["compositeResponse"]
            return list(result["body"]) if result["httpStatusCode"] >= 300 else []
    except SalesforceMalformedRequest as refused:
        return list(refused.content)
    return []


def saved(stack: Stack, sobject: str, field: str) -> Any:
    """``field`` of the record the write saved: the newest of ``sobject`` (Acme's contact)."""
    if sobject == "Contact":
        return stack.store.get("Contact", ACME_CONTACT_ID)[field]
    return max(stack.store.records(sobject), key=lambda r: (r["CreatedDate"], r["Id"]))[field]


# a write of each kind, its id spelled each way, in each shape of request
ANY_WRITE = {
    "write": st.sampled_from(WRITES),
    "spelling": st.sampled_from(sorted(SPELLINGS)),
    "shape": st.sampled_from(["single", "collection", "composite"]),
}


@through_a_stack(60)
# a case's contact spelled as no id, with no account: refused as in any other field, not as
# a contact the CRM makes in the same request (the account fill used to read it so)
@example(
    write=("Case", "ContactId", "contact"), spelling="newline", read_first=True, shape="single"
)
@example(
    write=("Case", "ContactId", "contact"), spelling="padded", read_first=False, shape="composite"
)
@given(read_first=st.booleans(), **ANY_WRITE)
def test_a_write_naming_another_customers_record_is_refused_however_spelled(
    stack: Stack,
    records: dict[tuple[str, str], str],
    write: tuple[str, str, str],
    spelling: str,
    read_first: bool,
    shape: str,
) -> None:
    sobject, field, kind = write
    theirs = records[("globex", kind)]
    reads = [("Case", records[("acme", "case")])]
    if read_first:  # for another reason: a namesake, a neighbour's parcel
        reads.append(({"account": "Account", "contact": "Contact"}.get(kind, "Case"), theirs))
    sf = agent(stack, reads)
    before = everything(stack)
    errors = send(sf, sobject, field, SPELLINGS[spelling](theirs), shape)
    assert errors, f"{sobject}.{field} = {theirs} ({spelling}) was saved"
    assert everything(stack) == before
    said = " ".join(str(e.get("message", "")) for e in errors)
    assert "Blocked by crm-guardrail" in said, said
    assert any(fix in said for fix in FIXES), said
    if read_first and spelling in ("18", "15"):
        assert "PeopleGrounded" in said, said
        assert "belongs to another customer" in said, said


@through_a_stack(40)
@given(**ANY_WRITE)
def test_a_write_that_reaches_the_crm_names_only_the_customers_own_records(
    stack: Stack,
    records: dict[tuple[str, str], str],
    write: tuple[str, str, str],
    spelling: str,
    shape: str,
) -> None:
    sobject, field, kind = write
    ours = records[("acme", kind)]
    sf = agent(stack, [("Case", records[("acme", "case")])])
    before = everything(stack)
    errors = send(sf, sobject, field, SPELLINGS[spelling](ours), shape)
    if spelling in ("18", "15"):
        assert not errors, errors
    if errors:  # another spelling may be refused, never saved as another record
        assert everything(stack) == before
        return
    assert sfid.same_id(saved(stack, sobject, field), ours)


def test_the_customers_contact_found_by_a_query_without_its_account_is_theirs(
    stack: Stack,
) -> None:
    """The agent's query showed no AccountId; the proxy asks the CRM whose the contact is."""
    sf = agent(stack, [], {"account_ids": [ACME_ACCOUNT_ID], "contact_ids": [], "verified": True})
    found = sf.query("SELECT Id, LastName FROM Contact WHERE Email = 'jane.doe@acme.example'")
    [contact] = [r["Id"] for r in found["records"]]
    assert sf.Task.create({**BODIES["Task"], "WhoId": contact})["success"] is True
    found = sf.query("SELECT Id, LastName FROM Contact WHERE Email = 'hank.scorpio@globex.example'")
    [stranger] = [r["Id"] for r in found["records"]]
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Task.create({**BODIES["Task"], "WhoId": stranger})
    assert "PeopleGrounded" in refused.value.content[0]["message"]


@pytest.mark.parametrize(
    ("sobject", "call"),
    [
        ("Case", lambda sf: sf.Case.create({**BODIES["Case"], "Contact": {"Email": "hank.scorpio@globex.example"}})),
        ("Case", lambda sf: sf.Case.create({**BODIES["Case"], "Account": {"External_Id__c": "GLOBEX-001"}})),
        ("Refund__c", lambda sf: sf.Refund__c.upsert("External_Id__c/RF-PEOPLE-1", {**BODIES["Refund__c"], "Account__r": {"External_Id__c": "GLOBEX-001"}})),
        ("Task", lambda sf: sf.Task.create({**BODIES["Task"], "Who": {"attributes": {"type": "Contact"}, "Email": "hank.scorpio@globex.example"}})),
    ],
    ids=["contact-by-email", "account-by-external-id", "refund-upsert-account__r", "task-who-by-email"],
)  # fmt: skip
def test_a_record_named_by_a_relationship_to_another_field_is_refused(
    stack: Stack, sobject: str, call: Callable[[Any], Any]
) -> None:
    """Salesforce would find the related record by that field and write its id: a record the
    guardrail never judged. The agent is told to name it by id."""
    sf = agent(stack, [("Account", GLOBEX_ACCOUNT_ID), ("Contact", GLOBEX_CONTACT_ID)])
    before = everything(stack)
    with pytest.raises(SalesforceMalformedRequest) as refused:
        call(sf)
    [error] = refused.value.content
    assert error["errorCode"] == "JSON_PARSER_ERROR"
    assert "send the related record's id in the id field" in error["message"]
    assert everything(stack) == before


@through_a_stack(30)
@given(
    kind=st.sampled_from(["account", "contact", "case"]),
    whose=st.sampled_from(["acme", "globex"]),
    read=st.sampled_from(["whole", "without-account"]),
    delete=st.booleans(),
)
def test_a_record_read_in_the_call_is_changed_only_when_it_is_the_customers(
    stack: Stack, records: dict[tuple[str, str], str], kind: str, whose: str, read: str,
    delete: bool,
) -> None:  # fmt: skip
    """Reading another customer's record (whole, or by a query that shows no account) grounds
    it, but never makes it this customer's to change or delete."""
    sobject = {"account": "Account", "contact": "Contact"}.get(kind, "Case")
    target = records[(whose, kind)]
    if kind == "case":  # its own, to delete
        account = records[(whose, "account")]
        target = stack.call(lambda: _case(stack, account))
    sf = agent(stack, [])
    if read == "whole":
        getattr(sf, sobject).get(target)
    else:
        sf.query(f"SELECT Id FROM {sobject} WHERE Id = '{target}'")
    before = everything(stack)
    change = {"account": {"Phone": "555-0199"}, "contact": {"Phone": "555-0199"}}.get(
        kind, {"Priority": "Low"}
    )
    rows = getattr(sf, sobject)

    def write() -> Any:
        return rows.delete(target) if delete and kind == "case" else rows.update(target, change)

    if whose == "acme":
        write()
        return
    with pytest.raises(SalesforceMalformedRequest) as refused:
        write()
    assert "RecordOwned" in refused.value.content[0]["message"]
    assert "Change only the customer's own records" in refused.value.content[0]["message"]
    assert everything(stack) == before


@through_a_stack(30)
@given(
    sobject=st.sampled_from(["Case", "Task", "Refund__c", "Contact"]),
    spelling=st.sampled_from(["18", "15"]),
    shape=st.sampled_from(["single", "collection", "composite"]),
)
def test_a_record_handed_to_a_customers_portal_user_is_refused(
    stack: Stack, records: dict[tuple[str, str], str], sobject: str, spelling: str, shape: str
) -> None:
    """A portal (Experience Cloud) user is a User, as an agent is, and may own records: made
    the owner of the customer's case, task, refund or contact, another customer would see it
    and be sent it. The proxy asks the CRM whose the user is, read or not."""
    sf = agent(stack, [("Case", records[("acme", "case")])])
    before = everything(stack)
    errors = send(sf, sobject, "OwnerId", SPELLINGS[spelling](GLOBEX_PORTAL_USER_ID), shape)
    said = " ".join(str(e.get("message", "")) for e in errors)
    assert "(grounded-references/OwnerIsStaff)" in said, said
    assert "never a customer" in said
    assert everything(stack) == before


@pytest.mark.parametrize("sobject", ["Case", "Task", "Refund__c", "Contact"])
def test_a_record_handed_to_an_agent_lands(
    stack: Stack, records: dict[tuple[str, str], str], sobject: str
) -> None:
    sf = agent(stack, [("Case", records[("acme", "case")])])
    assert send(sf, sobject, "OwnerId", AGENT_USER_ID, "single") == []
    assert saved(stack, sobject, "OwnerId") == AGENT_USER_ID
