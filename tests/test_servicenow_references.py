"""Every reference a ServiceNow write may set is judged, whichever it is: for each field the
shipped pack's schemas mark as a reference to a customer's record (a person, an account, a
case, an incident), a write of the customer's own record naming another customer's record of
that table, read first or never read, is refused through the real proxy and the sandbox keeps
everything as it was. The fields come from the schemas, so a reference added to a schema
without a rule that judges it fails here."""

from __future__ import annotations

import copy
import json
import ssl
from pathlib import Path

import httpx
import pytest

from guardrail.sandbox.servicenow import INSTANCE, InstanceStore, seed
from guardrail.testing import Stack

PACK = Path(__file__).resolve().parent.parent / "policies" / "servicenow-contact-center"
TABLE = "/api/now/table"
#: The customer's own record of each table the pack writes, and another customer's record of
#: each table a reference may point into (a sys_user reference may name a contact).
OWN = {"sn_customerservice_case": seed.ACME_CASE_ID, "incident": seed.ACME_INCIDENT_ID,
       "interaction": seed.ACME_INTERACTION_ID, "customer_contact": seed.ACME_CONTACT_ID}  # fmt: skip
GLOBEX_INCIDENT = "0f0e0d0c0b0a09080706050403020100"
OTHERS = {"customer_account": seed.GLOBEX_ACCOUNT_ID, "customer_contact": seed.GLOBEX_CONTACT_ID,
          "sys_user": seed.GLOBEX_CONTACT_ID, "sn_customerservice_case": seed.GLOBEX_CASE_ID,
          "incident": GLOBEX_INCIDENT}  # fmt: skip
REFERENCES = [
    (table, name, target)
    for table in OWN
    for name, prop in json.loads((PACK / "schemas" / f"{table}.json").read_text())[
        "properties"
    ].items()
    if (target := prop.get("x-servicenow-reference")) in OTHERS
]


@pytest.fixture(scope="module")
def stack(servicenow_stack: Stack) -> Stack:
    """The shipped pack before the sandbox, which also holds an incident of Globex's."""

    async def globex_incident() -> None:
        values = {"sys_id": GLOBEX_INCIDENT, "short_description": "Globex wifi",
                  "caller_id": seed.GLOBEX_CONTACT_ID}  # fmt: skip
        store = servicenow_stack.crm_app[INSTANCE]
        if store.get("incident", GLOBEX_INCIDENT) is None:
            store.insert("incident", values, user="admin")

    servicenow_stack.call(globex_incident)
    return servicenow_stack


def agent(stack: Stack, name: str, reads: list[str]) -> httpx.Client:
    """An agent talking with Acme's verified contact, having read ``reads``."""
    httpx.put(
        f"{stack.admin_url}/guardrail/v1/conversations/{name}",
        json={"channel": "voice", "turns": [{"role": "customer", "text": "My wifi drops."}],
              "customer": {"account_ids": [seed.ACME_ACCOUNT_ID],
                           "contact_ids": [seed.ACME_CONTACT_ID], "verified": True}},
        timeout=10,
    ).raise_for_status()  # fmt: skip
    client = httpx.Client(
        base_url=stack.proxy_url, verify=ssl.create_default_context(cafile=stack.tls.ca_pem),
        auth=("admin", "sandbox-password"), headers={"X-Guardrail-Conversation": name},
        timeout=30,
    )  # fmt: skip
    for path in reads:
        client.get(f"{TABLE}/{path}").raise_for_status()
    return client


def test_the_schemas_reference_the_tables_this_test_covers() -> None:
    assert {(t, n) for t, n, _ in REFERENCES} >= {
        ("sn_customerservice_case", "account"), ("sn_customerservice_case", "parent"),
        ("incident", "caller_id"), ("incident", "parent_incident"),
        ("interaction", "opened_for"), ("customer_contact", "account"),
    }  # fmt: skip


@pytest.mark.parametrize("read_first", [False, True], ids=["never-read", "read-first"])
@pytest.mark.parametrize(("table", "field", "target"), REFERENCES)
def test_a_reference_to_another_customers_record_is_refused_whatever_the_field(
    stack: Stack, table: str, field: str, target: str, read_first: bool
) -> None:
    other = OTHERS[target]
    reads = [f"{table}/{OWN[table]}"]
    if read_first:
        reads.append(f"{'customer_contact' if target == 'sys_user' else target}/{other}")
    client = agent(stack, f"sn-refs-{table}-{field}-{read_first}", reads)
    store: InstanceStore = stack.crm_app[INSTANCE]
    before = copy.deepcopy(store.rows)
    answer = client.patch(f"{TABLE}/{table}/{OWN[table]}", json={field: other})
    assert answer.status_code == 400, answer.text
    message = answer.json()["error"]["message"]
    assert "(grounded-references/" in message or "(people-grounded/" in message, message
    assert "could not be evaluated" not in message, message  # judged, not failed closed
    assert store.rows == before
