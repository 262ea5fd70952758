"""The Composite resource (``/composite``): up to 25 subrequests in one call.

Subrequests run in order through the same router as top-level calls (in-process, as
Salesforce runs them). A later subrequest may use an earlier one's result through
``@{referenceId.field}`` (``.name`` and ``[index]`` steps) in its URL or body. With
``allOrNone`` the first failure rolls back everything and every other subrequest reports
``PROCESSING_HALTED``; without it, only the subrequests that reference a failed one do.

A subrequest's ``httpHeaders`` (a JSON object of strings) are its request headers, so a
conditional read or write (``If-Unmodified-Since``, ``If-Match``...) is answered per
subrequest: a 412 is that subrequest's failure, a 304 a success with no body. Nothing is
inherited from the composite request but ``Accept``, ``Authorization`` and ``Content-Type``,
which a subrequest may not set: Salesforce then fails the whole request with a 400.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from multidict import CIMultiDict, CIMultiDictProxy

from guardrail.sandbox.api import ApiRequest, ApiResponse, Context, split_versioned
from guardrail.sandbox.errors import ApiError, json_parser_error, not_found
from guardrail.sandbox.values import parse_body

MAX_SUBREQUESTS = 25
_METHODS = frozenset({"GET", "POST", "PATCH", "PUT", "DELETE"})
_REFERENCE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_REFERENCE = re.compile(r"@\{(?P<ref>[A-Za-z][A-Za-z0-9_]*)(?P<path>(?:\.\w+|\[\d+\])*)\}")
_STEP = re.compile(r"\.(\w+)|\[(\d+)\]")
_INHERITED_HEADERS = ("Accept", "Authorization", "Content-Type")
_ROLLED_BACK = (
    "The transaction was rolled back since another operation in the same transaction failed."
)

Params = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class _Subrequest:
    method: str
    url: str
    reference_id: str
    body: Any
    has_body: bool
    headers: CIMultiDictProxy[str]


class _BadReference(Exception):
    """A ``@{...}`` naming no earlier successful result, or a value it does not have."""

    def __init__(self, expression: str, reference_id: str) -> None:
        super().__init__(
            f"Invalid reference specified. No value for {expression} found in {reference_id}. "
            f"Provided referenceId ('{reference_id}') is either invalid or the referenced "
            "subrequest failed."
        )


def composite(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    all_or_none, subrequests = _read(parse_body(request.body))
    inner = ctx.forcing_all_or_none() if all_or_none else ctx
    results: dict[str, Any] = {}
    entries: list[dict[str, Any]] = []
    with ctx.store.transaction() as tx:
        for sub in subrequests:
            response = _run(inner, sub, results)
            entries.append(_entry(sub.reference_id, response))
            if response.status < 400:
                results[sub.reference_id] = response.body
            if response.failed and all_or_none:
                tx.rollback()
                failed = len(entries) - 1
                entries = [
                    entries[i] if i == failed else _entry(s.reference_id, _halted(_ROLLED_BACK))
                    for i, s in enumerate(subrequests)
                ]
                break
    return ApiResponse(200, {"compositeResponse": entries})


def _read(body: Any) -> tuple[bool, list[_Subrequest]]:
    """allOrNone and the subrequests, or the error that fails the whole request."""
    items = body.get("compositeRequest") if isinstance(body, dict) else None
    all_or_none = body.get("allOrNone", False) if isinstance(body, dict) else None
    if not isinstance(items, list) or not items or not isinstance(all_or_none, bool):
        raise json_parser_error(
            'Expected {"allOrNone": boolean, "compositeRequest": [subrequest, ...]}'
        )
    if len(items) > MAX_SUBREQUESTS:
        raise ApiError(
            400,
            "LIMIT_EXCEEDED",
            f"A composite request may have at most {MAX_SUBREQUESTS} subrequests",
        )
    subrequests = [_subrequest(item) for item in items]
    seen: set[str] = set()
    for sub in subrequests:
        if sub.reference_id in seen:
            raise json_parser_error(f"Duplicate referenceId provided: {sub.reference_id}")
        seen.add(sub.reference_id)
    return all_or_none, subrequests


def _subrequest(item: Any) -> _Subrequest:
    if not isinstance(item, dict):
        raise json_parser_error("Each subrequest must be a JSON object")
    method, url, ref = (item.get(k) for k in ("method", "url", "referenceId"))
    if method not in _METHODS:
        raise json_parser_error(
            f"Invalid method {method!r}; use one of GET, POST, PATCH, PUT, DELETE"
        )
    if not isinstance(url, str):
        raise json_parser_error("Each subrequest needs a url")
    if not isinstance(ref, str) or not _REFERENCE_ID.match(ref):
        raise json_parser_error(
            f"Invalid referenceId {ref!r}: it must start with a letter and hold only "
            "letters, digits and underscores"
        )
    headers = _http_headers(item.get("httpHeaders"))
    return _Subrequest(method, url, ref, item.get("body"), "body" in item, headers)


def _http_headers(raw: Any) -> CIMultiDictProxy[str]:
    """A subrequest's ``httpHeaders``, looked up case-insensitively as HTTP headers are."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise json_parser_error("httpHeaders must be a JSON object of header names to strings")
    headers = CIMultiDict(raw)
    for name in _INHERITED_HEADERS:
        if name in headers:
            raise json_parser_error(
                f"A subrequest can't set the {name} header: it inherits it from the "
                "composite request"
            )
    return CIMultiDictProxy(headers)


