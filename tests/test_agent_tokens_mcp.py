"""End to end with an off-the-shelf agent tool: the ``mcp-salesforce-connector`` MCP server,
configured only by SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN (an agent token), driven
over stdio by the MCP Python SDK's client, through the proxy over TLS, to the sandbox CRM.

Its reads and writes are bound to the token's conversation (the shipped pack's grounding rule
judges them), and the CRM credential the proxy fetched for itself appears nowhere the agent,
the logs or the audit log can show it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from guardrail.config import AuthMode
from guardrail.sandbox.seed import (
    ACME_ACCOUNT_ID,
    ACME_CASE_ID,
    ACME_CONTACT_ID,
    GLOBEX_ACCOUNT_ID,
    QUEUE_IDS,
)
from guardrail.testing import Stack

CONVERSATION = "mcp-call-1"
AGENT = "mcp-agent"
TRANSCRIPT = {
    "channel": "chat",
    "customer": {
        "account_ids": [ACME_ACCOUNT_ID],
        "contact_ids": [ACME_CONTACT_ID],
        "verified": True,
    },
    "turns": [
        {"role": "customer", "text": "My router arrived broken; I still have no replacement."},
        {"role": "agent", "text": "Sorry about that. Let me look at your case."},
    ],
}
#: The console script the package installs (``salesforce``), beside this interpreter.
SERVER = Path(sys.executable).parent / "salesforce"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The shipped pack, token binding, the proxy's credential by client credentials."""
    with Stack(tmp_path_factory.mktemp("mcp"), auth_mode=AuthMode.TOKEN) as running:
        conversation = f"{running.admin_url}/guardrail/v1/conversations/{CONVERSATION}"
        httpx.put(conversation, json=TRANSCRIPT, timeout=10).raise_for_status()
        yield running


def crm_secrets(stack: Stack) -> list[str]:
    """What must never leave the proxy: its client secret and every token the CRM issued it."""
    assert stack.oauth.issued, "the proxy fetched no CRM token"
    return ["sandbox-secret", *stack.oauth.issued]


async def call(session: ClientSession, tool: str, **arguments: Any) -> tuple[bool, str]:
    result = await session.call_tool(tool, arguments)
    text = "\n".join(c.text for c in result.content if c.type == "text")
    return bool(result.isError), text


