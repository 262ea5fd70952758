"""Helpers for the dialect tests: a request read the way the proxy reads it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from multidict import CIMultiDict

from guardrail.crm.base import Dialect, ParsedRequest, RawRequest
from guardrail.sandbox.zendesk.seed import ACME_ORG, ACME_TICKET, ACME_USER
from guardrail.testing import Stack
from tests.helpers import ZendeskAgent

#: One plain write per dialect: its method, target and JSON body.
WRITES = {
    "salesforce": ("PATCH", "/services/data/v59.0/sobjects/Case/500000000000001AAA",
                   {"Subject": "x"}),
    "zendesk": ("PUT", "/api/v2/tickets/7.json", {"ticket": {"status": "open"}}),
    "servicenow": ("PATCH", "/api/now/table/incident/0123456789abcdef0123456789abcdef",
                   {"state": "2"}),
}  # fmt: skip


def read(
    dialect: Dialect,
    method: str,
    target: str,
    body: bytes = b"",
    content_type: str = "application/json",
    headers: Mapping[str, str] | None = None,
) -> ParsedRequest:
    """``method target`` with ``body`` through ``canonical`` then ``parse``, as the proxy does."""
    sent = CIMultiDict(headers or {})
    if content_type:
        sent.setdefault("Content-Type", content_type)
    return dialect.parse(dialect.canonical(RawRequest(method, target, sent, body)))


def zendesk_ticket_writes(
    fields: dict[str, Any], new: dict[str, Any]
) -> list[tuple[str, str, dict[str, Any]]]:
    """Every way a Zendesk ticket write carries ``fields``: a create (the ticket ``new``), an
    update of ACME_TICKET, update_many both ways, create_many."""
    return [
        ("POST", "/api/v2/tickets.json", {"ticket": new}),
        ("PUT", f"/api/v2/tickets/{ACME_TICKET}.json", {"ticket": fields}),
        ("PUT", f"/api/v2/tickets/update_many.json?ids={ACME_TICKET}", {"ticket": fields}),
        ("PUT", "/api/v2/tickets/update_many.json", {"tickets": [{"id": ACME_TICKET, **fields}]}),
        ("POST", "/api/v2/tickets/create_many.json", {"tickets": [new]}),
    ]


def read_json(dialect: Dialect, method: str, target: str, body: Any) -> ParsedRequest:
    """``read`` of ``body`` sent as JSON."""
    return read(dialect, method, target, json.dumps(body).encode())


def refused_through_the_proxy(stack: Stack, ticket: dict[str, Any], says: str) -> None:
    """An update of ACME_TICKET setting ``ticket``, by the customer's agent having read it, is
    refused through the proxy (400 in Zendesk's format, ``says`` in its description) and the
    sandbox's tickets are as they were."""
    path = f"/api/v2/tickets/{ACME_TICKET}.json"
    agent = ZendeskAgent(stack, {"account_ids": [str(ACME_ORG)],
                                 "contact_ids": [str(ACME_USER)]}, reads=(path,))  # fmt: skip
    before = agent.records("ticket")
    answer = agent.write("PUT", path, {"ticket": ticket})
    assert answer.status_code == 400, answer.text
    assert says in answer.json()["description"], answer.text
    assert answer.headers["X-Guardrail-Decision"] == "block"
    assert agent.records("ticket") == before
