"""A ServiceNow record is judged as the class it is: a write cannot move a record into another
table by setting its Class (``sys_class_name``, which reclassifies it, as the platform documents
for CIs), and a table named in another case is judged as the table it names. End to end with
pysnc, through the proxy with the shipped pack, where the operator lets writes to tables no
policy covers through (``unmatched_writes: allow``): a user the agent may make, made a contact of
another customer's account by its class, is what the pack refuses when spelled plainly."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pysnc.exceptions import RequestException

from guardrail.config import AuthMode
from guardrail.sandbox.servicenow import INSTANCE, InstanceStore, create_app
from guardrail.sandbox.servicenow.seed import (
    ACME_ACCOUNT_ID,
    ACME_CONTACT_ID,
    GLOBEX_ACCOUNT_ID,
    GLOBEX_CONTACT_ID,
)
from guardrail.testing import Stack

PACK = Path(__file__).resolve().parent.parent / "policies" / "servicenow-contact-center"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with Stack(
        tmp_path_factory.mktemp("servicenow-classes"), auth_mode=AuthMode.PASSTHROUGH,
        crm=create_app, dialect="servicenow", policies=PACK, unmatched_writes="allow",
    ) as running:  # fmt: skip
        name = "sn-classes"
        httpx.put(
            f"{running.admin_url}/guardrail/v1/conversations/{name}",
            json={"channel": "voice", "turns": [{"role": "customer", "text": "Hello."}],
                  "customer": {"account_ids": [ACME_ACCOUNT_ID],
                               "contact_ids": [ACME_CONTACT_ID], "verified": True}},
            timeout=10,
        ).raise_for_status()  # fmt: skip
        yield running


@pytest.fixture
def client(stack: Stack) -> Any:
    made = stack.servicenow(conversation="sn-classes", agent="agent-classes")
    made.GlideRecord("customer_account").get(GLOBEX_ACCOUNT_ID)  # read: grounded, not theirs
    return made


@pytest.mark.parametrize("table", ["customer_contact", "Customer_Contact"])
def test_a_contact_of_another_customers_account_is_refused_spelled_plainly(
    stack: Stack, client: Any, table: str
) -> None:
    """However the table is cased, it is judged as the table it names."""
    store: InstanceStore = stack.crm_app[INSTANCE]
    before = copy.deepcopy(store.rows)
    contact = client.GlideRecord(table)
    contact.initialize()
    contact.last_name, contact.account = "Sample", GLOBEX_ACCOUNT_ID
    with pytest.raises(RequestException) as caught:
        contact.insert()
    assert "(people-grounded/PeopleGrounded)" in caught.value.args[0]["error"]["message"]
    assert store.rows == before


def test_a_record_is_not_moved_into_another_table_by_its_class(stack: Stack, client: Any) -> None:
    store: InstanceStore = stack.crm_app[INSTANCE]
    user = client.GlideRecord("sys_user")
    user.initialize()
    user.user_name, user.last_name = "sam.sample", "Sample"
    sys_id = str(user.insert())  # a table no policy covers: let through, as configured
    before = copy.deepcopy(store.rows)
    user.sys_class_name, user.account = "customer_contact", GLOBEX_ACCOUNT_ID
    with pytest.raises(RequestException) as caught:
        user.update()
    message = caught.value.args[0]["error"]["message"]
    assert "sys_class_name" in message
    assert "in its own table" in message
    assert store.rows == before
    assert store.get("customer_contact", sys_id) is None


def test_a_contact_written_through_sys_user_which_it_extends_is_judged_as_a_contact(
    stack: Stack, client: Any
) -> None:
    """A contact is a sys_user record too (customer_contact extends sys_user): deleting it
    through sys_user is deleting the customer's contact (refused: it clears their cases' contact),
    and changing another customer's contact through it is changing another customer's record."""
    store: InstanceStore = stack.crm_app[INSTANCE]
    before = copy.deepcopy(store.rows)
    user = client.GlideRecord("sys_user")
    assert user.get(ACME_CONTACT_ID)
    with pytest.raises(RequestException) as caught:
        user.delete()
    assert "Deleting customer_contact" in caught.value.args[0]["error"]["message"]
    other = client.GlideRecord("sys_user")
    assert other.get(GLOBEX_CONTACT_ID)
    other.email = "hank@attacker.example"
    with pytest.raises(RequestException) as caught:
        other.update()
    assert "(grounded-references/RecordOwned)" in caught.value.args[0]["error"]["message"]
    assert store.rows == before
