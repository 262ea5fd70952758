"""Whom a ServiceNow case, incident or interaction is for, through the real proxy to the sandbox
instance with the shipped pack: its caller, opened_for, contact and account must be the
verified customer's. Another customer's contact or account, even read in the conversation
first, is refused and the instance keeps every record as it was; fields that copy people in
(watch_list, additional_assignee_list, company) are refused outright."""

from __future__ import annotations

import copy
import itertools
import ssl
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guardrail.sandbox.servicenow import INSTANCE, InstanceStore, seed
from guardrail.testing import Stack

PACK = Path(__file__).resolve().parent.parent / "policies" / "servicenow-contact-center"
TABLE = "/api/now/table"
NEVER_READ = "0123456789abcdef0123456789abcdef"
# whom each field may name: the customer's own; never another customer's (read or not)
PEOPLE = {seed.ACME_CONTACT_ID: True, seed.GLOBEX_CONTACT_ID: False, NEVER_READ: False}
ACCOUNTS = {seed.ACME_ACCOUNT_ID: True, seed.GLOBEX_ACCOUNT_ID: False, NEVER_READ: False}
WRITES = [  # (method, table, record or None for a create, field)
    ("POST", "incident", None, "caller_id"),
    ("PATCH", "incident", seed.ACME_INCIDENT_ID, "caller_id"),
    ("PATCH", "interaction", seed.ACME_INTERACTION_ID, "opened_for"),
    ("PATCH", "sn_customerservice_case", seed.ACME_CASE_ID, "contact"),
    ("PATCH", "sn_customerservice_case", seed.ACME_CASE_ID, "account"),
]
_conversations = itertools.count()


@pytest.fixture(scope="module")
def stack(servicenow_stack: Stack) -> Stack:
    return servicenow_stack


def agent(stack: Stack) -> httpx.Client:
    """An agent talking with Acme's verified contact, having read the records it writes and
    Globex's contact and account."""
    name = f"sn-people-{next(_conversations)}"
    httpx.put(
        f"{stack.admin_url}/guardrail/v1/conversations/{name}",
        json={
            "channel": "voice",
            "turns": [{"role": "customer", "text": "My wifi keeps dropping."}],
            "customer": {
                "account_ids": [seed.ACME_ACCOUNT_ID],
                "contact_ids": [seed.ACME_CONTACT_ID],
                "verified": True,
            },
        },
        timeout=10,
    ).raise_for_status()
    client = httpx.Client(
        base_url=stack.proxy_url,
        verify=ssl.create_default_context(cafile=stack.tls.ca_pem),
        auth=("admin", "sandbox-password"),
        headers={"X-Guardrail-Conversation": name},
        timeout=30,
    )
    for table, sys_id in (
        ("incident", seed.ACME_INCIDENT_ID), ("interaction", seed.ACME_INTERACTION_ID),
        ("sn_customerservice_case", seed.ACME_CASE_ID), ("customer_contact", seed.GLOBEX_CONTACT_ID),
        ("customer_account", seed.GLOBEX_ACCOUNT_ID),
    ):  # fmt: skip
        client.get(f"{TABLE}/{table}/{sys_id}").raise_for_status()
    return client


def send(client: httpx.Client, write: tuple[str, str, str | None, str], value: str) -> Any:
    method, table, sys_id, field = write
    body = {field: value}
    if sys_id is None:
        body |= {"short_description": "Wifi keeps dropping", "category": "network"}
    return client.request(method, f"{TABLE}/{table}" + (f"/{sys_id}" if sys_id else ""), json=body)


@settings(
    max_examples=30, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(write=st.sampled_from(WRITES), pick=st.integers(0, 2))
def test_a_record_names_only_the_verified_customers_people_and_account(
    stack: Stack, write: tuple[str, str, str | None, str], pick: int
) -> None:
    choices = ACCOUNTS if write[3] == "account" else PEOPLE
    value = sorted(choices)[pick]
    store: InstanceStore = stack.crm_app[INSTANCE]
    client = agent(stack)
    before = copy.deepcopy(store.rows)
    answer = send(client, write, value)
    if choices[value]:
        assert answer.status_code in (200, 201), answer.text
        return
    assert answer.status_code >= 400, (write, value, answer.text)
    assert "is not the verified customer" in answer.text, answer.text
    assert store.rows == before


@pytest.mark.parametrize("field", ["watch_list", "additional_assignee_list", "company"])
def test_fields_that_copy_someone_in_are_refused(stack: Stack, field: str) -> None:
    store: InstanceStore = stack.crm_app[INSTANCE]
    client = agent(stack)
    before = copy.deepcopy(store.rows)
    answer = send(
        client, ("PATCH", "incident", seed.ACME_INCIDENT_ID, field), seed.GLOBEX_CONTACT_ID
    )
    assert answer.status_code == 400, answer.text
    assert field in answer.text
    assert store.rows == before
