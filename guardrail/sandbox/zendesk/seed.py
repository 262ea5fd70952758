"""The sandbox's fixed records: groups for routing, the agent, and two sample customers.

Ids are fixed so the default pack, the tests and the demo can name them. Two customers
(Acme with Ada, Globex with Gus) so grounding has another customer's records to refuse.
"""

from __future__ import annotations

from typing import Any

SEED_TIMESTAMP = "2026-01-05T09:00:00Z"

# Groups: the routing targets (as the Salesforce sandbox's queues).
BILLING_GROUP = 20_001
TECHNICAL_GROUP = 20_002
RETURNS_GROUP = 20_003
RETENTION_GROUP = 20_004
ESCALATIONS_GROUP = 20_005
GROUPS = {
    BILLING_GROUP: "Billing",
    TECHNICAL_GROUP: "Technical Support",
    RETURNS_GROUP: "Returns",
    RETENTION_GROUP: "Retention",
    ESCALATIONS_GROUP: "Escalations",
}

ACME_ORG = 30_001
GLOBEX_ORG = 30_002
AGENT_USER = 40_001
AGENT_EMAIL = "agent@sandbox.example"
ACME_USER = 40_002  # Ada Lovelace, Acme's contact
GLOBEX_USER = 40_003  # Gus Grissom, Globex's contact
ACME_TICKET = 1
GLOBEX_TICKET = 2

ORGANIZATIONS: tuple[dict[str, Any], ...] = (
    {"id": ACME_ORG, "name": "Acme Corporation", "domain_names": ["acme.example"],
     "external_id": "ACME-1"},
    {"id": GLOBEX_ORG, "name": "Globex", "domain_names": ["globex.example"],
     "external_id": "GLOBEX-1"},
)  # fmt: skip

USERS: tuple[dict[str, Any], ...] = (
    {"id": AGENT_USER, "name": "Sandbox Agent", "email": AGENT_EMAIL, "role": "agent",
     "default_group_id": ESCALATIONS_GROUP},
    {"id": ACME_USER, "name": "Ada Lovelace", "email": "ada@acme.example", "role": "end-user",
     "organization_id": ACME_ORG, "phone": "+15550100"},
    {"id": GLOBEX_USER, "name": "Gus Grissom", "email": "gus@globex.example",
     "role": "end-user", "organization_id": GLOBEX_ORG, "phone": "+15550199"},
)  # fmt: skip

TICKETS: tuple[dict[str, Any], ...] = (
    {"id": ACME_TICKET, "subject": "Router keeps rebooting", "requester_id": ACME_USER,
     "organization_id": ACME_ORG, "status": "open", "priority": "normal",
     "comment": {"body": "My router reboots every hour since the update.", "public": True}},
    {"id": GLOBEX_TICKET, "subject": "Invoice charged twice", "requester_id": GLOBEX_USER,
     "organization_id": GLOBEX_ORG, "status": "new", "group_id": BILLING_GROUP,
     "comment": {"body": "I was charged twice for invoice INV-77.", "public": True}},
)  # fmt: skip
