"""ServiceNow's side of post-guardrails: reading a write back, and undoing it.

An update with read-back becomes one Batch API call: read the record before (when the policy
needs a pre-image), make the write exactly as the agent sent it, read the saved record (batch
items run in order). A create cannot be read back in the same batch (its sys_id is not known
until it is saved, and batch items cannot refer to each other), so it is forwarded as sent and
read back after, as collections are: one Table API read of ``sys_idIN...`` per table.

Reads ask for ``sysparm_display_value=all`` and take each field's value; a journal field
(``work_notes``, ``comments``) reads back empty as a value, so its newest entry is taken from
its display value. A revert deletes a created record, or sets back on an updated one the
fields the save changed (journal fields excepted: an entry cannot be taken back).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from guardrail.crm.base import CanonicalRequest, Outbound, Record, Reply, Revert, Written
from guardrail.crm.canonical import json_or_none
from guardrail.model import Operation, WriteIntent

BATCH = "/api/now/v1/batch"
BEFORE, WRITE, AFTER = "guardrailBefore", "guardrailWrite", "guardrailAfter"
#: The platform's journal fields: written as entries, read back empty as values.
JOURNAL_FIELDS = frozenset({"work_notes", "comments", "comments_and_work_notes"})
_ENTRY_HEADER = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - .* \(.*\)$")
_JSON = "application/json;charset=UTF-8"
_JSON_HEADERS = [{"name": "Content-Type", "value": "application/json"},
                 {"name": "Accept", "value": "application/json"}]  # fmt: skip


def _table_target(table: str, sys_id: str | None, query: str) -> str:
    target = f"/api/now/table/{table}" + (f"/{sys_id}" if sys_id else "")
    return f"{target}?{query}"


def _read_query(fields: Iterable[str] | None, extra: str = "") -> str:
    query = "sysparm_display_value=all&sysparm_exclude_reference_link=true"
    if fields is not None:
        query += "&sysparm_fields=" + ",".join(sorted({*fields, "sys_id", "sys_updated_on"}))
    return f"{extra}&{query}" if extra else query


def write_and_read(
    intent: WriteIntent, request: CanonicalRequest, fields: Iterable[str] | None, before: bool
) -> Outbound | None:
    """The batch that reads the pre-image, makes the update and reads the saved record; None
    for a create (read back after) or a delete."""
    if intent.operation is not Operation.UPDATE or not intent.record_id:
        return None
    read = _table_target(intent.object, intent.record_id, _read_query(fields))
    items: list[dict[str, Any]] = []
    if before:
        items.append({"id": BEFORE, "method": "GET", "url": read, "headers": _JSON_HEADERS})
    write: dict[str, Any] = {"id": WRITE, "method": request.method, "url": request.target,
                             "headers": _JSON_HEADERS}  # fmt: skip
    if request.body:
        write["body"] = base64.b64encode(request.body).decode()
    items += [write, {"id": AFTER, "method": "GET", "url": read, "headers": _JSON_HEADERS}]
    payload = {"batch_request_id": "guardrail", "rest_requests": items}
    return Outbound(
        "POST", BATCH, {"Content-Type": "application/json"}, json.dumps(payload).encode()
    )


def written(status: int, headers: Mapping[str, str], body: bytes) -> Written | None:
    """The agent's answer and the two reads, from the batch's answer; None when the batch
    itself was refused (then its own answer goes to the agent)."""
    if status != 200:
        return None
    items = _items(body)
    if items is None or WRITE not in items:
        return None
    code, answer, item_headers = items[WRITE]
    reply = Reply(code, answer, {**item_headers, "Content-Type": _JSON} if answer else item_headers)
    saved = _result(answer) if code < 300 else None
    sys_id = saved.get("sys_id") if saved else None
    return Written(
        reply,
        sys_id if isinstance(sys_id, str) else None,
        _saved(items.get(BEFORE)) if code < 300 else None,
        _saved(items.get(AFTER)) if code < 300 else None,
        created=code == 201,
    )


def read_saved(table: str, ids: Sequence[str], fields: Iterable[str] | None) -> Outbound:
    """One Table API read of saved records of one table, by sys_id."""
    query = _read_query(fields, f"sysparm_query=sys_idIN{','.join(ids)}")
    return Outbound("GET", _table_target(table, None, query))


def saved_records(status: int, body: bytes) -> dict[str, Record]:
    """Saved records from a Table API read, by sys_id."""
    if status != 200:
        return {}
    rows = _result_rows(body)
    found: dict[str, Record] = {}
    for row in rows:
        record = flatten(row)
        if isinstance(record.get("sys_id"), str):
            found[record["sys_id"]] = record
    return found


def revert(intent: WriteIntent, undo: Revert) -> Outbound | None:
    """The compensating write, or None when there is nothing to restore from."""
    target = f"/api/now/table/{intent.object}/{undo.record_id}"
    if undo.created and undo.mark:
        return Outbound("PATCH", target, {"Content-Type": "application/json"},
                        json.dumps(undo.mark).encode())  # fmt: skip
    if undo.created:
        return Outbound("DELETE", target)
    restore = undo.restored(JOURNAL_FIELDS)
    if not restore:
        return None
    return Outbound("PATCH", target, {"Content-Type": "application/json"},
                    json.dumps(restore).encode())  # fmt: skip


def reverted(status: int) -> str:
    return "success" if status in (200, 204) else "failed"


def flatten(row: Mapping[str, Any]) -> dict[str, Any]:
    """A record as read with any ``sysparm_display_value``: each field's value; a journal
    field's newest entry."""
    out: dict[str, Any] = {}
    for name, value in row.items():
        if isinstance(value, dict):
            if name in JOURNAL_FIELDS and not value.get("value"):
                out[name] = newest_entry(str(value.get("display_value") or ""))
            else:
                out[name] = value.get("value", value.get("display_value"))
        else:
            out[name] = value
    return out


