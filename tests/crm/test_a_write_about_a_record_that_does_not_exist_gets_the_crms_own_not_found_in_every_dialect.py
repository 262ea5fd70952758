"""A write the proxy asks the CRM about before judging it (a ticket's incidents or first
comment, a user's tickets, a record's class, a case's queue) whose record does not exist is
the agent's error, not an outage: in every dialect the agent gets the CRM's own not-found, in
the CRM's own format, as the CRM answers that write sent to it directly; the write is refused
(nothing of it reaches the CRM) and audited as blocked, saying the record does not exist."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from guardrail.sandbox.seed import ACME_ACCOUNT_ID
from guardrail.testing import SANDBOX_TOKEN, Stack
from tests.helpers import SHIPPED_PACK

BASE = "/services/data/v59.0"
CONVERSATION = "record-not-found"
GONE_SYS_ID = "0123456789abcdef0123456789abcdef"
GONE_CASE = "500000000000777AAA"
SERVICENOW_AUTH = "Basic " + "YWRtaW46c2FuZGJveC1wYXNzd29yZA=="  # admin:sandbox-password

#: dialect -> (stack fixture, Authorization, the CRM's own not-found, minus its free text)
CRMS = {
    "salesforce": ("salesforce_stack", f"Bearer {SANDBOX_TOKEN}",
                   lambda body: [{"errorCode": e["errorCode"]} for e in body]),
    "zendesk": ("zendesk_stack", "Bearer sandbox-oauth-token", lambda body: body["error"]),
    "servicenow": ("servicenow_stack", SERVICENOW_AUTH,
                   lambda body: (body["error"]["message"], body["status"])),
}  # fmt: skip

WRITES = [
    # a case's Reason changed without its queue: its current queue is read first
    ("salesforce", "PATCH", f"{BASE}/sobjects/Case/{GONE_CASE}", {"Reason": "Billing"}),
    # a delete, an upsert by Id, naming their record by a field: the record is looked up
    ("salesforce", "DELETE", f"{BASE}/sobjects/Account/External_Id__c/NO-SUCH-1", None),
    ("salesforce", "PATCH", f"{BASE}/sobjects/Case/Id/{GONE_CASE}", {"Subject": "x"}),
    # a solve: its incidents are asked for; a comment not saying: the first comment's
    ("zendesk", "PUT", "/api/v2/tickets/999999.json", {"ticket": {"status": "solved"}}),
    ("zendesk", "PUT", "/api/v2/tickets/999999.json", {"ticket": {"comment": {"body": "Hi"}}}),
    # a user delete: the tickets it would hand over are asked for
    ("zendesk", "DELETE", "/api/v2/users/999999.json", None),
    # a delete, a write through a base table: the record's class is asked for
    ("servicenow", "DELETE", f"/api/now/table/incident/{GONE_SYS_ID}", None),
    ("servicenow", "PATCH", f"/api/now/table/sys_user/{GONE_SYS_ID}", {"title": "x"}),
]  # fmt: skip


@pytest.fixture(scope="module")
def salesforce_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The proxy with the shipped Salesforce pack, the agent holding its own session."""
    directory: Path = tmp_path_factory.mktemp("salesforce-pack")
    with Stack(directory, auth_mode="passthrough", policies=SHIPPED_PACK) as running:
        yield running


def _register(stack: Stack) -> None:
    """The conversation the writes are sent in, registered with ``stack``'s proxy."""
    httpx.put(
        f"{stack.admin_url}/guardrail/v1/conversations/{CONVERSATION}",
        json={"channel": "chat", "customer": {"account_ids": [], "verified": True},
              "turns": [{"role": "customer", "text": "Please sort out my ticket."}]},
        timeout=10,
    ).raise_for_status()  # fmt: skip


def _refused_and_audited(stack: Stack, answer: httpx.Response) -> None:
    """``answer`` refused the write, and its decision record says so: blocked, because the
    record does not exist, never forwarded (no answer of the CRM's to the write itself)."""
    assert answer.headers["X-Guardrail-Decision"] == "block"
    decision = httpx.get(
        f"{stack.admin_url}/guardrail/v1/decisions/{answer.headers['X-Guardrail-Decision-Id']}",
        timeout=10,
    ).json()
    assert (decision["decision"], decision["status"], decision["upstream_status"]) == (
        "block", 404, None
    ), decision  # fmt: skip
    assert [v["rule"] for v in decision["violations"]] == ["RecordNotFound"], decision


def _send(url: str, stack: Stack, auth: str, method: str, path: str, body: Any) -> httpx.Response:
    verify = (
        ssl.create_default_context(cafile=stack.tls.ca_pem) if url.startswith("https") else True
    )
    headers = {"Authorization": auth, "X-Guardrail-Conversation": CONVERSATION}
    with httpx.Client(base_url=url, verify=verify, timeout=30, headers=headers) as client:
        return client.request(method, path, json=body)


@pytest.mark.parametrize(("crm", "method", "path", "body"), WRITES)
def test_a_write_about_a_record_that_does_not_exist_gets_the_crms_own_not_found(
    request: pytest.FixtureRequest, crm: str, method: str, path: str, body: Any
) -> None:
    fixture, auth, shape = CRMS[crm]
    stack: Stack = request.getfixturevalue(fixture)
    _register(stack)
    direct = _send(stack.sandbox_url, stack, auth, method, path, body)
    assert direct.status_code == 404, direct.text  # what the CRM itself answers the write

    answer = _send(stack.proxy_url, stack, auth, method, path, body)

    assert answer.status_code == 404, answer.text
    assert shape(answer.json()) == shape(direct.json()), answer.text
    assert "does not exist" in answer.text, answer.text  # and what to do instead:
    assert "Name a record that exists" in answer.text, answer.text
    _refused_and_audited(stack, answer)


def test_a_salesforce_record_read_then_deleted_gets_the_crms_own_not_found_when_written(
    salesforce_stack: Stack,
) -> None:
    """Whose a record is that the conversation read without saying so is asked before the
    write is judged: a record deleted since is the write's own, so the CRM's not-found too."""
    stack, auth = salesforce_stack, CRMS["salesforce"][1]

    async def make() -> str:
        return stack.store.create("Case", {"Subject": "Router", "AccountId": ACME_ACCOUNT_ID})

    _register(stack)
    gone = stack.call(make)
    query = f"SELECT Id, Subject FROM Case WHERE Id = '{gone}'"
    read = _send(stack.proxy_url, stack, auth, "GET", f"{BASE}/query?q={quote(query)}", None)
    assert [r["Id"] for r in read.json()["records"]] == [gone]

    async def delete() -> None:
        stack.store.delete("Case", gone)

    stack.call(delete)
    answer = _send(stack.proxy_url, stack, auth, "PATCH", f"{BASE}/sobjects/Case/{gone}",
                   {"Subject": "Router still broken"})  # fmt: skip

    assert answer.status_code == 404, answer.text
    assert [e["errorCode"] for e in answer.json()] == ["NOT_FOUND"]
    _refused_and_audited(stack, answer)
