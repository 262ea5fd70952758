"""Every reference a Zendesk ticket write may set is judged, whichever it is: each id field of
the shipped pack's ticket schema is either one naming a customer's record (a person, an
organization, a ticket), which must never name another customer's, read first or never read,
or one naming the account's own (a group, a brand, an agent). Through the real proxy with the
shipped pack to the sandbox: naming Globex's user, organization or ticket on Acme's ticket is
refused by a grounding rule and nothing changes. The fields come from the schema, so an id
field added to it without being judged fails here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from guardrail.sandbox.zendesk.seed import (
    ACME_ORG,
    ACME_TICKET,
    ACME_USER,
    GLOBEX_ORG,
    GLOBEX_USER,
)
from guardrail.testing import Stack
from tests.helpers import ZendeskAgent, zendesk_problem

SCHEMA = Path(__file__).parent.parent / "policies/zendesk-contact-center/schemas/ticket.json"
CUSTOMER = {"account_ids": [str(ACME_ORG)], "contact_ids": [str(ACME_USER)]}
#: Id fields naming a customer's record, by the kind of record.
CUSTOMERS = {"requester_id": "user", "submitter_id": "user", "comment.author_id": "user",
             "collaborator_ids": "user", "email_cc_ids": "user", "follower_ids": "user",
             "organization_id": "organization", "problem_id": "ticket"}  # fmt: skip
#: Id fields naming the account's own records (Zendesk refuses an end user as assignee).
ACCOUNTS = {"group_id", "brand_id", "assignee_id"}


def id_fields() -> set[str]:
    properties = json.loads(SCHEMA.read_text())["properties"]
    return {
        name for name, prop in properties.items()
        if "pattern" in prop.get("items", prop) and "[1-9]" in prop.get("items", prop)["pattern"]
    }  # fmt: skip


def test_every_id_field_of_the_ticket_schema_is_judged_as_a_customers_or_the_accounts() -> None:
    assert id_fields() == set(CUSTOMERS) | ACCOUNTS


@pytest.fixture(scope="module")
def globex(zendesk_stack: Stack) -> dict[str, int]:
    """Globex's user, organization and a problem ticket of theirs."""
    problem = zendesk_problem(zendesk_stack, GLOBEX_USER)
    return {"user": GLOBEX_USER, "organization": GLOBEX_ORG, "ticket": problem}


def write(field: str, other: int) -> tuple[str, str, dict[str, Any]]:
    comment: dict[str, Any] = {"body": "Looping in the right people.", "public": False}
    ticket = f"/api/v2/tickets/{ACME_TICKET}.json"
    if field == "submitter_id":  # set on create only
        new = {"requester_id": ACME_USER, "submitter_id": other, "comment": comment}
        return "POST", "/api/v2/tickets.json", {"ticket": new}
    if field == "comment.author_id":
        return "PUT", ticket, {"ticket": {"comment": {**comment, "author_id": other}}}
    if field.endswith("_ids"):
        return "PUT", ticket, {"ticket": {field: [other], "comment": comment}}
    extra = {"type": "incident"} if field == "problem_id" else {}
    return "PUT", ticket, {"ticket": {field: other, **extra}}


@pytest.mark.parametrize("read_first", [False, True], ids=["never-read", "read-first"])
@pytest.mark.parametrize("field", sorted(CUSTOMERS))
def test_another_customers_record_is_named_in_no_reference_of_a_ticket(
    zendesk_stack: Stack, globex: dict[str, int], field: str, read_first: bool
) -> None:
    kind = CUSTOMERS[field]
    other = globex[kind]
    reads = [f"/api/v2/tickets/{ACME_TICKET}.json"]
    if read_first:
        reads.append(f"/api/v2/{kind}s/{other}.json")
    agent = ZendeskAgent(zendesk_stack, CUSTOMER, reads=tuple(reads))
    before = (agent.records("ticket"), agent.records("comment"))
    answer = agent.write(*write(field, other))
    assert answer.status_code == 422, answer.text
    assert "grounded-references/" in answer.text or "ticket-people-grounded/" in answer.text
    assert "could not be evaluated" not in answer.text
    assert (agent.records("ticket"), agent.records("comment")) == before