def newest_entry(shown: str) -> str:
    """The text of the newest entry of a journal field's display value."""
    first = shown.split("\n\n", 1)[0]
    header, _, text = first.partition("\n")
    return text if _ENTRY_HEADER.match(header) else first


def _items(body: bytes) -> dict[str, tuple[int, bytes, dict[str, str]]] | None:
    try:
        answer = json.loads(body)
        found = {}
        for item in answer["serviced_requests"]:
            headers = {h["name"]: h["value"] for h in item.get("headers") or []}
            headers.pop("Content-Length", None)
            decoded = base64.b64decode(item.get("body") or "")
            found[str(item["id"])] = (int(item["status_code"]), decoded, headers)
        return found
    except (ValueError, KeyError, TypeError):
        return None


def _result(body: bytes) -> dict[str, Any] | None:
    answer = json_or_none(body)
    result = answer.get("result") if isinstance(answer, dict) else None
    return flatten(result) if isinstance(result, dict) else None


def _saved(item: tuple[int, bytes, dict[str, str]] | None) -> dict[str, Any] | None:
    if item is None or item[0] != 200:
        return None
    return _result(item[1])


def _result_rows(body: bytes) -> list[dict[str, Any]]:
    try:
        answer = json.loads(body)
    except ValueError:
        return []
    rows = answer.get("result") if isinstance(answer, dict) else None
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def lookalikes(table: str, fields: Mapping[str, Any]) -> Outbound | None:
    """A Table API read of the records whose every scalar field equals what a create sets
    (sys_ids only); None when it sets none a query can compare exactly."""
    terms = [
        f"{name}={value}"
        for name, value in sorted(fields.items())
        if isinstance(value, str | int | float)
        and not isinstance(value, bool)
        and not any(c in str(value) for c in "^=&\n")
    ]
    if not terms:
        return None
    query = "sysparm_query=" + quote("^".join(terms), safe="=^") + "&sysparm_fields=sys_id"
    return Outbound("GET", _table_target(table, None, query))
