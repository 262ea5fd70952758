"""Conditional requests on sObject Rows, as Salesforce's REST API documents them.

A client that read a record can make its next request depend on the record being as it
read it: that is how a compensating write avoids overwriting a change someone made since
(Salesforce answers 412 and changes nothing). What Salesforce documents, and so what this
models, on ``/sobjects/{Object}/{id}``:

- ``ETag``: only Account rows have one: a hash of the saved record, sent with a GET and a
  PATCH of an Account.
- ``If-Match`` / ``If-None-Match``: lists of ETags (or ``*``); "This only has an effect when
  used with Account objects", so other objects ignore them. ``If-Match`` compares strongly
  (a ``W/`` tag never matches), ``If-None-Match`` weakly, as HTTP says.
- ``If-Unmodified-Since``: any object; fails when ``LastModifiedDate`` is later. An HTTP date
  has whole seconds, so the comparison drops the milliseconds: two saves within one second
  look alike (Salesforce calls this weak validation).
- ``If-Modified-Since``: GET only; 304 when ``LastModifiedDate`` is not later.

They are evaluated in HTTP's order (RFC 9110 section 13.2.2): ``If-Match``, else
``If-Unmodified-Since`` (412 if false); then ``If-None-Match`` (304 on a GET, 412 otherwise),
else ``If-Modified-Since`` on a GET (304). Salesforce answers 400 for an unreadable
``If-Match``, ``If-None-Match`` or ``If-Unmodified-Since`` on a write; on a GET HTTP says to
ignore an unreadable one, and so does the sandbox. A missing or deleted record is 404 before
any precondition is looked at.

Salesforce documents the status codes, not the bodies: ``PRECONDITION_FAILED`` and
``INVALID_HEADER_VALUE`` are the sandbox's choice. Its overview also says "DELETE requests
aren't supported" while the DELETE reference lists these headers; the sandbox honours them on
DELETE, so a conditional delete may behave differently on a real org.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from guardrail.sandbox.api import ApiRequest, ApiResponse
from guardrail.sandbox.errors import ApiError
from guardrail.sandbox.store import Row

ETAG_OBJECTS = frozenset({"Account"})

_ENTITY_TAG = r'(W/)?"([^"]*)"'
_ENTITY_TAGS = re.compile(rf"\s*{_ENTITY_TAG}\s*(?:,\s*{_ENTITY_TAG}\s*)*")


@dataclass(frozen=True, slots=True)
class _Tags:
    """A parsed ``If-Match`` / ``If-None-Match``: ``*`` or (weak, opaque-tag) pairs."""

    any: bool
    tags: tuple[tuple[bool, str], ...] = ()

    def match(self, current: str, *, weak: bool) -> bool:
        if self.any:
            return True  # only live records get here, and every one has a representation
        return any(tag == current and (weak or not is_weak) for is_weak, tag in self.tags)


def validators(sobject: str, row: Row) -> dict[str, str]:
    """The response headers a client can make its next request conditional on (the ETag,
    for the objects Salesforce gives one)."""
    return {"ETag": etag(row)} if sobject in ETAG_OBJECTS else {}


def etag(row: Row) -> str:
    """A strong ETag for the record as saved: any change to any field changes it."""
    digest = hashlib.sha256(json.dumps(row, sort_keys=True).encode()).digest()
    return f'"{base64.b64encode(digest).decode()}"'


def enforce(sobject: str, row: Row, request: ApiRequest) -> ApiResponse | None:
    """Hold ``request`` to its preconditions on ``row``, the record it names.

    Raises ``ApiError`` 412 ``PRECONDITION_FAILED`` when one fails, or 400 for an unreadable
    header on a write; returns the 304 to answer instead when a GET's copy is current, and
    None when the request should go ahead (always None or a raise for a write).
    """
    read = request.method == "GET"
    headers = request.headers
    tagged = sobject in ETAG_OBJECTS
    if_match = _tags(headers, "If-Match", strict=not read) if tagged else None
    if_none_match = _tags(headers, "If-None-Match", strict=not read) if tagged else None
    unmodified_since = _date(headers, "If-Unmodified-Since", strict=not read)
    modified_since = _date(headers, "If-Modified-Since", strict=False) if read else None
    current = etag(row)[1:-1] if tagged else ""
    modified = datetime.fromisoformat(row["LastModifiedDate"]).replace(microsecond=0)

    if if_match is not None:
        if not if_match.match(current, weak=False):
            raise _failed("The record's ETag matches none of the ETags in If-Match")
    elif unmodified_since is not None and modified > unmodified_since:
        raise _failed(
            f"The record was modified at {row['LastModifiedDate']}, after the "
            f"If-Unmodified-Since date {headers['If-Unmodified-Since']}"
        )
    if if_none_match is not None:
        if if_none_match.match(current, weak=True):
            if read:
                return ApiResponse(304, None, validators(sobject, row))
            raise _failed("The record's ETag matches an ETag in If-None-Match")
    elif modified_since is not None and modified <= modified_since:
        return ApiResponse(304, None, validators(sobject, row))
    return None


def _tags(headers: Mapping[str, str], name: str, *, strict: bool) -> _Tags | None:
    text = headers.get(name)
    if text is None:
        return None
    if text.strip() == "*":
        return _Tags(any=True)
    if _ENTITY_TAGS.fullmatch(text) is None:
        if strict:
            raise _invalid(name, text)
        return None
    tags = tuple((bool(weak), tag) for weak, tag in re.findall(_ENTITY_TAG, text))
    return _Tags(any=False, tags=tags)


def _date(headers: Mapping[str, str], name: str, *, strict: bool) -> datetime | None:
    """An HTTP date (``Mon, 05 Jan 2026 09:00:00 GMT``, or another zone); an ISO 8601 value
    such as a ``LastModifiedDate`` is not one."""
    text = headers.get(name)
    if text is None:
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        if strict:
            raise _invalid(name, text) from None
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _invalid(name: str, text: str) -> ApiError:
    return ApiError(400, "INVALID_HEADER_VALUE", f"Invalid value for the {name} header: {text}")


def _failed(message: str) -> ApiError:
    return ApiError(412, "PRECONDITION_FAILED", message)
