"""REST resources for single records, describe and query (``/services/data/vXX.X/...``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from guardrail.crm import sfid
from guardrail.sandbox import conditional, soql
from guardrail.sandbox.api import API_ROOT, ApiRequest, ApiResponse, Context, field_list
from guardrail.sandbox.errors import ApiError, MultipleMatches, not_found
from guardrail.sandbox.schema import SObjectType, describe_basic, describe_global, describe_sobject
from guardrail.sandbox.store import Precondition, Row
from guardrail.sandbox.values import decode_record, decode_value, parse_body

LATEST_VERSION = 62
#: The API version whose upsert answers say whether they created the record.
UPSERT_SAYS_CREATED = 46.0
_SEASONS = ("Winter", "Spring", "Summer")

Params = Mapping[str, str]


def api_versions() -> list[dict[str, str]]:
    """Every version from 20.0 (Winter '11) on; any of them may be called."""
    return [
        {
            "label": f"{_SEASONS[(n - 20) % 3]} '{11 + (n - 20) // 3:02d}",
            "url": f"{API_ROOT}/v{n}.0",
            "version": f"{n}.0",
        }
        for n in range(20, LATEST_VERSION + 1)
    ]


def resources(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    names = ("sobjects", "query", "composite")
    return ApiResponse(200, {name: f"{ctx.base}/{name}" for name in names})


def global_describe(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    return ApiResponse(200, describe_global(ctx.store.schema, ctx.base))


def basic_info(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    return ApiResponse(200, describe_basic(ctx.store.sobject(params["sobject"]), ctx.base))


def full_describe(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    stype = ctx.store.sobject(params["sobject"])
    return ApiResponse(200, describe_sobject(ctx.store.schema, stype, ctx.base))


def create(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    stype = ctx.store.sobject(params["sobject"])
    values = decode_record(stype, parse_body(request.body))
    return saved(ctx, stype.name, ctx.store.create(stype.name, values))


def read(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    """A record; conditional on its ETag or LastModifiedDate (304, 412), see ``conditional``."""
    stype = ctx.store.sobject(params["sobject"])
    row = ctx.store.fetch(stype.name, _record_id(params["record_id"]))
    not_modified = conditional.enforce(stype.name, row, request)
    if not_modified is not None:
        return not_modified
    body = _render(ctx, stype, row, request.query.get("fields"))
    return ApiResponse(200, body, conditional.validators(stype.name, row))


def update(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    """204, with the new ETag of an Account; a failed precondition is 412 and saves nothing."""
    stype = ctx.store.sobject(params["sobject"])
    values = decode_record(stype, parse_body(request.body))
    record_id = _record_id(params["record_id"])
    ctx.store.update(stype.name, record_id, values, precondition=_held_to(stype, request))
    saved_row = ctx.store.fetch(stype.name, record_id)
    return ApiResponse(204, headers=conditional.validators(stype.name, saved_row))


def delete(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    """204; a failed precondition is 412 and deletes nothing."""
    stype = ctx.store.sobject(params["sobject"])
    ctx.store.delete(
        stype.name, _record_id(params["record_id"]), precondition=_held_to(stype, request)
    )
    return ApiResponse(204)


def read_by_field(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    stype, ids = _find(ctx, params)
    row = ctx.store.fetch(stype.name, ids[0])
    return ApiResponse(200, _render(ctx, stype, row, request.query.get("fields")))


def delete_by_field(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    stype, ids = _find(ctx, params)
    ctx.store.delete(stype.name, ids[0])
    return ApiResponse(204)


def upsert(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    """Upsert by an id-lookup field: 201 created, 200 updated, 300 when several match; with
    ``?updateOnly=true`` (API 61.0) a value no record has is 404 and creates nothing."""
    stype = ctx.store.sobject(params["sobject"])
    field = ctx.store.id_lookup_field(stype, params["field"])
    value = decode_value(field, params["value"])
    values = decode_record(stype, parse_body(request.body))
    if request.query.get("updateOnly", "").lower() == "true":
        _find(ctx, params)  # none: NOT_FOUND
    record_id, created = ctx.store.upsert(stype.name, field.name, value, values)
    return saved(ctx, stype.name, record_id, created)


def query(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    text = request.query.get("q")
    if not text:
        raise ApiError(400, "MALFORMED_QUERY", "A query string has to be specified")
    parsed = soql.parse(text, ctx.store.schema)
    rows = parsed.run(ctx.store.records(parsed.sobject.name))
    if parsed.stamps is not None:
        ctx.store.stamp(parsed.sobject.name, [row["Id"] for row in rows], parsed.stamps.name)
    return ApiResponse(
        200,
        {
            "totalSize": len(rows),
            "done": True,
            "records": [
                {
                    **ctx.render(parsed.sobject, row, ()),
                    **{c.key: c.value(row) for c in parsed.columns},
                }
                for row in rows
            ],
        },
    )


def saved(ctx: Context, sobject: str, record_id: str, created: bool | None = None) -> ApiResponse:
    """A successful create (201 with a Location) or upsert (``created``). As Salesforce
    documents: from API 46.0 an upsert's result says ``created``, and one that updated an
    existing record answers 200 with it; before, such an upsert answered 204 and no body."""
    body: dict[str, Any] = {"id": record_id, "success": True, "errors": []}
    says = float(ctx.version) >= UPSERT_SAYS_CREATED
    if created is not None and says:
        body["created"] = created
    if created is False:
        return ApiResponse(200, body) if says else ApiResponse(204)
    return ApiResponse(201, body, {"Location": ctx.record_url(sobject, record_id)})


def _render(ctx: Context, stype: SObjectType, row: Row, names: str | None) -> dict[str, Any]:
    """The whole record, or the ``fields=`` asked for plus the Id, as Salesforce answers."""
    if names is None:
        return ctx.render(stype, row)
    fields = field_list(stype, names)
    id_field = stype.fields[0]
    return ctx.render(stype, row, fields if id_field in fields else (*fields, id_field))


def _held_to(stype: SObjectType, request: ApiRequest) -> Precondition:
    """The store's check, just before a write, of the request's conditional headers."""

    def check(row: Row) -> None:
        conditional.enforce(stype.name, row, request)

    return check


def _record_id(segment: str) -> str:
    # Salesforce reads a segment that is not an id as an external id field name.
    if not sfid.is_id(segment):
        raise not_found(
            f"Provided external ID field does not exist or is not accessible: {segment}"
        )
    return segment


def _find(ctx: Context, params: Params) -> tuple[SObjectType, list[str]]:
    """The records whose id-lookup field in the URL has the value in the URL (one or more)."""
    stype = ctx.store.sobject(params["sobject"])
    field = ctx.store.id_lookup_field(stype, params["field"])
    ids = ctx.store.matching(stype.name, field, decode_value(field, params["value"]))
    if not ids:
        raise not_found()
    if len(ids) > 1:
        raise MultipleMatches(stype.name, field.name, ids)
    return stype, ids
