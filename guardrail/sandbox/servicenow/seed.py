"""The sandbox instance's seed records, with fixed ``sys_id``s tests and packs can name.

Users and assignment groups are always there; the customers (two accounts, a contact each,
a case, an incident and an interaction) are loaded unless the sandbox is started empty.
"""

from __future__ import annotations

import hashlib

Row = dict[str, str]


def fixed_id(name: str) -> str:
    """A stable 32-hex ``sys_id`` for a seed record (the platform's are random GUIDs)."""
    return hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()


ADMIN_USER_ID = fixed_id("sys_user:admin")
AGENT_USER_ID = fixed_id("sys_user:ava.agent")
GROUP_IDS = {
    name: fixed_id(f"sys_user_group:{name}")
    for name in (
        "Billing",
        "Technical Support",
        "Returns",
        "Retention",
        "Escalations",
        "Service Desk",
    )
}
ACME_ACCOUNT_ID = fixed_id("customer_account:acme")
GLOBEX_ACCOUNT_ID = fixed_id("customer_account:globex")
ACME_CONTACT_ID = fixed_id("customer_contact:jane.doe")
GLOBEX_CONTACT_ID = fixed_id("customer_contact:hank.scorpio")
ACME_CASE_ID = fixed_id("sn_customerservice_case:acme-billing")
GLOBEX_CASE_ID = fixed_id("sn_customerservice_case:globex-technical")
ACME_INCIDENT_ID = fixed_id("incident:acme-wifi")
ACME_INTERACTION_ID = fixed_id("interaction:acme-call")

ALWAYS: dict[str, list[Row]] = {
    "sys_user": [
        {
            "sys_id": ADMIN_USER_ID,
            "user_name": "admin",
            "first_name": "System",
            "last_name": "Administrator",
            "email": "admin@example.com",
        },
        {
            "sys_id": AGENT_USER_ID,
            "user_name": "ava.agent",
            "first_name": "Ava",
            "last_name": "Agent",
            "email": "ava.agent@example.com",
        },
    ],
    "sys_user_group": [
        {"sys_id": sys_id, "name": name, "description": f"{name} queue"}
        for name, sys_id in GROUP_IDS.items()
    ],
}

CUSTOMERS: dict[str, list[Row]] = {
    "customer_account": [
        {
            "sys_id": ACME_ACCOUNT_ID,
            "name": "Acme Corp",
            "phone": "555-0100",
            "city": "Springfield",
        },
        {
            "sys_id": GLOBEX_ACCOUNT_ID,
            "name": "Globex",
            "phone": "555-0199",
            "city": "Cypress Creek",
        },
    ],
    "customer_contact": [
        {
            "sys_id": ACME_CONTACT_ID,
            "user_name": "jane.doe",
            "first_name": "Jane",
            "last_name": "Doe",
            "email": "jane@acme.example",
            "phone": "555-0101",
            "account": ACME_ACCOUNT_ID,
        },
        {
            "sys_id": GLOBEX_CONTACT_ID,
            "user_name": "hank.scorpio",
            "first_name": "Hank",
            "last_name": "Scorpio",
            "email": "hank@globex.example",
            "phone": "555-0198",
            "account": GLOBEX_ACCOUNT_ID,
        },
    ],
    "sn_customerservice_case": [
        {
            "sys_id": ACME_CASE_ID,
            "short_description": "Charged twice for March",
            "account": ACME_ACCOUNT_ID,
            "contact": ACME_CONTACT_ID,
            "category": "billing",
            "state": "10",
            "contact_type": "phone",
            "assignment_group": GROUP_IDS["Billing"],
        },
        {
            "sys_id": GLOBEX_CASE_ID,
            "short_description": "Router drops connection",
            "account": GLOBEX_ACCOUNT_ID,
            "contact": GLOBEX_CONTACT_ID,
            "category": "technical",
            "state": "10",
            "contact_type": "email",
            "assignment_group": GROUP_IDS["Technical Support"],
        },
    ],
    "incident": [
        {
            "sys_id": ACME_INCIDENT_ID,
            "short_description": "Wi-Fi down at the Springfield office",
            "caller_id": ACME_CONTACT_ID,
            "category": "network",
            "impact": "2",
            "urgency": "2",
            "assignment_group": GROUP_IDS["Service Desk"],
        },
    ],
    "interaction": [
        {
            "sys_id": ACME_INTERACTION_ID,
            "type": "phone",
            "state": "work_in_progress",
            "short_description": "Inbound call",
            "opened_for": ACME_CONTACT_ID,
            "account": ACME_ACCOUNT_ID,
            "contact": ACME_CONTACT_ID,
        },
    ],
}
