"""Helpers for the dialect tests: a request read the way the proxy reads it."""

from __future__ import annotations

from collections.abc import Mapping

from multidict import CIMultiDict

from guardrail.crm.base import ParsedRequest, RawRequest
from guardrail.crm.salesforce import SalesforceDialect


def read(
    dialect: SalesforceDialect,
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
