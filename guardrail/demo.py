"""``guardrail demo``: the sandbox CRM, the proxy and a scripted agent, explained in a table.

The agent is an unchanged CRM client (simple-salesforce; pysnc with ``--crm servicenow``,
``guardrail.demo_servicenow``) pointed at the proxy over TLS. It holds no CRM credential and
sends no custom header: its session is an agent token the contact-center platform got from the
admin API for this conversation (token binding), and the proxy swaps it for its own CRM
credential. It makes the writes an AI agent makes in a contact center, some right and some
wrong, and the table shows what the guardrail let through, what it blocked and the message the
agent got back.
"""

from __future__ import annotations

import tempfile
import textwrap
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from guardrail.config import AuthMode
from guardrail.sandbox.seed import (
    ACME_ACCOUNT_ID,
    ACME_CASE_ID,
    ACME_CONTACT_ID,
    GLOBEX_ACCOUNT_ID,
    QUEUE_IDS,
)
from guardrail.testing import Stack


@dataclass(frozen=True)
class Step:
    what: str
    act: Callable[[Any, dict[str, str]], Any]


@dataclass(frozen=True)
class Script:
    """One CRM's demo: the agent's client (``client(stack, token)``, named ``client_name``),
    the errors it raises for a refused write and their message, the conversation and the
    steps; ``stack`` adds to the Stack's settings (another CRM's sandbox and dialect)."""

    client_name: str
    client: Callable[[Stack, str], Any]
    errors: tuple[type[Exception], ...]
    message: Callable[[Exception], str]
    transcript: Mapping[str, Any]
    steps: Callable[[], list[Step]]
    stack: Mapping[str, Any] = field(default_factory=dict)


CONVERSATION = "demo-conversation-1"
TRANSCRIPT = {
    "channel": "chat",
    "customer": {
        "account_ids": [ACME_ACCOUNT_ID],
        "contact_ids": [ACME_CONTACT_ID],
        "verified": True,
    },
    "entitlements": {"refund_limit": 50},
    "turns": [
        {"role": "customer", "text": "Hi, my router arrived broken and I'm still waiting on "
         "the replacement. I'd like a refund of $40, please."},
        {"role": "agent", "text": "I'm sorry. Let me look at your case and sort that out."},
    ],
    "outcome": "refund_issued",
}  # fmt: skip
RETURNS_QUEUE = QUEUE_IDS["Returns"]
BILLING_QUEUE = QUEUE_IDS["Billing"]


def _steps() -> list[Step]:
    follow_up = {
        "Subject": "Replacement router not delivered",
        "Status": "New",
        "Origin": "Chat",
        "Reason": "Return",
        "AccountId": ACME_ACCOUNT_ID,
        "ContactId": ACME_CONTACT_ID,
    }
    return [
        Step("read the customer's open case", lambda sf, s: sf.Case.get(ACME_CASE_ID)),
        Step(
            "update that case: Working, High priority",
            lambda sf, s: sf.Case.update(ACME_CASE_ID, {"Status": "Working", "Priority": "High"}),
        ),
        Step(
            "open a follow-up case in the Returns queue",
            lambda sf, s: s.__setitem__(
                "case", sf.Case.create({**follow_up, "OwnerId": RETURNS_QUEUE})["id"]
            ),
        ),
        Step(
            "create a case with Status 'Open'",
            lambda sf, s: sf.Case.create({"Subject": "Router", "Status": "Open"}),
        ),
        Step(
            "route a Return case to the Billing queue",
            lambda sf, s: sf.Case.create(
                {**follow_up, "Subject": "Label", "OwnerId": BILLING_QUEUE, "ParentId": s["case"]}
            ),
        ),
        Step(
            "open a case on another customer's account",
            lambda sf, s: sf.Case.create({"Subject": "Router", "AccountId": GLOBEX_ACCOUNT_ID}),
        ),
        Step(
            "refund $45 (the customer asked for $40)",
            lambda sf, s: sf.Refund__c.create(_refund(45)),
        ),
        Step("refund $40 for the damaged router", lambda sf, s: sf.Refund__c.create(_refund(40))),
        Step(
            "log the call as 'Escalated'",
            lambda sf, s: sf.Task.create(_call("Escalated")),
        ),
        Step(
            "log the call as 'Refund Issued'", lambda sf, s: sf.Task.create(_call("Refund Issued"))
        ),
        Step(
            "note the customer's card number on the case",
            lambda sf, s: sf.CaseComment.create(
                {"ParentId": ACME_CASE_ID, "CommentBody": "Card 4111 1111 1111 1111 on file"}
            ),
        ),
        Step("delete the follow-up case", lambda sf, s: sf.Case.delete(s["case"])),
    ]


