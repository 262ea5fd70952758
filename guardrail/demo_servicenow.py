"""``guardrail demo --crm servicenow``: the ServiceNow sandbox instance, the proxy with the
ServiceNow contact-center pack, and an agent using pysnc, unchanged, with an agent token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pysnc.exceptions import RequestException

from guardrail.demo import Script, Step
from guardrail.sandbox.servicenow import create_app
from guardrail.sandbox.servicenow.seed import (
    ACME_ACCOUNT_ID,
    ACME_CASE_ID,
    ACME_CONTACT_ID,
    GLOBEX_ACCOUNT_ID,
    GLOBEX_CONTACT_ID,
    GROUP_IDS,
)
from guardrail.testing import Stack

CASE = "sn_customerservice_case"
PACK = "servicenow-contact-center"
TRANSCRIPT = {
    "channel": "voice",
    "customer": {
        "account_ids": [ACME_ACCOUNT_ID],
        "contact_ids": [ACME_CONTACT_ID],
        "verified": True,
    },
    "turns": [
        {"role": "customer", "text": "I was charged twice for my plan this month and my invoice "
         "address is wrong as well. Can you fix both?"},
        {"role": "agent", "text": "I'm sorry. I'll update your billing case and sort it out."},
    ],
    "outcome": "resolved",
}  # fmt: skip


def _case(client: Any, **fields: str) -> Any:
    case = client.GlideRecord(CASE)
    case.initialize()
    values = {"short_description": "Invoice address wrong", "category": "billing",
              "account": ACME_ACCOUNT_ID, "contact": ACME_CONTACT_ID, **fields}  # fmt: skip
    for name, value in values.items():
        setattr(case, name, value)
    return case


def _update(client: Any, sys_id: str, **fields: str) -> Any:
    case = client.GlideRecord(CASE)
    case.get(sys_id)
    for name, value in fields.items():
        setattr(case, name, value)
    return case.update()


def _create(state: dict[str, str], key: str, record: Any) -> None:
    state[key] = str(record.insert())


def _delete(client: Any, sys_id: str) -> Any:
    case = client.GlideRecord(CASE)
    case.get(sys_id)
    return case.delete()


def _incident(client: Any) -> Any:
    incident = client.GlideRecord("incident")
    incident.initialize()
    incident.short_description = "Double charge"
    incident.caller_id = GLOBEX_CONTACT_ID
    return incident.insert()


def _steps() -> list[Step]:
    billing, technical = GROUP_IDS["Billing"], GROUP_IDS["Technical Support"]
    return [
        Step("read the customer's billing case",
             lambda c, s: c.GlideRecord(CASE).get(ACME_CASE_ID)),
        Step("update that case: Open, priority 2",
             lambda c, s: _update(c, ACME_CASE_ID, state="10", priority="2")),
        Step("open a billing case for the Billing group",
             lambda c, s: _create(s, "case", _case(c, assignment_group=billing))),
        Step("open a case with category 'refunds'",
             lambda c, s: _case(c, category="refunds").insert()),
        Step("send a billing case to Technical Support",
             lambda c, s: _case(c, assignment_group=technical).insert()),
        Step("open a case on another customer's account",
             lambda c, s: _case(c, account=GLOBEX_ACCOUNT_ID).insert()),
        Step("raise an incident for another customer", lambda c, s: _incident(c)),
        Step("note the customer's card number",
             lambda c, s: _update(c, ACME_CASE_ID, work_notes="Card 4111 1111 1111 1111")),
        Step("resolve the new case as 'refund issued'",
             lambda c, s: _update(c, s["case"], state="6", resolution_code="refund_issued")),
        Step("resolve the new case as 'solved'",
             lambda c, s: _update(c, s["case"], state="6", resolution_code="solved")),
        Step("delete the new case", lambda c, s: _delete(c, s["case"])),
    ]  # fmt: skip


def _message(exc: Exception) -> str:
    error = exc.args[0] if exc.args else None
    if isinstance(error, dict) and isinstance(error.get("error"), dict):
        return str(error["error"].get("message") or error)
    return str(exc)


def servicenow_script() -> Script:
    from guardrail.app import default_policies

    policies: Path = default_policies("servicenow")
    return Script(
        "pysnc's bearer token",
        lambda stack, token: Stack.servicenow(stack, auth=token),
        (RequestException,),
        _message,
        TRANSCRIPT,
        _steps,
        {"crm": create_app, "dialect": "servicenow", "policies": policies},
    )
