"""A subset of Zendesk's search syntax: ``type:ticket status:open requester_id:40002 words``.

``type:`` picks ticket, user, organization or group (all when absent); every other
``key:value`` must equal the record's field (``status:open``, ``organization_id:30001``,
``email:ada@acme.example``, a user's secondary emails too); other words must appear in the
record's name, subject or description, any case.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from typing import Any

from guardrail.sandbox.zendesk.store import Row, ZendeskStore

KINDS = ("ticket", "user", "organization", "group")
_TEXT = ("name", "subject", "description", "email")


def run(store: ZendeskStore, query: str) -> Iterator[tuple[str, Row]]:
    try:
        terms = shlex.split(query)
    except ValueError:
        terms = query.split()
    kinds: tuple[str, ...] = KINDS
    filters: dict[str, str] = {}
    words: list[str] = []
    for term in terms:
        key, sep, value = term.partition(":")
        if sep and key == "type":
            kinds = (value,) if value in KINDS else ()
        elif sep and key:
            filters[key] = value
        else:
            words.append(term.lower())
    for kind in kinds:
        for row in store.records(kind):
            emails = store.emails(row["id"]) if kind == "user" else [row.get("email")]
            if _matches(row, emails, filters, words):
                yield kind, row


def _matches(row: Row, emails: list[Any], filters: dict[str, str], words: list[str]) -> bool:
    """Whether ``row`` meets every filter (``email:`` any of its ``emails``) and word."""
    for key, value in filters.items():
        saved = emails if key == "email" else [row[key]] if key in row else []
        if not any(_text(v).lower() == value.lower() for v in saved):
            return False
    haystack = " ".join(_text(row.get(k)) for k in _TEXT).lower()
    return all(w in haystack for w in words)


def _text(value: Any) -> str:
    return "" if value is None else str(value)
