"""Helpers for the dialect tests: a request read the way the proxy reads it."""

from __future__ import annotations

from collections.abc import Mapping

from multidict import CIMultiDict

from guardrail.crm.base import Dialect, ParsedRequest, RawRequest

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
