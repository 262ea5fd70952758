"""A Zendesk id names a record of one resource: ticket 40002, user 40002 and organization
40002 are three records (each resource is numbered on its own; Zendesk documents no id shared
across them). The conversation's records and the customer's ids are keyed by the resource and
the id (``Dialect.record_key(object, id)``; an account id is an organization's, a contact id a
user's), so the verified customer's user or organization id grounds no ticket of that number,
and another customer's ticket so numbered is not judged theirs: updating or deleting it unread
is blocked (RecordGrounded), as it was not before. The customer's own ticket, user and
organization are grounded and owned as before."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from guardrail.context.facts import Facts
from guardrail.context.model import Conversation, Customer, ReadRecord
from guardrail.crm.base import DialectOptions, dialect_for
from guardrail.sandbox.zendesk import ZENDESK_STORE
from guardrail.sandbox.zendesk.seed import (
    ACME_ORG,
    ACME_TICKET,
    ACME_USER,
    GLOBEX_ORG,
    GLOBEX_USER,
)
from guardrail.testing import Stack
from tests.helpers import ZendeskAgent

ZENDESK = dialect_for("zendesk", DialectOptions())


def _ticket(stack: Stack, number: int, requester: int, organization: int) -> None:
    """A ticket numbered ``number`` of the requester's, in the sandbox (unless one is)."""

    async def seed() -> None:
        store = stack.crm_app[ZENDESK_STORE]
        if store.get("ticket", number) is None:
            store._seeded("ticket", {"id": number, "subject": "An invoice",
                                     "requester_id": requester, "organization_id": organization,
                                     "comment": {"body": "Charged twice."}}, store.create_ticket)  # fmt: skip

    stack.call(seed)


def _acme(stack: Stack, reads: tuple[str, ...] = ()) -> ZendeskAgent:
    return ZendeskAgent(stack, {"account_ids": [str(ACME_ORG)],
                                "contact_ids": [str(ACME_USER)]}, reads)  # fmt: skip


@pytest.mark.parametrize("number", [ACME_USER, ACME_ORG])
def test_another_customers_ticket_numbered_as_the_customer_is_not_theirs(
    zendesk_stack: Stack, number: int
) -> None:
    _ticket(zendesk_stack, number, GLOBEX_USER, GLOBEX_ORG)
    agent = _acme(zendesk_stack)
    answer = agent.write("PUT", f"/api/v2/tickets/{number}.json", {"ticket": {"tags": ["x"]}})
    assert answer.status_code == 422, answer.text  # Zendesk's RecordInvalid: a block
    assert answer.headers["X-Guardrail-Decision"] == "block"
    assert "grounded-references/RecordGrounded" in answer.text
    gone = agent.client.delete(f"/api/v2/tickets/{number}.json")
    assert gone.status_code == 422, gone.text
    assert gone.headers["X-Guardrail-Decision"] == "block"

    async def ticket() -> object:
        return zendesk_stack.crm_app[ZENDESK_STORE].get("ticket", number)

    kept = zendesk_stack.call(ticket)
    assert kept is not None
    assert "x" not in kept["tags"]  # type: ignore[index]


def test_the_customers_own_ticket_user_and_organization_are_still_theirs(
    zendesk_stack: Stack,
) -> None:
    """Their user and organization, unread (the platform's ids ground them); their ticket as
    read (its requester is theirs), also one numbered as another customer's user."""
    _ticket(zendesk_stack, GLOBEX_USER, ACME_USER, ACME_ORG)
    agent = _acme(zendesk_stack, (f"/api/v2/tickets/{ACME_TICKET}.json",
                                  f"/api/v2/tickets/{GLOBEX_USER}.json"))  # fmt: skip
    for path, body in (
        (f"/api/v2/tickets/{ACME_TICKET}.json", {"ticket": {"priority": "high"}}),
        (f"/api/v2/tickets/{GLOBEX_USER}.json", {"ticket": {"priority": "high"}}),
        (f"/api/v2/users/{ACME_USER}.json", {"user": {"notes": "Prefers email."}}),
        (f"/api/v2/organizations/{ACME_ORG}.json", {"organization": {"notes": "Prefers email."}}),
    ):
        answer = agent.write("PUT", path, body)
        assert answer.status_code == 200, (path, answer.text)
        assert answer.headers["X-Guardrail-Decision"] == "allow", path


def test_the_customers_ids_name_their_organization_and_user_only() -> None:
    now = datetime.now(UTC)
    conversation = Conversation(
        id="c",
        customer=Customer(account_ids=["30001"], contact_ids=["40002"], verified=True),
        reads=[ReadRecord(object="ticket", id="7", fields={"requester_id": 40002}, at=now)],
        created_at=now,
        updated_at=now,
    )
    facts = Facts(conversation, record_key=ZENDESK.record_key,
                  customer_objects=ZENDESK.customer_objects)  # fmt: skip
    theirs = {("organization", "30001"), ("user", "40002")}
    for obj in ("ticket", "user", "organization"):
        for number in ("30001", "40002"):
            assert facts.customers(obj, number) is ((obj, number) in theirs), (obj, number)
            assert facts.grounded(obj, number) is ((obj, number) in theirs), (obj, number)
    assert facts.grounded("ticket", "7")  # read
    assert not facts.grounded("user", "7")
    assert facts.records.known_field("ticket", "7", "requester_id") == 40002
    assert facts.records.known_field("user", "7", "requester_id") is None