def _run(ctx: Context, sub: _Subrequest, results: Mapping[str, Any]) -> ApiResponse:
    try:
        url = _substitute(sub.url, results)
        body = _resolve(sub.body, results)
    except _BadReference as exc:
        return _halted(str(exc))
    parts = urlsplit(url)
    versioned = split_versioned(parts.path)
    if versioned is None or versioned[1].rstrip("/") == "/composite":
        return ApiResponse.error(not_found())
    version, path = versioned
    request = ApiRequest(
        sub.method,
        path,
        dict(parse_qsl(parts.query)),
        json.dumps(body).encode() if sub.has_body else b"",
        sub.headers,
    )
    return ctx.router.dispatch(replace(ctx, version=version), request)


def _resolve(value: Any, results: Mapping[str, Any]) -> Any:
    """``value`` with its references replaced; a string that is one reference takes the
    referenced value's JSON type (a number stays a number)."""
    if isinstance(value, str):
        whole = _REFERENCE.fullmatch(value)
        return _lookup(whole, results) if whole else _substitute(value, results)
    if isinstance(value, list):
        return [_resolve(v, results) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, results) for k, v in value.items()}
    return value


def _substitute(text: str, results: Mapping[str, Any]) -> str:
    def text_of(match: re.Match[str]) -> str:
        found = _lookup(match, results)
        return found if isinstance(found, str) else json.dumps(found)

    return _REFERENCE.sub(text_of, text)


def _lookup(match: re.Match[str], results: Mapping[str, Any]) -> Any:
    expression, reference_id = match[0][2:-1], match["ref"]
    if reference_id not in results:
        raise _BadReference(expression, reference_id)
    value = results[reference_id]
    for name, index in _STEP.findall(match["path"]):
        if name and isinstance(value, dict) and name in value:
            value = value[name]
        elif index and isinstance(value, list) and int(index) < len(value):
            value = value[int(index)]
        else:
            raise _BadReference(expression, reference_id)
    return value


def _entry(reference_id: str, response: ApiResponse) -> dict[str, Any]:
    return {
        "body": response.body,
        "httpHeaders": dict(response.headers),
        "httpStatusCode": response.status,
        "referenceId": reference_id,
    }


def _halted(message: str) -> ApiResponse:
    return ApiResponse(400, [{"errorCode": "PROCESSING_HALTED", "message": message}])
