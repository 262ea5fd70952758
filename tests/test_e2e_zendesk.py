"""End to end: zenpy, unchanged, over TLS with a test CA, through the proxy, to the Zendesk
sandbox. zenpy builds its URL as https://{subdomain}.{domain}; a requests transport pinned to
the proxy's address keeps that host name for SNI and the certificate, so nothing on the machine
is configured. What the agent sees, and what the CRM ends up holding."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from zenpy import Zenpy
from zenpy.lib.api_objects import Comment, CustomField, Ticket
from zenpy.lib.exception import APIException

from guardrail.sandbox.zendesk import ZENDESK_STORE, ZendeskConfig, create_app
from guardrail.sandbox.zendesk.fields import CONTACT_REASON_FIELD
from guardrail.sandbox.zendesk.seed import (
    ACME_ORG,
    ACME_USER,
    AGENT_EMAIL,
    BILLING_GROUP,
    GLOBEX_TICKET,
    GLOBEX_USER,
    TECHNICAL_GROUP,
)
from guardrail.testing import Stack

PACK = Path(__file__).parent.parent / "policies" / "zendesk-contact-center"
HOST = "acme.zendesk.test"
CONVERSATION = "conv-zendesk-e2e"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("zendesk")
    with Stack(
        directory,
        auth_mode="passthrough",
        crm=lambda: create_app(ZendeskConfig()),
        hostnames=[HOST],
        dialect="zendesk",
        policies=PACK,
    ) as running:
        answer = httpx.put(
            f"{running.admin_url}/guardrail/v1/conversations/{CONVERSATION}",
            json={
                "channel": "chat",
                "customer": {
                    "account_ids": [str(ACME_ORG)],
                    "contact_ids": [str(ACME_USER)],
                    "verified": True,
                },
                "turns": [
                    {"role": "customer", "text": "Hi, I was charged twice on my last invoice."},
                    {"role": "agent", "text": "Sorry about that, let me open a ticket."},
                ],
            },
            timeout=10,
        )
        answer.raise_for_status()
        yield running


@pytest.fixture
def zenpy(stack: Stack) -> Zenpy:
    return stack.zendesk(
        conversation=CONVERSATION, agent="agent-zendesk-e2e", email=AGENT_EMAIL,
        token="sandbox-api-token",
    )  # fmt: skip


def tickets(stack: Stack) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        store = stack.crm_app[ZENDESK_STORE]
        return sorted(store.records("ticket") + store.records("comment"), key=lambda r: r["id"])

    return stack.call(read)


def billing_ticket(**changes: Any) -> Ticket:
    values: dict[str, Any] = {
        "subject": "Charged twice",
        "requester_id": ACME_USER,
        "group_id": BILLING_GROUP,
        "comment": Comment(body="Customer reports a double charge.", public=False),
        "custom_fields": [CustomField(id=CONTACT_REASON_FIELD, value="billing")],
    }
    return Ticket(**{**values, **changes})


def test_valid_writes_land_in_zendesk(stack: Stack, zenpy: Zenpy) -> None:
    seen: list[str] = []
    zenpy.tickets.session.hooks["response"].append(
        lambda r, *a, **k: seen.append(r.headers.get("X-Guardrail-Decision", "-"))
    )
    audit = zenpy.tickets.create(billing_ticket())
    ticket_id = audit.ticket.id
    saved = zenpy.tickets(id=ticket_id)
    assert (saved.organization_id, saved.group_id) == (ACME_ORG, BILLING_GROUP)

    saved.status = "pending"
    saved.comment = Comment(body="Refund requested for the double charge.", public=False)
    zenpy.tickets.update(saved)
    assert zenpy.tickets(id=ticket_id).status == "pending"
    comments = [c.body for c in zenpy.tickets.comments(ticket=ticket_id)]
    assert comments[-1] == "Refund requested for the double charge."
    assert seen.count("allow") == 2  # the create and the update, judged and forwarded


@pytest.mark.parametrize(
    ("ticket", "rule"),
    [
        pytest.param(
            billing_ticket(custom_fields=[CustomField(id=CONTACT_REASON_FIELD, value="urgent!")]),
            "ticket-fields/ParameterValidation.enum",
            id="bad-custom-field-value",
        ),
        pytest.param(
            billing_ticket(priorty="high"),
            "ticket-fields/ParameterValidation.additionalProperties",
            id="unknown-field",
        ),
        pytest.param(
            billing_ticket(requester_id=GLOBEX_USER),
            "grounded-references/RequesterGrounded",
            id="another-customers-requester",
        ),
        pytest.param(
            billing_ticket(
                comment=Comment(body="Card on file 4111 1111 1111 1111 charged.", public=False)
            ),
            "notes-no-sensitive-data/NoCardOrSsnInNotes",
            id="private-note-with-a-card-number",
        ),
        pytest.param(
            billing_ticket(group_id=TECHNICAL_GROUP),
            "ticket-group-routing/GroupMatchesReason",
            id="wrong-group",
        ),
    ],
)
def test_a_bad_write_is_refused_with_zendesks_error_and_nothing_changes(
    stack: Stack, zenpy: Zenpy, ticket: Ticket, rule: str
) -> None:
    before = tickets(stack)
    with pytest.raises(APIException) as raised:
        zenpy.tickets.create(ticket)
    response = raised.value.response
    assert response.status_code == 422
    assert response.headers["X-Guardrail-Decision"] == "block"
    body = json.loads(str(raised.value))
    assert (body["error"], body["description"]) == ("RecordInvalid", "Record validation errors")
    descriptions = [d["description"] for ds in body["details"].values() for d in ds]
    assert any(rule in d for d in descriptions), descriptions
    assert tickets(stack) == before


def test_changing_a_ticket_never_read_is_refused(stack: Stack, zenpy: Zenpy) -> None:
    before = tickets(stack)
    with pytest.raises(APIException) as raised:
        zenpy.tickets.update(Ticket(id=GLOBEX_TICKET, status="solved"))
    assert "RecordGrounded" in str(raised.value)
    assert tickets(stack) == before
