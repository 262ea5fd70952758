"""What a ServiceNow read shows is recorded as what the record holds, never as its display
values: with ``sysparm_display_value=true`` the instance shows a reference as the referenced
record's name (a choice as its label), so a name set to another record's sys_id would read as
that record, and whose-a-record-is would follow the name. Through the real proxy with the
shipped pack, to the sandbox instance."""

from __future__ import annotations

import copy
import itertools
import ssl
from collections.abc import Iterator

import httpx
import pytest

from guardrail.sandbox.servicenow import INSTANCE, InstanceStore
from guardrail.sandbox.servicenow.seed import (
    ACME_ACCOUNT_ID,
    ACME_CONTACT_ID,
    GLOBEX_ACCOUNT_ID,
    GLOBEX_CASE_ID,
)
from guardrail.testing import Stack

TABLE = "/api/now/table"
_conversations = itertools.count()


def agent(stack: Stack) -> httpx.Client:
    name = f"sn-display-{next(_conversations)}"
    httpx.put(
        f"{stack.admin_url}/guardrail/v1/conversations/{name}",
        json={"channel": "voice", "turns": [{"role": "customer", "text": "Hi, it's Jane."}],
              "customer": {"account_ids": [ACME_ACCOUNT_ID], "contact_ids": [ACME_CONTACT_ID],
                           "verified": True}},
        timeout=10,
    ).raise_for_status()  # fmt: skip
    return httpx.Client(
        base_url=stack.proxy_url, verify=ssl.create_default_context(cafile=stack.tls.ca_pem),
        auth=("admin", "sandbox-password"), timeout=30,
        headers={"X-Guardrail-Conversation": name, "Accept": "application/json"},
    )  # fmt: skip


@pytest.mark.parametrize("display", ["true", "TRUE"])
def test_a_read_of_display_values_is_refused_saying_to_read_values(
    servicenow_stack: Stack, display: str
) -> None:
    client = agent(servicenow_stack)
    answer = client.get(f"{TABLE}/customer_contact/{ACME_CONTACT_ID}",
                        params={"sysparm_display_value": display})  # fmt: skip
    assert answer.status_code == 400, answer.text
    assert "sysparm_display_value=all" in answer.text


@pytest.fixture
def store(servicenow_stack: Stack) -> Iterator[InstanceStore]:
    """The instance; the customer's account keeps its name for the module's other tests."""
    instance: InstanceStore = servicenow_stack.crm_app[INSTANCE]
    name = instance.rows["customer_account"][ACME_ACCOUNT_ID]["name"]
    yield instance
    instance.rows["customer_account"][ACME_ACCOUNT_ID]["name"] = name


def test_a_name_set_to_another_accounts_sys_id_does_not_make_its_records_the_customers(
    servicenow_stack: Stack, store: InstanceStore
) -> None:
    """The customer's account renamed to Globex's sys_id, then the customer's contact read as
    display values (its account shown by that name): Globex's case stays another customer's."""
    client = agent(servicenow_stack)
    renamed = client.patch(f"{TABLE}/customer_account/{ACME_ACCOUNT_ID}",
                           json={"name": GLOBEX_ACCOUNT_ID})  # fmt: skip
    assert renamed.status_code == 200, renamed.text
    client.get(f"{TABLE}/customer_contact/{ACME_CONTACT_ID}",
               params={"sysparm_display_value": "true", "sysparm_exclude_reference_link": "true"})  # fmt: skip
    client.get(f"{TABLE}/sn_customerservice_case/{GLOBEX_CASE_ID}").raise_for_status()
    before = copy.deepcopy(store.rows["sn_customerservice_case"])
    answer = client.patch(f"{TABLE}/sn_customerservice_case/{GLOBEX_CASE_ID}",
                          json={"short_description": "Closed at the customer's request"})  # fmt: skip
    assert answer.status_code == 400, answer.text
    assert "RecordOwned" in answer.text
    assert store.rows["sn_customerservice_case"] == before