async def test_mcp_server_reads_and_writes_through_the_proxy_bound_to_the_conversation(
    stack: Stack, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    token = stack.agent_token(CONVERSATION, AGENT)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "SALESFORCE_INSTANCE_URL": stack.proxy_url,
        "SALESFORCE_ACCESS_TOKEN": token,
        # The server's simple-salesforce speaks https only; trust the test CA in its process.
        "REQUESTS_CA_BUNDLE": str(stack.tls.ca_pem),
    }
    server = StdioServerParameters(command=str(SERVER), args=[], env=env, cwd=str(tmp_path))
    with (tmp_path / "server.log").open("w+") as errlog:
        async with (
            stdio_client(server, errlog=errlog) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            tools = {t.name for t in (await session.list_tools()).tools}
            assert {"get_record", "create_record", "update_record"} <= tools

            failed, text = await call(
                session, "get_record", object_name="Case", record_id=ACME_CASE_ID
            )
            assert not failed, text
            assert ACME_CASE_ID in text

            failed, text = await call(
                session,
                "update_record",
                object_name="Case",
                record_id=ACME_CASE_ID,
                data={"Status": "Working", "Priority": "High"},
            )
            assert not failed, text

            grounded = {
                "Subject": "Replacement router not delivered",
                "Status": "New",
                "Origin": "Chat",
                "Reason": "Return",
                "AccountId": ACME_ACCOUNT_ID,
                "ContactId": ACME_CONTACT_ID,
                "OwnerId": QUEUE_IDS["Returns"],
            }
            failed, text = await call(session, "create_record", object_name="Case", data=grounded)
            assert not failed, text
            assert '"success": true' in text

            other = {"Subject": "Router", "AccountId": GLOBEX_ACCOUNT_ID}
            failed, text = await call(session, "create_record", object_name="Case", data=other)
        server_log = errlog.seek(0) or errlog.read()

    # The agent's tool result says why, in the rule's own words.
    assert failed
    assert "grounded-references/AccountIdGrounded" in text
    assert "not the verified customer's account" in text
    cases = stack.store.records("Case")
    assert any(c["Subject"] == grounded["Subject"] for c in cases)
    assert not any(c.get("AccountId") == GLOBEX_ACCOUNT_ID for c in cases)
    saved = stack.store.get("Case", ACME_CASE_ID)
    assert (saved["Status"], saved["Priority"]) == ("Working", "High")

    # Bound to the conversation with no header: the proxy saw the read and the writes there...
    async with httpx.AsyncClient(base_url=f"{stack.admin_url}/guardrail/v1") as admin:
        seen = (await admin.get(f"/conversations/{CONVERSATION}")).json()
        assert ACME_CASE_ID in [r["id"] for r in seen["reads"]]
        assert [w["decision"] for w in seen["writes"]] == ["allow", "allow", "block"]
        # ...and each decision names the token (by id) and the agent.
        listed = (await admin.get("/decisions", params={"conversation": CONVERSATION})).json()
        assert len(listed["decisions"]) == 3
        for summary in listed["decisions"]:
            record = (await admin.get(f"/decisions/{summary['decision_id']}")).json()
            assert (record["agent"], record["token_id"]) == (AGENT, token.split(".")[1])

    # The CRM credential is nowhere the agent or an operator's tools can see it, and the agent
    # token is in neither the logs nor the audit log.
    out, err = capfd.readouterr()
    audit = (stack.directory / "audit.db").read_bytes()
    secrets = crm_secrets(stack)
    for where, text in (
        ("the agent's environment", repr(env)),
        ("the MCP server's output", server_log),
        ("the proxy's logs", out + err),
        ("the audit log", audit.decode("latin-1")),
    ):
        for secret in secrets:
            assert secret not in text, f"a CRM credential is in {where}"
    for where, text in (
        ("the proxy's logs", out + err),
        ("the audit log", audit.decode("latin-1")),
    ):
        assert token not in text, f"the agent token is in {where}"


async def test_the_mcp_servers_bulk_tool_gets_the_guardrails_refusal_not_a_login_failure(
    stack: Stack, tmp_path: Path
) -> None:
    """Its bulk tools speak Bulk API 1.0 (simple-salesforce's ``sf.bulk``: /services/async, the
    session in X-SFDC-Session), which the guardrail refuses whole: the tool reports why instead
    of an expired session, and nothing lands."""
    token = stack.agent_token(CONVERSATION, AGENT)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "SALESFORCE_INSTANCE_URL": stack.proxy_url,
        "SALESFORCE_ACCESS_TOKEN": token,
        "REQUESTS_CA_BUNDLE": str(stack.tls.ca_pem),
    }
    server = StdioServerParameters(command=str(SERVER), args=[], env=env, cwd=str(tmp_path))
    before = stack.store.requests.total
    with (tmp_path / "server.log").open("w+") as errlog:
        async with (
            stdio_client(server, errlog=errlog) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            records = [{"Subject": "Bulk via MCP", "Status": "New", "AccountId": ACME_ACCOUNT_ID}]
            failed, text = await call(
                session, "bulk_create_records", object_name="Case", data=records
            )
    assert failed
    assert "Bulk API 1.0" in text
    assert "GUARDRAIL_UNSUPPORTED_ENDPOINT" in text
    assert "INVALID_SESSION" not in text
    assert stack.store.requests.total == before
    assert not any(c["Subject"] == "Bulk via MCP" for c in stack.store.records("Case"))
