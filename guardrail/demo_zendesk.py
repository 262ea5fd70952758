"""``guardrail demo --crm zendesk``: the Zendesk sandbox, the proxy and a scripted agent.

The agent is an unchanged zenpy client. zenpy builds its URL from a subdomain and a domain
(``https://acme.zendesk.test:PORT``); a requests transport pinned to the proxy's address keeps
that name for TLS, so nothing on the machine is configured. The agent holds no Zendesk
credential: its OAuth token is an agent token bound to this conversation, which the proxy
swaps for its own. It makes the writes an AI agent makes in a contact center, some right and
some wrong, and the table shows what the guardrail let through and what it refused.
"""

from __future__ import annotations

import json
import tempfile
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from guardrail.config import AuthMode
from guardrail.demo import print_counters, print_table
from guardrail.sandbox.zendesk import create_app
from guardrail.sandbox.zendesk.fields import (
    CONTACT_REASON_FIELD,
    REFUND_AMOUNT_FIELD,
    REFUND_REASON_FIELD,
    RESOLUTION_FIELD,
)
from guardrail.sandbox.zendesk.seed import (
    ACME_ORG,
    ACME_TICKET,
    ACME_USER,
    BILLING_GROUP,
    GLOBEX_USER,
    TECHNICAL_GROUP,
)
from guardrail.testing import Stack

PACK = Path(__file__).resolve().parent.parent / "policies" / "zendesk-contact-center"
CONVERSATION = "demo-zendesk-1"
TRANSCRIPT = {
    "channel": "chat",
    "customer": {"account_ids": [str(ACME_ORG)], "contact_ids": [str(ACME_USER)],
                 "verified": True},
    "entitlements": {"refund_limit": 50},
    "turns": [
        {"role": "customer", "text": "Hi, I was charged twice for my router this month. "
         "I'd like a refund of $40, please."},
        {"role": "agent", "text": "I'm sorry. Let me look at your ticket and sort that out."},
    ],
    "outcome": "refund_issued",
}  # fmt: skip


@dataclass(frozen=True)
class Step:
    what: str
    act: Callable[[Any], Any]


def _steps() -> list[Step]:
    from zenpy.lib.api_objects import Comment, CustomField, Ticket

    def ticket(**changes: Any) -> Any:
        values: dict[str, Any] = {
            "subject": "Charged twice for the router",
            "requester_id": ACME_USER,
            "group_id": BILLING_GROUP,
            "comment": Comment(body="Customer was charged twice this month.", public=False),
            "custom_fields": [CustomField(id=CONTACT_REASON_FIELD, value="billing")],
        }
        return Ticket(**{**values, **changes})

    def change(zd: Any, **fields: Any) -> Any:
        return zd.tickets.update(Ticket(id=ACME_TICKET, **fields))

    def refund(amount: str, reason: str) -> list[Any]:
        return [
            CustomField(id=REFUND_AMOUNT_FIELD, value=amount),
            CustomField(id=REFUND_REASON_FIELD, value=reason),
        ]

    return [
        Step("read the customer's ticket", lambda zd: zd.tickets(id=ACME_TICKET)),
        Step("open a billing ticket in the Billing group", lambda zd: zd.tickets.create(ticket())),
        Step(
            "set the contact reason to 'invoices' (no option)",
            lambda zd: zd.tickets.create(
                ticket(custom_fields=[CustomField(id=CONTACT_REASON_FIELD, value="invoices")])
            ),
        ),
        Step(
            "route a billing ticket to Technical Support",
            lambda zd: zd.tickets.create(ticket(group_id=TECHNICAL_GROUP)),
        ),
        Step(
            "open the ticket for another customer",
            lambda zd: zd.tickets.create(ticket(requester_id=GLOBEX_USER)),
        ),
        Step(
            "note the customer's card number (private)",
            lambda zd: change(
                zd, comment=Comment(body="Card 4111 1111 1111 1111 charged twice.", public=False)
            ),
        ),
        Step(
            "record a $45 refund (the customer asked for $40)",
            lambda zd: change(zd, custom_fields=refund("45.00", "billing_error")),
        ),
        Step(
            "record the $40 refund for the double charge",
            lambda zd: change(zd, custom_fields=refund("40.00", "billing_error")),
        ),
        Step(
            "solve it as 'escalated'",
            lambda zd: change(
                zd,
                status="solved",
                custom_fields=[CustomField(id=RESOLUTION_FIELD, value="escalated")],
            ),
        ),
        Step(
            "solve it as 'refund issued'",
            lambda zd: change(
                zd,
                status="solved",
                custom_fields=[CustomField(id=RESOLUTION_FIELD, value="refund_issued")],
            ),
        ),
    ]


def run_demo(keep_running: bool = False) -> int:
    try:
        from zenpy.lib.exception import APIException
    except ImportError:
        print("guardrail demo --crm zendesk needs zenpy: pip install 'crm-guardrail[demo]'")
        return 2
    with (
        tempfile.TemporaryDirectory(prefix="guardrail-demo-") as tmp,
        Stack(Path(tmp), auth_mode=AuthMode.TOKEN, crm=create_app,
              hostnames=["acme.zendesk.test"], dialect="zendesk", policies=PACK) as stack,
    ):  # fmt: skip
        print(f"Zendesk sandbox {stack.sandbox_url}")
        print(f"guardrail       {stack.proxy_url}  (TLS, test CA; zenpy sees acme.zendesk.test)")
        print(f"metrics         {stack.admin_url}/metrics\n")
        url = f"{stack.admin_url}/guardrail/v1/conversations/{CONVERSATION}"
        httpx.put(url, json=TRANSCRIPT, timeout=5).raise_for_status()
        print("conversation    the customer (verified, refund limit $50) said:")
        for line in textwrap.wrap(TRANSCRIPT["turns"][0]["text"], 80):  # type: ignore[index]
            print(f"                  {line}")
        token = stack.agent_token(CONVERSATION, "demo-agent")
        print("agent token     bound to this conversation: zenpy's oauth_token\n")
        zd = stack.zendesk(oauth_token=token)
        decisions: list[str] = []
        zd.tickets.session.hooks["response"].append(
            lambda r, *a, **k: decisions.append(r.headers.get("X-Guardrail-Decision", "read"))
        )
        rows = []
        for n, step in enumerate(_steps(), 1):
            decisions.clear()
            try:
                step.act(zd)
                outcome = "done"
            except APIException as exc:
                outcome = _reason(str(exc))
            rows.append((n, step.what, decisions[-1] if decisions else "-", outcome))
        print_table(rows)
        writes = [r for r in rows if r[2] != "read"]
        blocked = sum(1 for r in writes if r[2] == "block")
        print(f"\n{len(writes) - blocked} writes went through; {blocked} were refused.")
        print_counters(stack.admin_url)
        if keep_running:
            input("\nRunning; press Enter to stop.")
    return 0


def _reason(text: str) -> str:
    """The descriptions of Zendesk's RecordInvalid details, else the error as it came."""
    try:
        body = json.loads(text)
    except ValueError:
        return text
    details = body.get("details") if isinstance(body, dict) else None
    if not isinstance(details, dict):
        return text
    return " | ".join(d.get("description", "") for ds in details.values() for d in ds)
