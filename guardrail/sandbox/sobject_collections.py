"""sObject Collections (``/composite/sobjects``): up to 200 records in one call.

A body that cannot be read (malformed JSON, an unknown object or field, a value of the wrong
type, too many records) fails the whole call with the REST error list. Otherwise each record
is saved or fails on its own and the answer is a 200 list of per-record results; with
``allOrNone`` one failure rolls every record back and the others report
``ALL_OR_NONE_OPERATION_ROLLED_BACK``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from guardrail.crm import sfid
from guardrail.sandbox.api import ApiRequest, ApiResponse, Context, field_list
from guardrail.sandbox.errors import ApiError, json_parser_error, missing_argument, unsupported_type
from guardrail.sandbox.schema import SObjectType
from guardrail.sandbox.store import SandboxStore
from guardrail.sandbox.values import decode_record, parse_body

MAX_RECORDS = 200
_ROLLED_BACK = ApiError(
    400,
    "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "Record rolled back because not all records were valid and the request was using "
    "AllOrNone header",
)
_TOO_MANY = ApiError(
    400,
    "EXCEEDED_ID_LIMIT",
    f"record limit reached. cannot submit more than {MAX_RECORDS} records into this call",
)

Params = Mapping[str, str]
Write = Callable[[], tuple[str, bool]]
"""Saves one record; returns its id and whether it was created."""


@dataclass(frozen=True, slots=True)
class _Outcome:
    id: str | None
    created: bool = False
    error: ApiError | None = None

    def rolled_back(self) -> _Outcome:
        # A record the rollback un-created has no id any more.
        return _Outcome(None if self.created else self.id, error=_ROLLED_BACK)

    def body(self, upsert: bool) -> dict[str, Any]:
        result: dict[str, Any] = {"id": self.id} if self.id else {}
        result["success"] = self.error is None
        result["errors"] = [self.error.record_error()] if self.error else []
        if upsert:
            result["created"] = self.created and self.error is None
        return result


def create(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    all_or_none, records = _read_records(ctx, request)
    writes = [(None, partial(_create, ctx.store, s.name, v)) for s, v in records]
    return _save_all(ctx, all_or_none, writes)


def update(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    all_or_none, records = _read_records(ctx, request)
    writes = [(v.get("Id"), partial(_update, ctx.store, s.name, v)) for s, v in records]
    return _save_all(ctx, all_or_none, writes)


def upsert(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    stype = ctx.store.sobject(params["sobject"])
    field = ctx.store.id_lookup_field(stype, params["field"])
    all_or_none, records = _read_records(ctx, request, stype)
    writes = [
        (None, partial(ctx.store.upsert, s.name, field.name, v.get(field.name), v))
        for s, v in records
    ]
    return _save_all(ctx, all_or_none, writes, upsert=True)


def delete(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    ids = [i for i in request.query.get("ids", "").split(",") if i]
    if not ids:
        raise missing_argument("ids parameter is required")
    if len(ids) > MAX_RECORDS:
        raise _TOO_MANY
    all_or_none = request.query.get("allOrNone", "false").lower() == "true"
    writes = [(i, partial(_delete, ctx.store, i)) for i in ids]
    return _save_all(ctx, all_or_none, writes)


def retrieve(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    """GET ``?ids=&fields=``: the records in the order asked, null for any not found."""
    ids = [i for i in request.query.get("ids", "").split(",") if i]
    return _retrieve(ctx, params["sobject"], ids, request.query.get("fields", ""))


def retrieve_many(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    """POST ``{"ids": [...], "fields": [...]}``: retrieve for more ids than a URL holds."""
    body = parse_body(request.body)
    ids, fields = (_strings(body, key) for key in ("ids", "fields"))
    return _retrieve(ctx, params["sobject"], ids, ",".join(fields))


def _retrieve(ctx: Context, sobject: str, ids: list[str], names: str) -> ApiResponse:
    stype = ctx.store.sobject(sobject)
    if not ids or not names:
        raise missing_argument("ids and fields are required")
    fields = field_list(stype, names)
    rows = (ctx.store.get(stype.name, i) if sfid.is_id(i) else None for i in ids)
    return ApiResponse(200, [ctx.render(stype, r, fields) if r else None for r in rows])


def _read_records(
    ctx: Context, request: ApiRequest, default: SObjectType | None = None
) -> tuple[bool, list[tuple[SObjectType, dict[str, Any]]]]:
    """allOrNone and the decoded records, or the error that fails the whole call."""
    body = parse_body(request.body)
    records = body.get("records") if isinstance(body, dict) else None
    all_or_none = body.get("allOrNone", False) if isinstance(body, dict) else None
    if not isinstance(records, list) or not isinstance(all_or_none, bool):
        raise json_parser_error('Expected {"allOrNone": boolean, "records": [...]}')
    if len(records) > MAX_RECORDS:
        raise _TOO_MANY
    decoded = []
    for record in records:
        stype = _record_type(ctx, record, default)
        decoded.append((stype, decode_record(stype, record)))
    return all_or_none, decoded


def _record_type(ctx: Context, record: Any, default: SObjectType | None) -> SObjectType:
    attributes = record.get("attributes") if isinstance(record, dict) else None
    name = attributes.get("type") if isinstance(attributes, dict) else None
    if not isinstance(name, str):
        if default is not None:
            return default
        raise ApiError(400, "INVALID_TYPE", "Must send a concrete entity type.")
    stype = ctx.store.schema.get(name)
    if stype is None or (default is not None and stype is not default):
        raise unsupported_type(name)
    return stype


def _save_all(
    ctx: Context,
    all_or_none: bool,
    writes: Sequence[tuple[str | None, Write]],
    *,
    upsert: bool = False,
) -> ApiResponse:
    with ctx.store.transaction() as tx:
        outcomes = [_attempt(known_id, write) for known_id, write in writes]
        failed = any(o.error for o in outcomes)
        if failed and (all_or_none or ctx.force_all_or_none):
            tx.rollback()
            outcomes = [o if o.error else o.rolled_back() for o in outcomes]
    return ApiResponse(200, [o.body(upsert) for o in outcomes], partial_failure=failed)


def _attempt(known_id: str | None, write: Write) -> _Outcome:
    try:
        record_id, created = write()
    except ApiError as exc:
        return _Outcome(known_id, error=exc)
    return _Outcome(record_id, created)


def _create(store: SandboxStore, sobject: str, values: dict[str, Any]) -> tuple[str, bool]:
    return store.create(sobject, values), True


def _update(store: SandboxStore, sobject: str, values: dict[str, Any]) -> tuple[str, bool]:
    record_id = values.get("Id")
    if not record_id:
        raise missing_argument("Id not specified in an update call")
    if not sfid.is_id(record_id):
        raise ApiError(
            400, "MALFORMED_ID", f"Record ID: id value of incorrect type: {record_id}", ["Id"]
        )
    store.update(sobject, record_id, {k: v for k, v in values.items() if k != "Id"})
    return sfid.to18(record_id), False


def _delete(store: SandboxStore, record_id: str) -> tuple[str, bool]:
    stype = store.schema.for_id(record_id) if sfid.is_id(record_id) else None
    if stype is None:
        raise ApiError(400, "MALFORMED_ID", f"malformed id {record_id}")
    store.delete(stype.name, record_id)
    return sfid.to18(record_id), False


def _strings(body: Any, key: str) -> list[str]:
    value = body.get(key) if isinstance(body, dict) else None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise json_parser_error(f"Expected {key!r}: a list of strings")
    return value
