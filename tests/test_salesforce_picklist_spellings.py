"""A Salesforce picklist value is judged as the CRM saves it. Salesforce compares picklist values
without case and saves the one the picklist defines ("closed" into a picklist defining "Closed"
saves "Closed"), so a rule comparing ``Status__c == "Closed"`` would not see "closed" closing the
account. A restricted picklist's schema (an ``enum``) refused every other spelling; an
unrestricted one's (a string, as the describe gives it) did not. A value that is one of the
field's values in another case, or with space around it, is refused, saying to send it as the
picklist spells it, under any pack whose schema lists the field's values."""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from simple_salesforce.exceptions import SalesforceMalformedRequest

from guardrail.crm import sfid
from guardrail.crm.salesforce_schema import schema_from_describe
from guardrail.sandbox import SandboxStore
from guardrail.sandbox.model_changes import FieldChange
from guardrail.sandbox.schema import describe_sobject
from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CONTACT_ID
from guardrail.testing import Stack
from tests.helpers import SHIPPED_PACK, salesforce_in

CUSTOMER = {"account_ids": [ACME_ACCOUNT_ID], "contact_ids": [ACME_CONTACT_ID], "verified": True}
UNRESTRICTED = FieldChange(restricted_picklist=False)
_conversations = itertools.count()


def unrestricted_status_schema() -> dict[str, Any]:
    """Account's schema as ``guardrail schema`` writes it from an org whose Account.Status__c is
    an unrestricted picklist (as many orgs' older picklists are)."""
    store = SandboxStore(seed=False)
    store.change_field("Account", "Status__c", UNRESTRICTED)
    describe = describe_sobject(store.schema, store.sobject("Account"), "/services/data/v59.0")
    return schema_from_describe(describe, sfid.STANDARD_KEY_PREFIXES)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The shipped pack, its Account schema from an org whose Status__c is unrestricted, in
    front of a sandbox whose Status__c is so."""
    directory = tmp_path_factory.mktemp("salesforce-picklists")
    pack = directory / "pack"
    shutil.copytree(SHIPPED_PACK, pack)
    schema_path = pack / "schemas" / "Account.json"
    schema = json.loads(schema_path.read_text())
    schema["properties"]["Status__c"] = unrestricted_status_schema()["properties"]["Status__c"]
    schema_path.write_text(json.dumps(schema, indent=2))
    with Stack(directory / "stack", auth_mode="passthrough", policies=pack) as running:

        async def unrestrict() -> None:
            running.store.change_field("Account", "Status__c", UNRESTRICTED)

        running.call(unrestrict)
        yield running


def agent(stack: Stack, *said: str) -> Any:
    body = {"channel": "chat", "customer": CUSTOMER,
            "turns": [{"role": "customer", "text": text} for text in said]}  # fmt: skip
    return salesforce_in(stack, f"sf-picklists-{next(_conversations)}", body, "agent-picklists")


def account(stack: Stack) -> dict[str, Any]:
    async def row() -> dict[str, Any]:
        found = stack.store.get("Account", ACME_ACCOUNT_ID)
        assert found is not None
        return dict(found)

    return stack.call(row)


def reopen(stack: Stack) -> None:
    async def active() -> None:
        stack.store.update("Account", ACME_ACCOUNT_ID, {"Status__c": "Active"})

    stack.call(active)


def test_the_generated_schema_lists_an_unrestricted_picklists_values() -> None:
    prop = unrestricted_status_schema()["properties"]["Status__c"]
    assert "enum" not in prop
    assert prop["x-salesforce-picklist"] == ["Active", "Suspended", "Closed"]


def test_closing_spelled_as_the_picklist_does_is_judged(stack: Stack) -> None:
    """The control: "Closed" on a conversation asking nothing of the account is refused by the
    account-closure rules."""
    sf = agent(stack, "My router keeps rebooting every hour.")
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Account.update(ACME_ACCOUNT_ID, {"Status__c": "Closed", "Closure_Reason__c": "Moving"})
    assert "account-closure/ClosureRequested" in caught.value.content[0]["message"]
    assert account(stack)["Status__c"] == "Active"


def respellings(value: str) -> st.SearchStrategy[str]:
    """``value`` in another case, with space around it, or both: never ``value`` itself."""
    cased = st.lists(st.booleans(), min_size=len(value), max_size=len(value)).map(
        lambda upper: "".join(
            c.upper() if u else c.lower() for c, u in zip(value, upper, strict=True)
        )
    )
    space = st.sampled_from(["", " ", "  ", "\t", "\u00a0"])
    return st.tuples(space, cased, space).map("".join).filter(lambda s: s != value)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sent=respellings("Closed"))
def test_closing_spelled_another_way_is_refused_saying_how_the_picklist_spells_it(
    stack: Stack, sent: str
) -> None:
    """Before: "closed" passed the closure rules (their matchCondition reads "Closed"), was
    forwarded (204), and the sandbox, as Salesforce, saved "Closed": the account closed on a
    conversation that never asked for it."""
    sf = agent(stack, "My router keeps rebooting every hour.")
    try:
        with pytest.raises(SalesforceMalformedRequest) as caught:
            sf.Account.update(ACME_ACCOUNT_ID, {"Status__c": sent, "Closure_Reason__c": "Moving"})
        error = caught.value.content[0]
        assert error["errorCode"] == "GUARDRAIL_AMBIGUOUS_REQUEST", error
        assert "'Closed'" in error["message"]
        assert account(stack)["Status__c"] == "Active"
    finally:
        reopen(stack)


def test_a_value_the_picklist_does_not_define_is_judged_as_sent(stack: Stack) -> None:
    """An unrestricted picklist saves a value it does not define as sent (an inactive value):
    nothing to respell, nothing refused."""
    sf = agent(stack, "My router keeps rebooting every hour.")
    try:
        sf.Account.update(ACME_ACCOUNT_ID, {"Status__c": "Dormant"})
        assert account(stack)["Status__c"] == "Dormant"
    finally:
        reopen(stack)


def test_in_a_collection_too(stack: Stack) -> None:
    sf = agent(stack, "My router keeps rebooting every hour.")
    records = [{"attributes": {"type": "Account"}, "Id": ACME_ACCOUNT_ID, "Status__c": "CLOSED",
                "Closure_Reason__c": "Moving"}]  # fmt: skip
    try:
        with pytest.raises(SalesforceMalformedRequest) as caught:
            sf.restful("composite/sobjects", method="PATCH",
                       json={"allOrNone": False, "records": records})  # fmt: skip
        assert "'Closed'" in caught.value.content[0]["message"]
        assert account(stack)["Status__c"] == "Active"
    finally:
        reopen(stack)
