"""The sandbox's fixed records, with ids that tests, the demo and policy examples can name.

The directory (users and the five queues DESIGN.md fixes) is always loaded: every record
needs an owner and queue routing needs its queues. The sample customers are loaded when
``SandboxConfig.seed`` is true.
"""

from __future__ import annotations

from typing import Any, NamedTuple

INTEGRATION_USER_ID = "005000000000001AAA"
"""The running user of every API call: default owner, CreatedById, LastModifiedById."""
AGENT_USER_ID = "005000000000002AAA"

QUEUE_IDS: dict[str, str] = {
    "Billing": "00G000000000001AAA",
    "Technical Support": "00G000000000002AAA",
    "Returns": "00G000000000003AAA",
    "Retention": "00G000000000004AAA",
    "Escalations": "00G000000000005AAA",
}

ACME_ACCOUNT_ID = "001000000000001AAA"
GLOBEX_ACCOUNT_ID = "001000000000002AAA"
ACME_CONTACT_ID = "003000000000001AAA"
GLOBEX_CONTACT_ID = "003000000000002AAA"
ACME_CASE_ID = "500000000000001AAA"
"""An open case on Acme Corp, raised by its contact; CaseNumber 00001001."""
GLOBEX_PORTAL_USER_ID = "005000000000003AAA"
"""Globex's contact Hank Scorpio as an Experience Cloud (portal) user: a User, and a customer."""

SEED_TIMESTAMP = "2026-01-05T09:00:00.000+0000"


class SeedRecord(NamedTuple):
    sobject: str
    id: str
    values: dict[str, Any]


def _queue(name: str) -> SeedRecord:
    developer_name = name.replace(" ", "_")
    return SeedRecord(
        "Group",
        QUEUE_IDS[name],
        {"Name": name, "DeveloperName": developer_name, "Type": "Queue"},
    )


DIRECTORY: tuple[SeedRecord, ...] = (
    SeedRecord(
        "User",
        INTEGRATION_USER_ID,
        {
            "Username": "integration@sandbox.example",
            "FirstName": "Sandbox",
            "LastName": "Integration",
            "Email": "integration@sandbox.example",
            "Alias": "integ",
        },
    ),
    SeedRecord(
        "User",
        AGENT_USER_ID,
        {
            "Username": "alex.agent@sandbox.example",
            "FirstName": "Alex",
            "LastName": "Agent",
            "Email": "alex.agent@sandbox.example",
            "Alias": "aagent",
        },
    ),
    *(_queue(name) for name in QUEUE_IDS),
)

CUSTOMERS: tuple[SeedRecord, ...] = (
    SeedRecord(
        "Account",
        ACME_ACCOUNT_ID,
        {
            "Name": "Acme Corp",
            "Phone": "+1 415 555 0100",
            "BillingCity": "San Francisco",
            "Status__c": "Active",
            "External_Id__c": "ACME-001",
        },
    ),
    SeedRecord(
        "Account",
        GLOBEX_ACCOUNT_ID,
        {
            "Name": "Globex",
            "Phone": "+1 217 555 0199",
            "BillingCity": "Springfield",
            "Status__c": "Active",
            "External_Id__c": "GLOBEX-001",
        },
    ),
    SeedRecord(
        "Contact",
        ACME_CONTACT_ID,
        {
            "FirstName": "Jane",
            "LastName": "Doe",
            "Email": "jane.doe@acme.example",
            "Phone": "+1 415 555 0101",
            "AccountId": ACME_ACCOUNT_ID,
            "External_Id__c": "ACME-C-001",
        },
    ),
    SeedRecord(
        "Contact",
        GLOBEX_CONTACT_ID,
        {
            "FirstName": "Hank",
            "LastName": "Scorpio",
            "Email": "hank.scorpio@globex.example",
            "Phone": "+1 217 555 0198",
            "AccountId": GLOBEX_ACCOUNT_ID,
            "External_Id__c": "GLOBEX-C-001",
        },
    ),
    SeedRecord(
        "User",
        GLOBEX_PORTAL_USER_ID,
        {
            "Username": "hank.scorpio@globex.example.portal",
            "FirstName": "Hank",
            "LastName": "Scorpio",
            "Email": "hank.scorpio@globex.example",
            "Alias": "hscorpio",
            "UserType": "PowerCustomerSuccess",
            "ContactId": GLOBEX_CONTACT_ID,
            "AccountId": GLOBEX_ACCOUNT_ID,
        },
    ),
    SeedRecord(
        "Case",
        ACME_CASE_ID,
        {
            "Subject": "Order arrived damaged",
            "Description": "The customer reports the package arrived crushed.",
            "Status": "New",
            "Priority": "Medium",
            "Origin": "Phone",
            "Reason": "Return",
            "AccountId": ACME_ACCOUNT_ID,
            "ContactId": ACME_CONTACT_ID,
            "OwnerId": AGENT_USER_ID,
        },
    ),
)
