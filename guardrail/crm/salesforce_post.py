"""Salesforce's side of post-guardrails: reading a write back, and undoing it.

A single-record write with read-back becomes one ``/composite`` call (allOrNone false, so a
missing pre-image cannot fail the write): read the pre-image when one is needed, make the write
exactly as the agent sent it, read the saved record, and answer the agent as the original
endpoint would have. Collections and composites are forwarded as sent and read back in one
``GET /composite/sobjects`` per object type.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote, unquote

from guardrail.checks.compare import instant
from guardrail.crm import sfid
from guardrail.crm.base import (
    CanonicalRequest,
    Outbound,
    Record,
    Reply,
    Revert,
    Written,
    json_reply,
)
from guardrail.crm.canonical import json_or_none
from guardrail.model import Operation, WriteIntent

_VERSION = re.compile(r"^(/services/data/v\d+\.\d+)/", re.IGNORECASE)
_JSON = "application/json;charset=UTF-8"
_JSON_BODY = {"Content-Type": "application/json"}
BEFORE, WRITE, AFTER = "guardrailBefore", "guardrailWrite", "guardrailAfter"


def api_base(path: str) -> str:
    """``/services/data/vNN.N`` of a request path (the version the agent uses)."""
    match = _VERSION.match(path)
    return match.group(1) if match else "/services/data/v59.0"


def _select(fields: Iterable[str] | None) -> str:
    """The query of a read: the named fields, or every field (None)."""
    if fields is None:
        return ""
    return "fields=" + ",".join(sorted({*fields, "Id", "LastModifiedDate"}))


#: The conditional headers Salesforce evaluates on an sObject row (guardrail.sandbox.conditional).
CONDITIONS = ("If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since")


def write_and_read(
    intent: WriteIntent, request: CanonicalRequest, fields: Iterable[str] | None, before: bool
) -> Outbound | None:
    """The composite that reads the pre-image, makes the write (with the behaviour headers
    and conditions it was sent with: a subrequest inherits none of the composite's headers
    but Accept, Authorization and Content-Type, and takes any other in its ``httpHeaders``,
    so assignment and duplicate rules run as the write asked) and reads the saved
    record; None for a write holding ``@{`` (in its body or target), which the composite
    would fill in as a reference (``@{guardrailBefore.Id}``: the pre-image's value, not the
    text judged): it is sent as it is and read back after."""
    method, target, body = request.method, request.target, request.body
    sent = json.loads(body) if body else None
    if "@{" in json.dumps(sent) or "@{" in unquote(target):
        return None
    base = api_base(target)
    select = _select(fields)
    query = f"?{select}" if select else ""
    rows = f"{base}/sobjects/{intent.object}"
    key = _record_path(intent)
    subrequests: list[dict[str, Any]] = []
    if before and key is not None:
        subrequests.append({"method": "GET", "url": f"{rows}/{key}{query}", "referenceId": BEFORE})
    write: dict[str, Any] = {"method": method, "url": target, "referenceId": WRITE}
    if request.headers or request.conditions:
        write["httpHeaders"] = {**request.headers, **request.conditions}
    if body:
        write["body"] = sent
    subrequests.append(write)
    saved = intent.record_id if intent.operation is Operation.UPDATE else f"@{{{WRITE}.id}}"
    subrequests.append({"method": "GET", "url": f"{rows}/{saved}{query}", "referenceId": AFTER})
    payload = {"allOrNone": False, "compositeRequest": subrequests}
    return Outbound("POST", f"{base}/composite", _JSON_BODY, json.dumps(payload).encode())


def written(status: int, headers: Mapping[str, str], body: bytes) -> Written | None:
    """The agent's answer and the two reads, from the composite's answer; None when the
    composite itself was refused (then its own answer goes to the agent)."""
    if status != 200:
        return None
    try:
        results = {r["referenceId"]: r for r in json.loads(body)["compositeResponse"]}
        write = results[WRITE]
    except (ValueError, KeyError, TypeError):
        return None
    code = int(write.get("httpStatusCode", 500))
    answer = write.get("body")
    out_headers = dict(write.get("httpHeaders") or {})
    if "Sforce-Limit-Info" in headers:
        out_headers["Sforce-Limit-Info"] = headers["Sforce-Limit-Info"]
    if answer is not None:
        out_headers["Content-Type"] = _JSON
    reply = Reply(code, b"" if answer is None else json.dumps(answer).encode(), out_headers)
    saved = answer.get("id") if isinstance(answer, dict) else None
    return Written(
        reply,
        saved if code < 300 and isinstance(saved, str) else None,
        _record(results.get(BEFORE)) if code < 300 else None,
        _record(results.get(AFTER)) if code < 300 else None,
        created=made(code, answer),
    )


def made(status: int, answer: Any) -> bool:
    """Whether Salesforce's answer to a single-record write says it made a new record: 201.
    An upsert that updated an existing record answers 200 with ``"created": false`` (API 46.0
    on), 204 and no body before; a body saying it did not create is believed over its status."""
    return status == 201 and not (isinstance(answer, dict) and answer.get("created") is False)


def read_saved(
    request: CanonicalRequest, sobject: str, ids: Sequence[str], fields: Iterable[str] | None
) -> Outbound:
    """One request reading many saved records of one object (sObject Collections GET, which
    takes the fields by name); one record wanted whole is read by its sObject row."""
    base = api_base(request.target)
    if fields is None and len(ids) == 1:
        return Outbound("GET", f"{base}/sobjects/{sobject}/{ids[0]}")
    select = _select(fields)
    query = f"ids={','.join(ids)}" + (f"&{select}" if select else "")
    return Outbound("GET", f"{base}/composite/sobjects/{sobject}?{query}")


def saved_records(status: int, body: bytes) -> dict[str, Record]:
    """Saved records from a collections GET (or one record's), keyed by 15-character id."""
    if status != 200:
        return {}
    rows = json_or_none(body)
    rows = [rows] if isinstance(rows, dict) else rows
    return (
        {
            sfid.key(str(r["Id"])): r
            for r in rows
            if isinstance(r, dict) and isinstance(r.get("Id"), str)
        }
        if isinstance(rows, list)
        else {}
    )


def revert(request: CanonicalRequest, intent: WriteIntent, undo: Revert) -> Outbound | None:
    """The compensating write, or None when there is nothing to restore from.

    A created record is deleted (or, given ``mark``, updated with those fields where deletes
    are not allowed). An updated one gets back the pre-image's value of every
    writable field the save changed (the write's and its triggers'), only if nobody changed it
    since (If-Unmodified-Since with the saved LastModifiedDate: Salesforce answers 412 if so).
    """
    rows = f"{api_base(request.target)}/sobjects/{intent.object}/{undo.record_id}"
    if undo.created and undo.mark:
        return Outbound("PATCH", rows, _JSON_BODY, json.dumps(undo.mark).encode())
    if undo.created:
        return Outbound("DELETE", rows)
    restore = undo.restored()
    if not restore:
        return None
    headers = dict(_JSON_BODY)
    modified = (undo.after or {}).get("LastModifiedDate")
    if isinstance(modified, str):
        headers["If-Unmodified-Since"] = format_datetime(instant(modified), usegmt=True)
    return Outbound("PATCH", rows, headers, json.dumps(restore).encode())


def reverted(status: int) -> str:
    """A revert's result from Salesforce's answer (412: If-Unmodified-Since did not hold)."""
    return {204: "success", 200: "success", 412: "lost_race"}.get(status, "failed")


def failure_reply(messages: Sequence[tuple[str, Sequence[str]]]) -> Reply:
    """The agent's answer when the saved record failed verification (single-record writes)."""
    body = [
        {"message": m, "errorCode": "GUARDRAIL_POST_VERIFY_FAILED", "fields": list(f)}
        for m, f in messages
    ]
    return json_reply(400, body, _JSON)


def _record_path(intent: WriteIntent) -> str | None:
    if intent.record_id:
        return intent.record_id
    if intent.external_id_field and intent.external_id is not None:
        return f"{intent.external_id_field}/{quote(intent.external_id, safe='')}"
    return None


def _record(result: Any) -> dict[str, Any] | None:
    if not isinstance(result, dict) or result.get("httpStatusCode") != 200:
        return None
    body = result.get("body")
    return body if isinstance(body, dict) else None


def created_query_path(target: str, intent: WriteIntent) -> str | None:
    """A SOQL query finding records that look like ``intent``'s create (every scalar field it
    sets equal); None when it sets no field a query can compare. Recovery of a held write uses
    it to learn whether an interrupted create was saved."""
    terms = [
        f"{name} = {_soql_literal(value)}"
        for name, value in sorted(intent.fields.items())
        if _NAME.fullmatch(name) and _comparable(value)
    ]
    if not terms:
        return None
    soql = f"SELECT Id FROM {intent.object} WHERE {' AND '.join(terms)} LIMIT 2000"  # noqa: S608
    return f"{api_base(target)}/query?q={quote(soql, safe='')}"


_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def _comparable(value: Any) -> bool:
    if isinstance(value, str):
        return not value.startswith("@{") and len(value) <= 255
    return isinstance(value, bool | int | float)


def _soql_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    escaped = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def created_records(status: int, body: bytes) -> list[str]:
    """The ids a ``created_query_path`` query found."""
    if status != 200:
        return []
    try:
        rows = json.loads(body).get("records", [])
    except (ValueError, AttributeError):
        return []
    return [str(r["Id"]) for r in rows if isinstance(r, dict) and isinstance(r.get("Id"), str)]
