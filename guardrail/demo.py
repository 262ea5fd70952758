"""``guardrail demo``: the sandbox CRM, the proxy and a scripted agent, explained in a table.

The agent is an unchanged simple-salesforce client pointed at the proxy over TLS. It makes the
writes an AI agent makes in a contact center, some right and some wrong, and the table shows
what the guardrail let through, what it blocked and the message the agent got back.
"""

from __future__ import annotations

import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID, ACME_CONTACT_ID
from guardrail.testing import Stack


@dataclass(frozen=True)
class Step:
    what: str
    act: Callable[[Any, dict[str, str]], Any]


def _steps() -> list[Step]:
    return [
        Step("read the customer's open case", lambda sf, s: sf.Case.get(ACME_CASE_ID)),
        Step(
            "update the case: Working, High priority",
            lambda sf, s: sf.Case.update(ACME_CASE_ID, {"Status": "Working", "Priority": "High"}),
        ),
        Step(
            "create a follow-up case for Acme",
            lambda sf, s: s.__setitem__(
                "case",
                sf.Case.create(
                    {
                        "Subject": "Replacement router not delivered",
                        "Status": "New",
                        "Origin": "Chat",
                        "Reason": "Return",
                        "AccountId": ACME_ACCOUNT_ID,
                        "ContactId": ACME_CONTACT_ID,
                    }
                )["id"],
            ),
        ),
        Step(
            "create a case with Status 'Open'",
            lambda sf, s: sf.Case.create({"Subject": "Router", "Status": "Open"}),
        ),
        Step(
            "update the case with a made-up field",
            lambda sf, s: sf.Case.update(ACME_CASE_ID, {"Sentiment__c": "angry"}),
        ),
        Step(
            "create a contact without a last name",
            lambda sf, s: sf.Contact.create({"FirstName": "Dana", "AccountId": ACME_ACCOUNT_ID}),
        ),
        Step(
            "create a case whose AccountId is a Contact id",
            lambda sf, s: sf.Case.create({"Subject": "Billing", "AccountId": ACME_CONTACT_ID}),
        ),
        Step(
            "issue a refund of 25.999",
            lambda sf, s: sf.Refund__c.create(
                {"Amount__c": 25.999, "Reason__c": "Late Delivery", "Case__c": ACME_CASE_ID}
            ),
        ),
        Step(
            "upsert an account by external id",
            lambda sf, s: sf.Account.upsert("External_Id__c/ACME-EU", {"Name": "Acme Europe"}),
        ),
        Step("delete the follow-up case", lambda sf, s: sf.Case.delete(s["case"])),
    ]


def run_demo(keep_running: bool = False) -> int:
    try:
        from simple_salesforce.exceptions import SalesforceError
    except ImportError:
        print("guardrail demo needs simple-salesforce: pip install 'crm-guardrail[demo]'")
        return 2
    with tempfile.TemporaryDirectory(prefix="guardrail-demo-") as tmp, Stack(Path(tmp)) as stack:
        print(f"sandbox CRM   {stack.sandbox_url}")
        print(f"guardrail     {stack.proxy_url}  (TLS, test CA)")
        print(f"metrics       {stack.admin_url}/metrics\n")
        sf = stack.salesforce(conversation="demo-conversation-1", agent="demo-agent")
        decisions: list[str] = []
        sf.session.hooks["response"].append(
            lambda r, *a, **k: decisions.append(r.headers.get("X-Guardrail-Decision", "read"))
        )
        state: dict[str, str] = {}
        rows = []
        for n, step in enumerate(_steps(), 1):
            decisions.clear()
            try:
                step.act(sf, state)
                outcome = "done"
            except SalesforceError as exc:
                content: Any = exc.content
                errors = content if isinstance(content, list) else []
                outcome = " | ".join(e.get("message", "") for e in errors) or str(exc)
            rows.append((n, step.what, decisions[-1] if decisions else "-", outcome))
        _print_table(rows)
        writes = [r for r in rows if r[2] != "read"]
        blocked = sum(1 for r in writes if r[2] == "block")
        allowed = len(writes) - blocked
        print(f"\n{allowed} writes went through; {blocked} were blocked before the CRM.")
        _print_counters(stack.admin_url)
        if keep_running:
            print("\nRunning; press Ctrl-C to stop.")
            while True:
                time.sleep(3600)
        else:
            print("\n(guardrail demo --keep-running leaves the stack up to explore.)")
    return 0


def _print_counters(admin_url: str) -> None:
    """The write counters from /metrics, as an SRE's dashboard would read them."""
    import httpx
    from prometheus_client.parser import text_string_to_metric_families

    text = httpx.get(f"{admin_url}/metrics", timeout=5).text
    print(f"\nFrom {admin_url}/metrics:")
    for family in text_string_to_metric_families(text):
        if family.name != "guardrail_requests":
            continue
        for sample in family.samples:
            labels = sample.labels
            if sample.name.endswith("_total") and sample.value:
                what = f"{labels['object']} {labels['operation']} {labels['decision']}"
                print(f"  guardrail_requests_total  {what:<28} {sample.value:g}")


def _print_table(rows: list[tuple[int, str, str, str]]) -> None:
    print(f"{'#':>2}  {'write':<48} {'decision':<9} outcome")
    for n, what, decision, outcome in rows:
        lines = textwrap.wrap(outcome, 90) or [""]
        print(f"{n:>2}  {what:<48} {decision:<9} {lines[0]}")
        for line in lines[1:]:
            print(f"{'':>2}  {'':<48} {'':<9} {line}")
