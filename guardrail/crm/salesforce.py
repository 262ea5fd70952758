"""The Salesforce REST dialect.

Writes it reads (any API version ``/services/data/vNN.N``):

    POST   /sobjects/{Object}                       create
    PATCH  /sobjects/{Object}/{id}                  update
    DELETE /sobjects/{Object}/{id}                  delete
    PATCH  /sobjects/{Object}/{ExtField}/{value}    upsert by external id
    DELETE /sobjects/{Object}/{ExtField}/{value}    delete by external id
    POST   /composite/sobjects                      collection create
    PATCH  /composite/sobjects                      collection update
    DELETE /composite/sobjects?ids=...              collection delete
    PATCH  /composite/sobjects/{Object}/{ExtField}  collection upsert
    POST   /composite                               composite: each subrequest as above

``POST ...?_HttpMethod=PATCH`` is read as the method it names, as Salesforce does. Any other
write (Apex REST, tooling, composite graph/tree/batch, sub-resources) is not understood, so it is
refused unless the operator chose to forward such writes unchecked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from guardrail.crm import sfid
from guardrail.crm.base import READ, ParsedRequest, Part, RecordRead, Reply, Shape
from guardrail.crm.salesforce_reads import NOTHING, objects_read
from guardrail.errors import (
    DependencyFailure,
    MalformedBody,
    RequestRejected,
    UnsupportedEndpoint,
    UnsupportedMediaType,
)
from guardrail.model import Decision, Operation, Violation, WriteIntent

NAME = "salesforce"
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_DATA_PATH = re.compile(r"^/services/data/v\d+\.\d+(?P<rest>/.*)?$", re.IGNORECASE)
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,79}$")
_REFERENCE = re.compile(r"^@\{(?P<ref>[^.}]+)\.(?P<attr>[^}]+)\}$")
_JSON = "application/json;charset=UTF-8"

ROLLED_BACK = (
    "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "Record rolled back because not all records were valid and the request was using AllOrNone "
    "header",
)
HALTED = (
    "PROCESSING_HALTED",
    "Not executed: crm-guardrail refused the whole composite request because another subrequest "
    "in it was blocked. Nothing in it was written.",
)

_Missing = object()
MAX_READ_RECORDS = 200  # per response: enough to ground ids, bounded for huge queries


class SalesforceDialect:
    name = NAME

    def __init__(self, forward_unknown_writes: bool = False) -> None:
        self._forward_unknown = forward_unknown_writes

    # -- reading requests -------------------------------------------------------------------

    def parse(
        self, method: str, path: str, query: Mapping[str, str], content_type: str, body: bytes
    ) -> ParsedRequest:
        method = _effective_method(method, query)
        if method in _READ_METHODS:
            return _read(path, query)
        if path.lower().startswith("/services/oauth2/"):
            return READ
        payload: Any = _Missing
        if body:
            payload = _decode(content_type, body)
        return self._route(method, path, query, payload)

    def _route(
        self, method: str, path: str, query: Mapping[str, str], payload: Any
    ) -> ParsedRequest:
        if method in _READ_METHODS:
            return _read(path, query)
        segments = _segments(path)
        if segments is None:
            return self._unknown(method, path)
        resource = [s.lower() for s in segments[:2]]
        if resource[:1] == ["sobjects"] and 2 <= len(segments) <= 4:
            return self._sobject_row(method, segments[1:], payload, path)
        if resource == ["composite", "sobjects"] and len(segments) in (2, 4):
            return self._collection(method, segments[2:], query, payload, path)
        if resource == ["composite"] and len(segments) == 1 and method == "POST":
            return self._composite(_require_object(payload, "composite request"))
        return self._unknown(method, path)

    def _unknown(self, method: str, path: str) -> ParsedRequest:
        if self._forward_unknown:
            return READ
        raise UnsupportedEndpoint(
            f"crm-guardrail does not know how to check {method} {path}, so it refuses the write. "
            "Use the sObject, sObject Collections or Composite endpoints."
        )

    def _sobject_row(
        self, method: str, rest: Sequence[str], payload: Any, path: str
    ) -> ParsedRequest:
        sobject = _object_name(rest[0])
        if method == "POST" and len(rest) == 1:
            intent = WriteIntent(NAME, sobject, Operation.CREATE, _fields(payload, "body"))
        elif method == "PATCH" and len(rest) == 2:
            intent = WriteIntent(
                NAME, sobject, Operation.UPDATE, _fields(payload, "body"), record_id=rest[1]
            )
        elif method == "DELETE" and len(rest) == 2:
            intent = WriteIntent(NAME, sobject, Operation.DELETE, {}, record_id=rest[1])
        elif method in ("PATCH", "DELETE") and len(rest) == 3 and not sfid.is_id(rest[1]):
            operation = Operation.UPSERT if method == "PATCH" else Operation.DELETE
            fields = _fields(payload, "body") if method == "PATCH" else {}
            intent = WriteIntent(
                NAME, sobject, operation, fields, external_id_field=rest[1], external_id=rest[2]
            )
        else:
            return self._unknown(method, path)
        return ParsedRequest(
            Shape.SINGLE,
            (intent,),
            (Part("", range(1)),),
            True,
            sobject,
            intent.operation,
            reads=NOTHING,
        )

    def _collection(
        self, method: str, rest: Sequence[str], query: Mapping[str, str], payload: Any, path: str
    ) -> ParsedRequest:
        if method == "DELETE" and not rest:
            ids = [i for i in query.get("ids", "").split(",") if i]
            if not ids:
                raise MalformedBody("A collection delete needs ?ids=id1,id2,... in the URL.")
            intents = [
                WriteIntent(NAME, "", Operation.DELETE, {}, record_id=i, ref=f"ids[{n}]")
                for n, i in enumerate(ids)
            ]
            all_or_none = query.get("allOrNone", "false").lower() == "true"
            return _collection_request(intents, all_or_none)
        if method == "POST" and not rest:
            operation = Operation.CREATE
        elif method == "PATCH" and not rest:
            operation = Operation.UPDATE
        elif method == "PATCH" and len(rest) == 2:
            operation = Operation.UPSERT
        else:
            return self._unknown(method, path)
        body = _require_object(payload, "collection request")
        records = body.get("records")
        if not isinstance(records, list) or not records:
            raise MalformedBody("A collection request needs a non-empty 'records' list.")
        intents = []
        for n, record in enumerate(records):
            where = f"records[{n}]"
            fields = _fields(record, where)
            sobject = _record_type(record, where, _object_name(rest[0]) if rest else None)
            record_id = fields.pop("id", None) or fields.pop("Id", None)
            if operation is Operation.UPDATE and not isinstance(record_id, str):
                raise MalformedBody(f"{where} has no 'id'; a collection update names each record.")
            ext_field = rest[1] if rest else None
            intents.append(
                WriteIntent(
                    NAME,
                    sobject,
                    operation,
                    fields,
                    record_id=record_id if isinstance(record_id, str) else None,
                    external_id_field=ext_field,
                    external_id=_str_or_none(fields.get(ext_field)) if ext_field else None,
                    ref=where,
                )
            )
        return _collection_request(intents, bool(body.get("allOrNone", False)))

    def _composite(self, body: Mapping[str, Any]) -> ParsedRequest:
        subrequests = body.get("compositeRequest")
        if not isinstance(subrequests, list) or not subrequests:
            raise MalformedBody("A composite request needs a non-empty 'compositeRequest' list.")
        intents: list[WriteIntent] = []
        parts: list[Part] = []
        created: dict[str, str] = {}  # referenceId -> object a write subrequest creates
        reads: frozenset[str] | None = NOTHING  # what the GET subrequests show
        for n, sub in enumerate(subrequests):
            if not isinstance(sub, dict):
                raise MalformedBody(f"compositeRequest[{n}] must be an object.")
            ref = str(sub.get("referenceId") or f"compositeRequest[{n}]")
            method, url = str(sub.get("method", "")).upper(), str(sub.get("url", ""))
            split = urlsplit(url)
            query = dict(parse_qsl(split.query))
            if split.scheme or split.netloc:
                raise MalformedBody(f"Subrequest {ref}: the url must be a path, not {url!r}.")
            try:
                inner = self._route(
                    _effective_method(method, query), split.path, query, sub.get("body", _Missing)
                )
            except RequestRejected as exc:
                raise type(exc)(f"Subrequest {ref}: {exc.message}") from None
            if inner.shape is Shape.COMPOSITE:
                raise UnsupportedEndpoint(f"Subrequest {ref}: a composite cannot nest a composite.")
            if reads is not None:
                reads = None if inner.reads is None else reads | inner.reads
            start = len(intents)
            for intent in inner.intents:
                intents.append(_with_references(intent, ref, created))
            if len(inner.intents) == 1 and inner.intents[0].operation is not Operation.DELETE:
                created[ref] = inner.intents[0].object
            parts.append(Part(ref, range(start, len(intents))))
        return ParsedRequest(
            Shape.COMPOSITE,
            tuple(intents),
            tuple(parts),
            bool(body.get("allOrNone", False)),
            _only({i.object for i in intents}),
            _only({str(i.operation) for i in intents}) or "read",
            reads=reads,
        )

    # -- rendering replies ------------------------------------------------------------------

    def render_block(self, parsed: ParsedRequest, decision: Decision) -> Reply:
        if parsed.shape is Shape.COLLECTION:
            return _reply(200, [_record_result(parsed, decision, part) for part in parsed.parts])
        if parsed.shape is Shape.COMPOSITE:
            return _reply(
                200,
                {"compositeResponse": [_sub_result(decision, part) for part in parsed.parts]},
            )
        return _reply(400, [_error(v, "errorCode") for v in _blocking(decision.violations)])

    def render_hold(self, parsed: ParsedRequest, decision: Decision, message: str) -> Reply:
        """A held write as Salesforce refuses a write: a 400 list error (simple-salesforce
        raises SalesforceMalformedRequest) whose errorCode says it waits for approval; in a
        collection or composite, on each record or subrequest (the request is held whole)."""
        error = {"message": message, "errorCode": HELD_CODE, "fields": []}
        if parsed.shape is Shape.COLLECTION:
            results = []
            for part in parsed.parts:
                record_id = parsed.intents[part.intents.start].record_id
                held = {"statusCode": HELD_CODE, "message": message, "fields": []}
                result: dict[str, Any] = {"success": False, "errors": [held]}
                results.append({"id": record_id, **result} if record_id else result)
            return _reply(200, results)
        if parsed.shape is Shape.COMPOSITE:
            return _reply(
                200,
                {
                    "compositeResponse": [
                        {
                            "body": [error],
                            "httpHeaders": {},
                            "httpStatusCode": 400,
                            "referenceId": part.ref,
                        }
                        for part in parsed.parts
                    ]
                },
            )
        return _reply(400, [error])

    def render_error(self, error: RequestRejected | DependencyFailure) -> Reply:
        return _reply(error.status, [{"message": error.message, "errorCode": error.code}])

    # -- reading responses ------------------------------------------------------------------

    def saved_ids(self, parsed: ParsedRequest, status: int, body: bytes) -> tuple[str | None, ...]:
        intents = parsed.intents
        if status >= 300:
            return (None,) * len(intents)
        answer = _json_or_none(body)
        if parsed.shape is Shape.SINGLE:
            saved = answer.get("id") if isinstance(answer, dict) else None
            return (_str_or_none(saved) or intents[0].record_id,)
        if parsed.shape is Shape.COLLECTION and isinstance(answer, list):
            return tuple(
                _str_or_none(r.get("id")) if isinstance(r, dict) and r.get("success") else None
                for r in answer[: len(intents)]
            ) + (None,) * max(0, len(intents) - len(answer))
        if parsed.shape is Shape.COMPOSITE and isinstance(answer, dict):
            results = {
                r.get("referenceId"): r
                for r in answer.get("compositeResponse", [])
                if isinstance(r, dict)
            }
            ids: list[str | None] = [None] * len(intents)
            for part in parsed.parts:
                result = results.get(part.ref) or {}
                if result.get("httpStatusCode", 500) < 300 and len(part.intents) == 1:
                    saved = result.get("body")
                    saved_id = saved.get("id") if isinstance(saved, dict) else None
                    n = part.intents.start
                    ids[n] = _str_or_none(saved_id) or intents[n].record_id
            return tuple(ids)
        return tuple(i.record_id for i in intents)

    def read_records(self, status: int, body: bytes) -> list[RecordRead]:
        if status != 200:
            return []
        answer = _json_or_none(body)
        if isinstance(answer, dict):
            rows = answer.get("records") if "records" in answer else [answer]
        else:
            rows = answer
        if not isinstance(rows, list):
            return []
        found = []
        for row in rows[:MAX_READ_RECORDS]:
            attributes = row.get("attributes") if isinstance(row, dict) else None
            record_id = row.get("Id") if isinstance(row, dict) else None
            if isinstance(attributes, dict) and isinstance(record_id, str):
                scalars = {
                    k: v
                    for k, v in row.items()
                    if k != "attributes" and (v is None or isinstance(v, str | int | float | bool))
                }
                found.append(RecordRead(str(attributes.get("type", "")), record_id, scalars))
        return found


# -- helpers ------------------------------------------------------------------------------


def _effective_method(method: str, query: Mapping[str, str]) -> str:
    override = query.get("_HttpMethod")
    return override.upper() if method == "POST" and override else method


def _segments(path: str) -> list[str] | None:
    match = _DATA_PATH.match(path)
    if not match:
        return None
    rest = (match.group("rest") or "").removesuffix("/")
    segments = rest.split("/")[1:]
    if not segments or not all(segments) or {".", ".."} & set(segments):
        return None  # empty or dot segments: the CRM might resolve them to another resource
    return segments


def _read(path: str, query: Mapping[str, str]) -> ParsedRequest:
    """A read, with the object it reads when the path names one (for metrics) and the objects
    it shows (for agent token scopes)."""
    segments = _segments(path)
    reads = objects_read(path, segments, query)
    if segments and len(segments) >= 2 and segments[0].lower() == "sobjects":
        return ParsedRequest(Shape.READ, sobject=segments[1], reads=reads)
    return ParsedRequest(Shape.READ, reads=reads)


def _decode(content_type: str, body: bytes) -> Any:
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime != "application/json" and not mime.endswith("+json"):
        raise UnsupportedMediaType(
            f"crm-guardrail checks JSON writes only; send the body as application/json "
            f"(got {mime or 'no Content-Type'})."
        )
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise MalformedBody("The request body is not UTF-8 encoded JSON.") from None
    except json.JSONDecodeError as exc:
        raise MalformedBody(
            f"The request body is not valid JSON: {exc.msg} at line {exc.lineno}, column "
            f"{exc.colno}."
        ) from None


def _require_object(payload: Any, what: str) -> dict[str, Any]:
    if payload is _Missing:
        raise MalformedBody(f"A {what} needs a JSON body.")
    if not isinstance(payload, dict):
        raise MalformedBody(f"A {what} body must be a JSON object.")
    return payload


def _fields(payload: Any, where: str) -> dict[str, Any]:
    record = _require_object(payload, "record write" if where == "body" else where)
    return {k: v for k, v in record.items() if k != "attributes"}


def _object_name(name: str) -> str:
    if not _NAME.match(name):
        raise MalformedBody(f"{name!r} is not a valid sObject name.")
    return name


def _record_type(record: Mapping[str, Any], where: str, default: str | None) -> str:
    attributes = record.get("attributes")
    kind = attributes.get("type") if isinstance(attributes, dict) else None
    if isinstance(kind, str):
        return _object_name(kind)
    if default:
        return default
    raise MalformedBody(f"{where} has no attributes.type; name each record's sObject type.")


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _only(values: set[str]) -> str:
    return next(iter(values)) if len(values) == 1 else ("mixed" if values else "")


def _collection_request(intents: list[WriteIntent], all_or_none: bool) -> ParsedRequest:
    parts = tuple(Part(i.ref, range(n, n + 1)) for n, i in enumerate(intents))
    return ParsedRequest(
        Shape.COLLECTION,
        tuple(intents),
        parts,
        all_or_none,
        _only({i.object for i in intents if i.object}),
        _only({str(i.operation) for i in intents}),
        reads=NOTHING,
    )


def _with_references(intent: WriteIntent, ref: str, created: Mapping[str, str]) -> WriteIntent:
    references: dict[str, str | None] = {}
    for name, value in intent.fields.items():
        match = _REFERENCE.match(value) if isinstance(value, str) else None
        if match:
            is_id = match["attr"].lower() == "id"
            references[name] = created.get(match["ref"]) if is_id else None
    return WriteIntent(
        intent.crm,
        intent.object,
        intent.operation,
        intent.fields,
        intent.record_id,
        intent.external_id_field,
        intent.external_id,
        ref=f"{ref}.{intent.ref}" if intent.ref else ref,
        references=references,
    )


HELD_CODE = "GUARDRAIL_HELD_FOR_APPROVAL"


def _blocking(violations: Sequence[Violation]) -> Iterator[Violation]:
    return (v for v in violations if v.blocks)


def _error(violation: Violation, code_key: str) -> dict[str, Any]:
    return {
        "message": f"Blocked by crm-guardrail ({violation.policy}/{violation.rule}): "
        f"{violation.message}",
        code_key: violation.code,
        "fields": list(violation.fields),
    }


def _part_errors(decision: Decision, part: Part, code_key: str) -> list[dict[str, Any]]:
    return [
        _error(v, code_key)
        for v in _blocking(decision.violations)
        if v.intent is not None and v.intent in part.intents
    ]


def _record_result(parsed: ParsedRequest, decision: Decision, part: Part) -> dict[str, Any]:
    errors = _part_errors(decision, part, "statusCode")
    if not errors:
        code, message = ROLLED_BACK
        if not parsed.all_or_none:
            message = (
                "Not written: crm-guardrail refused the whole request because other records in it "
                "were blocked. Resend this record without them."
            )
        errors = [{"statusCode": code, "message": message, "fields": []}]
    result: dict[str, Any] = {"success": False, "errors": errors}
    record_id = parsed.intents[part.intents.start].record_id
    if record_id:
        result = {"id": record_id, **result}
    return result


def _sub_result(decision: Decision, part: Part) -> dict[str, Any]:
    errors = _part_errors(decision, part, "errorCode")
    if not errors:
        code, message = HALTED
        errors = [{"errorCode": code, "message": message}]
    return {"body": errors, "httpHeaders": {}, "httpStatusCode": 400, "referenceId": part.ref}


def _reply(status: int, body: Any) -> Reply:
    return Reply(status, json.dumps(body).encode(), {"Content-Type": _JSON})