def _refund(amount: float) -> dict[str, Any]:
    return {
        "Amount__c": amount,
        "Reason__c": "Damaged Item",
        "Case__c": ACME_CASE_ID,
        "Account__c": ACME_ACCOUNT_ID,
    }


def _call(disposition: str) -> dict[str, Any]:
    return {
        "Subject": "Chat: broken router",
        "Status": "Completed",
        "WhatId": ACME_CASE_ID,
        "WhoId": ACME_CONTACT_ID,
        "CallDisposition": disposition,
    }


def salesforce_script() -> Script:
    from simple_salesforce.exceptions import SalesforceError

    def message(exc: Exception) -> str:
        content: Any = getattr(exc, "content", None)
        errors = content if isinstance(content, list) else []
        return " | ".join(e.get("message", "") for e in errors) or str(exc)

    return Script(
        "simple-salesforce's session id",
        lambda stack, token: stack.salesforce(token=token),
        (SalesforceError,),
        message,
        TRANSCRIPT,
        _steps,
    )


def run_demo(keep_running: bool = False, crm: str = "salesforce") -> int:
    try:
        if crm == "servicenow":
            from guardrail.demo_servicenow import servicenow_script

            script = servicenow_script()
        else:
            script = salesforce_script()
    except ImportError as exc:
        print(f"guardrail demo needs {exc.name}: pip install 'crm-guardrail[demo]'")
        return 2
    with (
        tempfile.TemporaryDirectory(prefix="guardrail-demo-") as tmp,
        Stack(Path(tmp), auth_mode=AuthMode.TOKEN, **script.stack) as stack,
    ):
        print(f"sandbox CRM   {stack.sandbox_url}")
        print(f"guardrail     {stack.proxy_url}  (TLS, test CA)")
        print(f"metrics       {stack.admin_url}/metrics\n")
        # As the contact-center platform would: tell the proxy about the conversation.
        url = f"{stack.admin_url}/guardrail/v1/conversations/{CONVERSATION}"
        httpx.put(url, json=dict(script.transcript), timeout=5).raise_for_status()
        print("conversation  the customer (verified) said:")
        for line in textwrap.wrap(script.transcript["turns"][0]["text"], 80):
            print(f"                {line}")
        # ...and give the agent a token bound to it, in place of a Salesforce credential.
        issued = httpx.post(f"{url}/tokens", json={"agent": "demo-agent"}, timeout=5)
        issued.raise_for_status()
        token = issued.json()
        print(f"agent token   {token['token_id']} for demo-agent, bound to {CONVERSATION},")
        print(f"              expires {token['expires_at']}; {script.client_name}")
        print()
        agent = script.client(stack, token["token"])
        decisions: list[str] = []
        agent.session.hooks["response"].append(
            lambda r, *a, **k: decisions.append(r.headers.get("X-Guardrail-Decision", "read"))
        )
        state: dict[str, str] = {}
        rows = []
        for n, step in enumerate(script.steps(), 1):
            decisions.clear()
            try:
                step.act(agent, state)
                outcome = "done"
            except script.errors as exc:
                outcome = script.message(exc)
            rows.append((n, step.what, decisions[-1] if decisions else "-", outcome))
        print_table(rows)
        writes = [r for r in rows if r[2] != "read"]
        blocked = sum(1 for r in writes if r[2] == "block")
        allowed = len(writes) - blocked
        print(f"\n{allowed} writes went through; {blocked} were blocked before the CRM.")
        print_counters(stack.admin_url)
        if keep_running:
            print("\nRunning; press Ctrl-C to stop.")
            while True:
                time.sleep(3600)
        else:
            print("\n(guardrail demo --keep-running leaves the stack up to explore.)")
    return 0


def print_counters(admin_url: str) -> None:
    """The write counters from /metrics, as an SRE's dashboard would read them."""
    import httpx
    from prometheus_client.parser import text_string_to_metric_families

    text = httpx.get(f"{admin_url}/metrics", timeout=5).text
    print(f"\nFrom {admin_url}/metrics:")
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = sample.labels
            if not sample.name.endswith("_total") or not sample.value:
                continue
            if family.name == "guardrail_requests":
                what = f"{labels['object']} {labels['operation']} {labels['decision']}"
                print(f"  guardrail_requests_total  {what:<28} {sample.value:g}")
            elif family.name in ("guardrail_agent_tokens_issued", "guardrail_agent_tokens_used"):
                print(f"  {sample.name:<54} {sample.value:g}")


def print_table(rows: list[tuple[int, str, str, str]]) -> None:
    print(f"{'#':>2}  {'write':<48} {'decision':<9} outcome")
    for n, what, decision, outcome in rows:
        lines = textwrap.wrap(outcome, 90) or [""]
        print(f"{n:>2}  {what:<48} {decision:<9} {lines[0]}")
        for line in lines[1:]:
            print(f"{'':>2}  {'':<48} {'':<9} {line}")
