"""Zendesk's error bodies, one exception for all of them.

Zendesk answers a refused write with 422 ``{"error": "RecordInvalid", "description": "Record
validation errors", "details": {field: [{"description", "error"}]}}``, a missing record with
404 ``{"error": "RecordNotFound", "description": "Not found"}``, a bad credential with 401
``{"error": "Couldn't authenticate you"}``. zenpy reads ``error`` to pick its exception, so
the bodies must be exactly these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Details = Mapping[str, Sequence[Mapping[str, Any]]]


class ZendeskError(Exception):
    """An error response: HTTP status and the JSON body Zendesk sends with it."""

    def __init__(self, status: int, body: Mapping[str, Any]) -> None:
        super().__init__(f"{status}: {body.get('error')}")
        self.status = status
        self.body = dict(body)


def record_invalid(details: Details) -> ZendeskError:
    return ZendeskError(
        422,
        {
            "error": "RecordInvalid",
            "description": "Record validation errors",
            "details": {k: list(v) for k, v in details.items()},
        },
    )


def invalid(field: str, description: str, error: str = "InvalidValue") -> ZendeskError:
    """A 422 about one field, as Zendesk words it (``"Requester: is invalid"``)."""
    return record_invalid({field: [{"description": description, "error": error}]})


def not_found() -> ZendeskError:
    return ZendeskError(404, {"error": "RecordNotFound", "description": "Not found"})


def invalid_endpoint() -> ZendeskError:
    return ZendeskError(404, {"error": "InvalidEndpoint", "description": "Not found"})


def unauthorized() -> ZendeskError:
    return ZendeskError(401, {"error": "Couldn't authenticate you"})


def bad_request(description: str) -> ZendeskError:
    """A body Zendesk cannot read (not JSON, not the object it expects)."""
    return ZendeskError(400, {"error": "InvalidRequest", "description": description})
