"""The instance's REST APIs as plain calls: one ``Call`` in, one ``Answer`` out.

The HTTP server and the Batch API (whose inner requests are calls like any other) share it:

    GET    /api/now[/v1|/v2]/table/{table}            list: sysparm_query, sysparm_fields,
                                                      sysparm_limit, sysparm_offset,
                                                      sysparm_display_value,
                                                      sysparm_exclude_reference_link
    GET    /api/now[/v1|/v2]/table/{table}/{sys_id}   one record
    POST   /api/now[/v1|/v2]/table/{table}            create: 201 and Location
    PATCH, PUT /api/now[/v1|/v2]/table/{table}/{sys_id}  update: 200
    DELETE /api/now[/v1|/v2]/table/{table}/{sys_id}   204
    POST   /api/now[/v1]/import/{staging_table}       Import Set: staged, then transformed
                                                      into its target table (below)

Import sets: ``u_incident_import`` transforms into ``incident`` and ``u_case_import`` into
``sn_customerservice_case``; each ``u_<field>`` of the staged row sets ``<field>``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from guardrail.sandbox.servicenow import query as encoded
from guardrail.sandbox.servicenow.errors import (
    InstanceError,
    bad_payload,
    no_api,
    no_record,
    not_supported,
)
from guardrail.sandbox.servicenow.render import render
from guardrail.sandbox.servicenow.store import META_FIELDS, InstanceStore

_TABLE = re.compile(r"^/api/now(?:/v[12])?/table/(?P<table>[A-Za-z0-9_]+)(?:/(?P<id>[^/]+))?/?$")
_IMPORT = re.compile(r"^/api/now(?:/v1)?/import/(?P<table>[A-Za-z0-9_]+)/?$")
IMPORT_TARGETS = {"u_incident_import": "incident", "u_case_import": "sn_customerservice_case"}
STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
}


@dataclass(frozen=True, slots=True)
class Call:
    method: str
    path: str
    query: Mapping[str, str]
    body: bytes
    user: str
    base_url: str


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: Any = None  # JSON, or None for no body
    headers: Mapping[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        return b"" if self.body is None else json.dumps(self.body).encode()


def route(call: Call) -> str:
    """The route a call takes, for the request count."""
    table = _TABLE.match(call.path)
    if table:
        return f"{call.method} /table/{{table}}" + ("/{sys_id}" if table["id"] else "")
    if _IMPORT.match(call.path):
        return f"{call.method} /import"
    return f"{call.method} {call.path}"


def handle(store: InstanceStore, call: Call) -> Answer:
    try:
        table = _TABLE.match(call.path)
        if table:
            return _table(store, call, table["table"], table["id"])
        staged = _IMPORT.match(call.path)
        if staged:
            return _import(store, call, staged["table"])
        raise no_api(call.path)
    except InstanceError as exc:
        return Answer(exc.status, exc.body())


def _table(store: InstanceStore, call: Call, table: str, sys_id: str | None) -> Answer:
    if table not in META_FIELDS:
        store.table(table)  # an unknown table is refused before anything else
    method = call.method
    if method in ("GET", "HEAD"):
        return _get(store, call, table, sys_id)
    if method == "POST" and sys_id is None:
        row = store.insert(table, _object(call.body), user=call.user)
        location = f"{call.base_url}/api/now/table/{table}/{row['sys_id']}"
        return Answer(201, {"result": _shown(store, call, table, row)}, {"Location": location})
    if method in ("PATCH", "PUT") and sys_id is not None:
        row = store.update(table, sys_id, _object(call.body), user=call.user)
        return Answer(200, {"result": _shown(store, call, row["sys_class_name"], row)})
    if method == "DELETE" and sys_id is not None:
        store.delete(table, sys_id)
        return Answer(204)
    raise not_supported(method)


def _get(store: InstanceStore, call: Call, table: str, sys_id: str | None) -> Answer:
    if sys_id is not None:
        row = store.get(table, sys_id)
        if row is None:
            raise no_record()
        return Answer(200, {"result": _shown(store, call, table, row)})
    spec_fields = META_FIELDS.get(table) or tuple(store.table(table).columns)
    rows = store.select(table, encoded.parse(call.query.get("sysparm_query", ""), spec_fields))
    offset = _number(call.query, "sysparm_offset", 0)
    limit = _number(call.query, "sysparm_limit", 10000)
    page = rows[offset : offset + limit]
    headers = {"X-Total-Count": str(len(rows))}
    return Answer(200, {"result": [_shown(store, call, table, r) for r in page]}, headers)


def _shown(store: InstanceStore, call: Call, table: str, row: Mapping[str, str]) -> Any:
    fields = call.query.get("sysparm_fields")
    return render(
        store,
        table,
        row,
        base_url=call.base_url,
        display=call.query.get("sysparm_display_value", "false").lower(),
        exclude_link=call.query.get("sysparm_exclude_reference_link", "false").lower() == "true",
        fields=[f.strip() for f in fields.split(",") if f.strip()] if fields else None,
    )


def _import(store: InstanceStore, call: Call, staging: str) -> Answer:
    if call.method != "POST":
        raise not_supported(call.method)
    target = IMPORT_TARGETS.get(staging)
    if target is None:
        raise InstanceError(400, f"Invalid table {staging}")
    staged = _object(call.body)
    values = {k.removeprefix("u_"): v for k, v in staged.items() if k.startswith("u_")}
    row = store.insert(target, values, user=call.user)
    result = {
        "transform_map": f"{target} import",
        "table": target,
        "display_name": "number",
        "display_value": row.get("number", ""),
        "record_link": f"{call.base_url}/api/now/table/{target}/{row['sys_id']}",
        "status": "inserted",
        "sys_id": row["sys_id"],
    }
    return Answer(201, {"import_set": "ISET0010001", "staging_table": staging, "result": [result]})


def _object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body) if body else None
    except ValueError:
        raise bad_payload() from None
    if not isinstance(value, dict):
        raise bad_payload()
    return value


def _number(query: Mapping[str, str], name: str, default: int) -> int:
    try:
        return max(0, int(query[name]))
    except (KeyError, ValueError):
        return default
