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
    POST   /composite                               composite: each subrequest as above; one
                                                    judged on a look-up, after a subrequest
                                                    writing what it reads (or before one, when
                                                    collated), is refused (``ordered``: asked
                                                    before the composite runs)

Each request is first read canonically (``canonical``, built from ``guardrail.crm.canonical``):
``POST ...?_HttpMethod=PATCH`` is read as a PATCH, as Salesforce documents, and forwarded as
one; any other override (another value, another method, another spelling, an override header)
is refused. Reads are GET, HEAD or OPTIONS without a body of the endpoints known to only read
(sObject resources, query, search, limits, collections' retrieve); any other request (Apex
REST, tooling, composite graph/tree/batch, Bulk, sub-resources) is not understood, so it is
refused, saying what to send instead (``salesforce_unknown``), unless the operator chose to
forward such requests unchecked. The ``Sforce-*`` headers ride on every intent; a composite
subrequest's own (``httpHeaders``) may be only those and the conditions (``If-Match``...), any
other refused. Only a read whose answer is the CRM's records (``shows_records``) grounds writes,
and one that would show a field otherwise than the record holds it (a SOQL function or alias)
is refused, and so is any request with a default namespace (``salesforce_headers``), which
renames fields in writes and reads alike.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import httpx
from multidict import CIMultiDict, MultiMapping

from guardrail.crm import (
    base,
    ordered,
    salesforce_bulk,
    salesforce_headers,
    salesforce_lookups,
    salesforce_partial,
    salesforce_post,
    salesforce_schema,
    salesforce_unknown,
    sfid,
)
from guardrail.crm.base import (
    HELD_CODE,
    CanonicalRequest,
    Dialect,
    DialectOptions,
    JobSpec,
    Narrowed,
    Outbound,
    ParsedRequest,
    Part,
    RawRequest,
    Record,
    RecordRead,
    Reply,
    Revert,
    Shape,
    Written,
)
from guardrail.crm.canonical import (
    NO_BODY,
    OVERRIDE_HEADERS,
    BodyLimits,
    another_record,
    check_method,
    decode_content,
    decode_path,
    decode_query,
    dropped_headers,
    header_name,
    is_method,
    json_object,
    json_or_none,
    json_payload,
    media_type,
    refuse_body,
    refuse_fragment,
    refuse_method_overrides,
    refuse_nested,
    refuse_odd_header_names,
    refuse_routing_headers,
    refuse_undocumented_parameters,
    refuse_unforwarded_method,
    refuse_unread_headers,
    refuse_unreadable_answers,
    single_header,
    without_parameter,
)
from guardrail.crm.drift import Drift, diff
from guardrail.crm.salesforce_bulk import Kinds
from guardrail.crm.salesforce_reads import (
    NOTHING,
    objects_read,
    query_text,
    refuse_relabelled_columns,
    refuse_writing_clause,
    refuse_writing_parameters,
    shows_records,
)
from guardrail.crm.salesforce_sim import SimulatedSalesforce
from guardrail.errors import (
    AmbiguousRequest,
    DependencyFailure,
    LookupUnresolved,
    MalformedBody,
    RequestRejected,
    UnsupportedEndpoint,
    UnsupportedMediaType,
)
from guardrail.model import Decision, Operation, Saved, Violation, WriteIntent

NAME = "salesforce"
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_OVERRIDE = "_HttpMethod"
_OVERRIDE_HEADERS_LOWER = frozenset(h.lower() for h in OVERRIDE_HEADERS)
#: The OAuth endpoints a client may POST to through the proxy: they exchange or revoke a
#: session and write no record.
_OAUTH_WRITES = frozenset(
    {"/services/oauth2/token", "/services/oauth2/revoke", "/services/oauth2/introspect"}
)
#: Resources below /services/data/vXX.X whose GET only reads (composite: see _known_read).
_READ_RESOURCES = frozenset(
    {"sobjects", "query", "queryall", "search", "parameterizedsearch", "limits", "recent"}
)
#: Resources whose ``q`` is SOQL or SOSL, which may hold a clause that writes.
_QUERY_RESOURCES = frozenset({"query", "queryall", "search"})
#: The query parameters Salesforce documents on a write, by route (the others take none):
#: an upsert's ``updateOnly`` (it updates the record found and creates none, so it is judged
#: as the upsert it may be), a collection delete's ids and allOrNone (read into its intents).
_UPSERT_PARAMETERS = frozenset({"updateOnly"})
_DELETE_PARAMETERS = frozenset({"ids", "allOrNone"})
_SOQL_RESOURCES = frozenset({"query", "queryall"})
#: The keys Salesforce documents in a composite request and in each of its subrequests: any
#: other (another spelling of one, read by a reader that ignores case) is refused.
_COMPOSITE_KEYS = ("allOrNone", "collateSubrequests", "compositeRequest")
_SUBREQUEST_KEYS = ("method", "url", "referenceId", "body", "httpHeaders")
#: Why a composite's subrequests may run in another order than sent: Salesforce collates them
#: unless collateSubrequests is false (true by default from API 49.0; taken as the default at
#: any version, failing closed).
_COLLATED = (
    "Salesforce runs collated subrequests that do not reference each other in any order; "
    "send collateSubrequests: false to keep the order sent"
)
_BEHAVIOUR_PREFIXES = ("sforce-", "x-sfdc-")
_CREDENTIAL_HEADERS = frozenset({"x-sfdc-session"})
#: Salesforce's spelling of the request headers it documents as changing what a call does.
_HEADER_SPELLING = {
    h.lower(): h
    for h in (
        "Sforce-Auto-Assign",
        "Sforce-Call-Options",
        "Sforce-Duplicate-Rule-Header",
        "Sforce-Mru",
        "Sforce-Query-Options",
    )
}
_DATA_PATH = re.compile(r"^/services/data/v[0-9]+\.[0-9]+(?P<rest>/.*)?\Z", re.IGNORECASE)
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,79}\Z")
_REFERENCE = re.compile(r"^@\{(?P<ref>[^.}]+)\.(?P<attr>[^}]+)\}\Z")
_JSON = "application/json;charset=UTF-8"
#: What Salesforce reads off the end of a URI as the response format, up to API 57.0.
_FORMAT_SUFFIXES = (".json", ".xml")

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

#: What a POST to an OAuth endpoint is: no record written, nothing to judge.
AUTH = ParsedRequest(Shape.READ, reads=NOTHING)
_AGGREGATE = "AggregateResult"
#: Where Salesforce takes a session: after either word in Authorization, or (Bulk API 1.0)
#: in X-SFDC-Session.
_SCHEMES = frozenset({"bearer", "oauth"})
SESSION_HEADER = "X-SFDC-Session"


def dialect(options: DialectOptions) -> Dialect:
    """The dialect ``Settings.dialect: salesforce`` chooses (guardrail.crm.base.dialect_for)."""
    return SalesforceDialect(options.forward_unknown_writes, options.limits)


class SalesforceDialect:
    name = NAME
    key_prefixes: Mapping[str, str] = sfid.STANDARD_KEY_PREFIXES
    id_field = "Id"
    token_path = "/services/oauth2/token"  # noqa: S105 - a path, not a secret
    owner_fields: tuple[str, ...] = sfid.CUSTOMER_FIELDS
    customer_objects: tuple[str, str] = ("Account", "Contact")
    assignee_fields: tuple[str, ...] = ("OwnerId",)

    def __init__(
        self, forward_unknown_writes: bool = False, limits: BodyLimits | None = None
    ) -> None:
        self._forward_unknown = forward_unknown_writes
        self.limits = limits or BodyLimits()

    # -- the canonical request ----------------------------------------------------------------

    def canonical(self, raw: RawRequest) -> CanonicalRequest:
        raw = raw.end_to_end()
        check_method(raw.method, "Salesforce", "GET, POST, PATCH or DELETE")
        names = _names_of(raw.headers)
        if not names.checked:
            _check_header_names(raw.headers)
        refuse_fragment(raw.target)
        raw_path, _, raw_query = raw.target.partition("?")
        path = decode_path(raw_path)
        if path.lower().startswith(salesforce_bulk.ASYNC_API):
            raise salesforce_bulk.async_api_refused(raw.headers.get("Content-Type", ""))
        query = decode_query(raw_query)
        method = _effective_method(raw.method, query)
        if method != raw.method:
            del query[_OVERRIDE]
            raw_query = without_parameter(raw_query, _OVERRIDE)
        if method not in _READ_METHODS and names.answers:
            refuse_unreadable_answers(raw.headers.items(), "Salesforce")
        encodings = raw.headers.getall("Content-Encoding", [])
        body = decode_content(encodings, raw.body, self.limits)
        payload: Any = NO_BODY
        refuse_body(method, body, _READ_METHODS | {"DELETE"}, "Salesforce")
        content_type = (single_header(raw.headers, "Content-Type") or "") if body else ""
        if body and salesforce_bulk.is_upload(method, _segments(path)):
            _require_csv(content_type)
        elif body and path.lower() not in _OAUTH_WRITES:
            payload = json_payload(content_type, body, self.limits, _JSON)
        return CanonicalRequest(
            method=method,
            path=path,
            query=query,
            target=raw_path + (f"?{raw_query}" if raw_query else ""),
            body=body,
            payload=payload,
            headers=behaviour_headers(raw.headers.items()) if names.behaviour else {},
            drop_headers=names.decoded if encodings else names.dropped,
            media_type=content_type.partition(";")[0].strip().lower(),
            conditions=_conditions(raw.headers) if names.conditions else {},
        )

    # -- reading requests -------------------------------------------------------------------

    def parse(self, request: CanonicalRequest) -> ParsedRequest:
        if request.method in _READ_METHODS:
            return self._read(request.method, request.path, request.query)
        if request.path.lower() in _OAUTH_WRITES and request.method == "POST":
            return AUTH  # a session exchanged or revoked: no record is written
        parsed = self._route(request.method, request.path, request.query, request.payload)
        if parsed.job is not None and parsed.job.kind != "upload" and request.headers:
            raise AmbiguousRequest(
                f"A bulk job's {parsed.job.kind} writes no row crm-guardrail judges, so the "
                f"headers {sorted(request.headers)} on it would change what the CRM does with "
                "rows judged without them. Send them on the upload, or not at all."
            )
        return _with_headers(parsed, request.headers)

    def _route(
        self, method: str, path: str, query: Mapping[str, str], payload: Any
    ) -> ParsedRequest:
        if method in _READ_METHODS:
            if payload is not NO_BODY:
                raise AmbiguousRequest(f"A {method} carries no body; send it without one.")
            return self._read(method, path, query)
        segments = _segments(path)
        if segments is None:
            return self._unknown(method, path)
        if segments and segments[-1].lower().endswith(_FORMAT_SUFFIXES):
            raise AmbiguousRequest(
                f"The path ends in {segments[-1][:100]!r}: Salesforce reads a final .json or "
                ".xml as the response format (API 57.0 and before), not as part of the id or "
                "value. Send the path without it and ask for a format with Accept."
            )
        resource = [s.lower() for s in segments[:2]]
        if resource[:1] == ["sobjects"] and 2 <= len(segments) <= 4:
            upsert = method == "PATCH" and len(segments) == 4
            _read_parameters(query, _UPSERT_PARAMETERS if upsert else (), method, path)
            return self._sobject_row(method, segments[1:], payload, path)
        if resource == ["composite", "sobjects"] and len(segments) in (2, 4):
            by_ids = method == "DELETE" and len(segments) == 2
            _read_parameters(query, _DELETE_PARAMETERS if by_ids else (), method, path)
            return self._collection(method, segments[2:], query, payload, path)
        if resource == ["composite"] and len(segments) == 1 and method == "POST":
            _read_parameters(query, (), method, path)
            return self._composite(json_object(payload, "composite request"))
        if salesforce_bulk.is_job(segments):
            _read_parameters(query, (), method, path)
            return salesforce_bulk.route(method, segments, payload) or self._unknown(method, path)
        return self._unknown(method, path)

    def _read(self, method: str, path: str, query: Mapping[str, str]) -> ParsedRequest:
        """A read of an endpoint known to only read; anything else may write, so it is not
        taken for a read (refused, unless the operator forwards what the proxy cannot read)."""
        segments = _segments(path)
        if segments is not None and salesforce_bulk.is_job(segments):
            return salesforce_bulk.read(segments)
        if not _known_read(path, segments):
            return self._unknown(method, path)
        if segments and segments[0].lower() in _QUERY_RESOURCES:
            refuse_writing_clause(query_text(query))
        if segments:
            refuse_writing_parameters(segments[0], query)
        if segments and len(segments) == 1 and segments[0].lower() in _SOQL_RESOURCES:
            refuse_relabelled_columns(query_text(query))
        reads = objects_read(path, segments, query)
        records = shows_records(segments)
        if segments and len(segments) >= 2 and segments[0].lower() == "sobjects":
            return ParsedRequest(
                Shape.READ, sobject=segments[1], reads=reads, shows_records=records
            )
        return ParsedRequest(Shape.READ, reads=reads, shows_records=records)

    def _unknown(self, method: str, path: str) -> ParsedRequest:
        return base.unknown(self._forward_unknown, method, path, salesforce_unknown.instead(path))

    def _sobject_row(
        self, method: str, rest: Sequence[str], payload: Any, path: str
    ) -> ParsedRequest:
        sobject = _object_name(rest[0])
        if method == "POST" and len(rest) == 1:
            intent = WriteIntent(NAME, sobject, Operation.CREATE, _row(payload, sobject, None))
        elif method == "PATCH" and len(rest) == 2:
            record_id = _record_id(rest[1], "The URL")
            intent = WriteIntent(
                NAME, sobject, Operation.UPDATE, _row(payload, sobject, record_id),
                record_id=record_id,
            )  # fmt: skip
        elif method == "DELETE" and len(rest) == 2:
            intent = WriteIntent(
                NAME, sobject, Operation.DELETE, {}, record_id=_record_id(rest[1], "The URL")
            )
        elif method in ("PATCH", "DELETE") and len(rest) == 3 and not sfid.is_id(rest[1]):
            operation = Operation.UPSERT if method == "PATCH" else Operation.DELETE
            by_id = rest[2] if rest[1].lower() == "id" else None
            fields = _row(payload, sobject, by_id) if method == "PATCH" else {}
            for name, value in fields.items():
                if (
                    name.lower() == rest[1].lower()
                    and _lookup_text(value, "The body", name) != rest[2]
                ):
                    raise MalformedBody(
                        f"The body sets {name} to {value!r}, the URL looks the record up by "
                        f"{rest[1]} = {rest[2]!r}; the CRM could read either. Give it once."
                    )
            intent = WriteIntent(
                NAME, sobject, operation, fields, external_id_field=rest[1], external_id=rest[2]
            )
        else:
            return self._unknown(method, path)
        return base.single(intent, NOTHING)

    def _collection(
        self, method: str, rest: Sequence[str], query: Mapping[str, str], payload: Any, path: str
    ) -> ParsedRequest:
        if method == "DELETE" and not rest:
            ids = [i.strip() for i in query.get("ids", "").split(",") if i.strip()]
            if not ids:
                raise MalformedBody("A collection delete needs ?ids=id1,id2,... in the URL.")
            if not all(sfid.is_id(i) for i in ids) or len(set(ids)) != len(ids):
                raise MalformedBody(
                    "A collection delete's ids must be distinct Salesforce ids (15 or 18 letters "
                    "and digits), comma-separated."
                )
            for n, i in enumerate(ids):
                _record_id(i, f"ids[{n}]")
            intents = [
                WriteIntent(NAME, "", Operation.DELETE, {}, record_id=i, ref=f"ids[{n}]")
                for n, i in enumerate(ids)
            ]
            all_or_none = _all_or_none(query.get("allOrNone", "false"), in_url=True)
            return _collection_request(intents, all_or_none)
        if method == "POST" and not rest:
            operation = Operation.CREATE
        elif method == "PATCH" and not rest:
            operation = Operation.UPDATE
        elif method == "PATCH" and len(rest) == 2:
            operation = Operation.UPSERT
        else:
            return self._unknown(method, path)
        body = json_object(payload, "collection request")
        _refuse_unknown_keys(body, ("allOrNone", "records"), "A collection request")
        records = body.get("records")
        if not isinstance(records, list) or not records:
            raise MalformedBody("A collection request needs a non-empty 'records' list.")
        intents = []
        for n, record in enumerate(records):
            where = f"records[{n}]"
            fields = _fields(record, where)
            sobject = _record_type(record, where, _object_name(rest[0]) if rest else None)
            record_id = _pop_id(fields, where)
            if operation is Operation.UPDATE and not isinstance(record_id, str):
                raise MalformedBody(f"{where} has no 'id'; a collection update names each record.")
            if operation is Operation.CREATE and record_id is not None:
                raise MalformedBody(f"{where} names the record {record_id!r}; a create names none.")
            ext_field = rest[1] if rest else None
            intent = WriteIntent(
                NAME,
                sobject,
                operation,
                fields,
                record_id=record_id if isinstance(record_id, str) else None,
                external_id_field=ext_field,
                external_id=_field_value(fields, ext_field, where) if ext_field else None,
                ref=where,
            )
            intents.append(salesforce_lookups.unnamed_create(intent))
        return _collection_request(intents, _all_or_none(body.get("allOrNone", False)))

    def _subrequest(self, sub: Mapping[str, Any]) -> ParsedRequest:
        """A composite subrequest read as the request it stands for: its url canonical as a
        request's target, the same override rule, the same endpoints."""
        method, url = sub.get("method"), sub.get("url")
        if not isinstance(method, str) or not is_method(method.upper()):
            raise MalformedBody("'method' must be an HTTP method such as GET, PATCH or POST.")
        refuse_unforwarded_method(method)
        if not isinstance(url, str):
            raise MalformedBody("'url' must be a path.")
        raw_path, _, raw_query = url.partition("?")
        if not raw_path.startswith("/") or raw_path.startswith("//") or "#" in url:
            raise MalformedBody(f"the url must be a path and query, not {url[:200]!r}.")
        path, query = decode_path(raw_path), decode_query(raw_query)
        effective = _effective_method(method.upper(), query)
        query.pop(_OVERRIDE, None)
        payload = sub.get("body", NO_BODY)
        if payload is not NO_BODY and effective in _READ_METHODS | {"DELETE"}:
            raise AmbiguousRequest(f"a {effective} subrequest carries no body; remove it.")
        inner = self._route(effective, path, query, payload)
        if inner.shape is Shape.READ and effective not in _READ_METHODS:
            # Forwarded unjudged on its own (unknown_writes: forward), it would be audited as
            # such; inside a composite it would pass for a read.
            raise UnsupportedEndpoint(
                f"crm-guardrail does not know how to check {effective} {path} as a composite "
                "subrequest; send it on its own."
            )
        return inner

    def _composite(self, body: Mapping[str, Any]) -> ParsedRequest:
        _refuse_unknown_keys(body, _COMPOSITE_KEYS, "A composite request")
        collated = _boolean(body.get("collateSubrequests", True), "collateSubrequests")
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
            if any(p.ref == ref for p in parts):
                raise MalformedBody(f"The referenceId {ref!r} is used twice; make each unique.")
            try:
                _refuse_unknown_keys(sub, _SUBREQUEST_KEYS, "A subrequest")
                inner = _with_headers(self._subrequest(sub), _sub_headers(sub))
            except RequestRejected as exc:
                raise type(exc)(f"Subrequest {ref}: {exc.message}") from None
            if inner.shape is Shape.COMPOSITE:
                raise UnsupportedEndpoint(f"Subrequest {ref}: a composite cannot nest a composite.")
            if inner.job is not None:  # its steps are judged only on their own endpoints
                raise UnsupportedEndpoint(
                    f"Subrequest {ref}: crm-guardrail judges a bulk job's steps only when they "
                    "are sent on their own; send this one outside the composite request."
                )
            _check_references(sub, ref, created, read=not inner.intents)
            reads = base.read_together(reads, inner.reads)
            start = len(intents)
            for intent in inner.intents:
                intents.append(_with_references(intent, ref, created))
            if len(inner.intents) == 1 and inner.intents[0].operation is not Operation.DELETE:
                created[ref] = inner.intents[0].object
            parts.append(Part(ref, range(start, len(intents))))
        ordered.refuse_stale_lookups(
            intents,
            parts,
            salesforce_lookups.reads,
            lambda earlier, later: salesforce_lookups.reads(later, earlier.object),
            "Subrequest",
            _COLLATED if collated else "",
        )
        return ParsedRequest(
            Shape.COMPOSITE,
            tuple(intents),
            tuple(parts),
            _all_or_none(body.get("allOrNone", False)),
            base.only({i.object for i in intents}),
            base.only({str(i.operation) for i in intents}) or "read",
            reads=reads,
        )

    # -- rendering replies ------------------------------------------------------------------

    def render_block(self, parsed: ParsedRequest, decision: Decision) -> Reply:
        upload = salesforce_bulk.render_block(parsed, decision)
        if upload is not None:
            return upload
        if parsed.shape is Shape.COLLECTION:
            results = [_record_result(parsed, decision, part) for part in parsed.parts]
            return base.json_reply(200, results, _JSON)
        if parsed.shape is Shape.COMPOSITE:
            subs = [_sub_result(decision, part) for part in parsed.parts]
            return base.json_reply(200, {"compositeResponse": subs}, _JSON)
        errors = [_error(v, "errorCode") for v in _blocking(decision.violations)]
        return base.json_reply(400, errors, _JSON)

    def lookalikes(self, target: str, intent: WriteIntent) -> Outbound | None:
        path = salesforce_post.created_query_path(target, intent)
        return None if path is None else Outbound("GET", path)

    def lookalike_ids(self, status: int, body: bytes) -> list[str]:
        return salesforce_post.created_records(status, body)

    def render_hold(self, parsed: ParsedRequest, decision: Decision, message: str) -> Reply:
        """A held write as Salesforce refuses a write: a 400 list error (simple-salesforce
        raises SalesforceMalformedRequest) whose errorCode says it waits for approval; in a
        collection or composite, on each record or subrequest (the request is held whole)."""
        error = {"message": message, "errorCode": HELD_CODE, "fields": []}
        if parsed.shape is Shape.COLLECTION:
            held = {"statusCode": HELD_CODE, "message": message, "fields": []}
            results = [_failed_record(parsed, part, [held]) for part in parsed.parts]
            return base.json_reply(200, results, _JSON)
        if parsed.shape is Shape.COMPOSITE:
            subs = [_failed_sub(part, [error]) for part in parsed.parts]
            return base.json_reply(200, {"compositeResponse": subs}, _JSON)
        return base.json_reply(400, [error], _JSON)

    def render_error(self, error: RequestRejected | DependencyFailure) -> Reply:
        if isinstance(error, salesforce_bulk.AsyncApiRefused):
            return error.reply()
        body = [{"message": error.message, "errorCode": error.code}]
        return base.json_reply(error.status, body, _JSON)

    # -- collections saved in part ----------------------------------------------------------

    def narrow(
        self, request: CanonicalRequest, parsed: ParsedRequest, forwarded: Sequence[Part]
    ) -> Narrowed:
        return salesforce_partial.narrow(self.parse, request, parsed, forwarded)

    def merge(
        self, parsed: ParsedRequest, decision: Decision, forwarded: Sequence[Part], body: bytes
    ) -> bytes | None:
        merged = salesforce_partial.merge(
            parsed,
            forwarded,
            json_or_none(body),
            lambda part: _record_result(parsed, decision, part),
        )
        return None if merged is None else json.dumps(merged).encode()

    # -- bulk jobs ---------------------------------------------------------------------------

    def job_rows(
        self, spec: JobSpec, job_id: str, request: CanonicalRequest, kinds: Kinds
    ) -> ParsedRequest:
        return salesforce_bulk.rows(NAME, spec, job_id, request.body, kinds, request.headers)

    def created_job(self, status: int, body: bytes) -> str | None:
        return salesforce_bulk.created_job(status, json_or_none(body))

    def job_saved(
        self, spec: JobSpec, status: int, body: bytes, kinds: Kinds
    ) -> tuple[tuple[str | None, Saved], ...]:
        return salesforce_bulk.saved(spec, status, body, kinds)

    # -- writes by lookup field -------------------------------------------------------------

    def lookups(self, intent: WriteIntent, path: str, answered: Collection[str]) -> tuple[str, ...]:
        return salesforce_lookups.lookups(intent, path, answered)

    def resolved(self, intent: WriteIntent, target: str, status: int, body: bytes) -> WriteIntent:
        return salesforce_lookups.resolved(intent, target, status, body)

    def owner_lookup(self, sobject: str, record_id: str, path: str) -> str | None:
        return salesforce_lookups.owner_lookup(sobject, record_id, path)

    def owners(
        self, named: str, status: int, body: bytes, changed: WriteIntent | None
    ) -> tuple[str, ...]:
        return salesforce_lookups.owners(named, status, body, changed)

    # -- reading responses ------------------------------------------------------------------

    def saved(self, parsed: ParsedRequest, status: int, body: bytes) -> tuple[Saved, ...]:
        intents = parsed.intents
        if status >= 300:
            return (Saved(),) * len(intents)
        answer = json_or_none(body)
        if parsed.shape is Shape.SINGLE:
            saved = answer.get("id") if isinstance(answer, dict) else None
            made = salesforce_post.made(status, answer)
            # an upsert that updated answers 204 and no id before API 46.0: the record its
            # lookup found
            return (Saved.taken(intents[0], _str_or_none(saved), made),)
        if parsed.shape is Shape.COLLECTION and isinstance(answer, list):
            return tuple(_rows_saved(answer, intents))
        if parsed.shape is Shape.COMPOSITE and isinstance(answer, dict):
            results = {
                r.get("referenceId"): r
                for r in answer.get("compositeResponse", [])
                if isinstance(r, dict)
            }
            found = [Saved()] * len(intents)
            for part in parsed.parts:
                result = results.get(part.ref) or {}
                code = result.get("httpStatusCode", 500)
                saved = result.get("body")
                if not isinstance(code, int) or code >= 300:
                    continue
                if isinstance(saved, list):  # a collection: its result per record, in order
                    rows = _rows_saved(saved, [intents[n] for n in part.intents])
                    for n, row in zip(part.intents, rows, strict=True):
                        found[n] = row
                elif len(part.intents) == 1:
                    saved_id = saved.get("id") if isinstance(saved, dict) else None
                    n = part.intents.start
                    made = salesforce_post.made(code, saved)
                    found[n] = Saved.taken(intents[n], _str_or_none(saved_id), made)
            return tuple(found)
        if parsed.shape in (Shape.COLLECTION, Shape.COMPOSITE):  # an answer of no shape
            return tuple(Saved.taken(i, None) for i in intents)
        return tuple(Saved(i.record_id) for i in intents)

    def read_records(self, status: int, body: bytes) -> list[RecordRead]:
        if status != 200:
            return []
        answer = json_or_none(body)
        if isinstance(answer, dict):
            rows = answer.get("records") if "records" in answer else [answer]
        else:
            rows = answer
        if not isinstance(rows, list):
            return []
        found = []
        for row in rows[: base.MAX_READ_RECORDS]:
            attributes = row.get("attributes") if isinstance(row, dict) else None
            record_id = row.get("Id") if isinstance(row, dict) else None
            # an aggregate query's row is no record: its columns are aliases the query chose
            # (MAX(AccountId) AccountId), so they say nothing of any record's own fields
            aggregate = isinstance(attributes, dict) and attributes.get("type") == _AGGREGATE
            if (
                isinstance(attributes, dict)
                and isinstance(record_id, str)
                and not aggregate
                and _names_itself(attributes, record_id)
            ):
                scalars = {
                    k: v
                    for k, v in row.items()
                    if k != "attributes" and (v is None or isinstance(v, str | int | float | bool))
                }
                found.append(RecordRead(str(attributes.get("type", "")), record_id, scalars))
        return found

    # -- read-back and revert ---------------------------------------------------------------

    def write_and_read(
        self,
        intent: WriteIntent,
        request: CanonicalRequest,
        fields: Iterable[str] | None,
        before: bool,
    ) -> Outbound | None:
        return salesforce_post.write_and_read(intent, request, fields, before)

    def written(self, status: int, headers: Mapping[str, str], body: bytes) -> Written | None:
        return salesforce_post.written(status, headers, body)

    def read_saved(
        self,
        request: CanonicalRequest,
        sobject: str,
        ids: Sequence[str],
        fields: Iterable[str] | None,
    ) -> Outbound:
        return salesforce_post.read_saved(request, sobject, ids, fields)

    def saved_records(self, status: int, body: bytes) -> Mapping[str, Record]:
        return salesforce_post.saved_records(status, body)

    def revert(
        self, request: CanonicalRequest, intent: WriteIntent, undo: Revert
    ) -> Outbound | None:
        return salesforce_post.revert(request, intent, undo)

    def reverted(self, status: int) -> str:
        return salesforce_post.reverted(status)

    def render_post_failure(
        self, parsed: ParsedRequest, messages: Sequence[tuple[str, Sequence[str]]]
    ) -> Reply:
        return salesforce_post.failure_reply(messages)

    # -- describe and drift -----------------------------------------------------------------

    async def describe(
        self, client: httpx.AsyncClient, objects: Sequence[str], version: str
    ) -> dict[str, dict[str, Any]]:
        return await salesforce_schema.fetch_schemas(client, objects, version)

    def drift(self, sobject: str, pack: Mapping[str, Any], live: Mapping[str, Any]) -> list[Drift]:
        return diff(sobject, pack, live)

    # -- ids and grounding ------------------------------------------------------------------

    def is_id(self, value: object) -> bool:
        return sfid.is_id(value)

    # No method around it: asked some thirty times a write. An id's key prefix names its
    # object, so the object adds nothing to its key.
    record_key = staticmethod(sfid.object_key)

    def id_prefix(self, record_id: str) -> str | None:
        return sfid.key_prefix(record_id)

    def accounts(self, sobject: str, record_id: str | None, fields: Mapping[str, Any]) -> set[str]:
        named = [fields.get(f) for f in sfid.ACCOUNT_FIELDS]
        if sobject == "Account":
            named.append(record_id)
        return {sfid.key(v) for v in named if isinstance(v, str) and v}

    # -- credentials ------------------------------------------------------------------------

    def agent_token(self, headers: Mapping[str, str]) -> str | None:
        if "Authorization" not in headers:
            return headers.get(SESSION_HEADER, "").strip() or None
        scheme, given = base.authorization(headers)
        return given or None if scheme in _SCHEMES else None

    def authorize(self, headers: CIMultiDict[str], credential: str) -> CIMultiDict[str]:
        out = base.bearer(headers, credential)
        out.popall(SESSION_HEADER, None)
        return out

    # -- the offline simulation ---------------------------------------------------------------

    def simulator(self, key_prefixes: Mapping[str, str]) -> SimulatedSalesforce:
        return SimulatedSalesforce(key_prefixes)


# -- helpers ------------------------------------------------------------------------------


def _effective_method(method: str, query: Mapping[str, str]) -> str:
    """The method the CRM executes: Salesforce documents ``_HttpMethod=PATCH`` on a POST and
    nothing else, so any other use of the parameter, in any case spelling of its name or value
    and on any method, is refused rather than guessed at."""
    given = [(k, v) for k, v in query.items() if k.lower() == _OVERRIDE.lower()]
    if not given:
        return method
    [(name, value)] = given  # decode_query refused a name given twice
    if method == "POST" and name == _OVERRIDE and value == "PATCH":
        return "PATCH"
    raise AmbiguousRequest(
        f"{name}={value} on a {method}: Salesforce documents only _HttpMethod=PATCH on a POST, "
        "so crm-guardrail refuses any other method override. Send the method itself."
    )


def _names_itself(attributes: Mapping[str, Any], record_id: str) -> bool:
    """Whether a row's Id is the record its ``attributes.url`` names (where it names one): a
    column shown under Id that is no record's id (an alias) would ground another record."""
    url = attributes.get("url")
    if not isinstance(url, str):
        return True
    named = url.rstrip("/").rpartition("/")[2]
    return sfid.is_id(named) and sfid.is_id(record_id) and sfid.same_id(named, record_id)


def _segments(path: str) -> list[str] | None:
    """The segments below ``/services/data/vXX.X`` of a decoded, checked path."""
    match = _DATA_PATH.match(path)
    if not match:
        return None
    rest = (match.group("rest") or "").removesuffix("/")
    return rest.split("/")[1:]


def _known_read(path: str, segments: Sequence[str] | None) -> bool:
    """Whether a GET of ``path`` is one of the endpoints Salesforce documents as reading only."""
    lowered = path.lower().removesuffix("/")
    if lowered in ("/services/data", "/services/oauth2/userinfo") or lowered.startswith("/id/"):
        return True
    if segments is None:
        return False
    if not segments:
        return True  # the resources of a version
    resource = segments[0].lower()
    if resource == "composite":  # sObject Collections' retrieve only
        return len(segments) == 3 and segments[1].lower() == "sobjects"
    return resource in _READ_RESOURCES


def _require_csv(content_type: str) -> None:
    mime = media_type(content_type, "text/csv;charset=UTF-8")
    if mime != "text/csv":
        raise UnsupportedMediaType(
            f"A bulk job's data is CSV; send it as text/csv (got {mime or 'no Content-Type'})."
        )


def _check_header_names(headers: MultiMapping[str]) -> None:
    """Refuse the headers the CRM could read otherwise than the proxy: a method override
    header, a session sent twice or in two headers, and a header whose name is a behaviour or
    override header's spelled with ``_`` for ``-`` (some servers read them as one)."""
    refuse_method_overrides(headers, "Salesforce")
    sessions = len(headers.getall("Authorization", [])) + len(headers.getall("X-SFDC-Session", []))
    if sessions > 1:
        raise AmbiguousRequest(
            "The request names its session more than once (Authorization twice, or with "
            "X-SFDC-Session); crm-guardrail cannot tell which one the CRM uses. Send one."
        )
    for name in headers:
        if "_" not in name:
            continue
        dashed = header_name(name).dashed
        if dashed.startswith(_BEHAVIOUR_PREFIXES) or dashed in _OVERRIDE_HEADERS_LOWER:
            raise AmbiguousRequest(
                f"The header {name} is spelled with _ for -; some servers read it as "
                f"{dashed}, so crm-guardrail refuses it. Spell it with dashes."
            )


@dataclass(frozen=True, slots=True)
class _Names:
    """What a request's header names decide, whatever their values: the checks that need
    not read the headers at all. Worked out once per list of names, which a client sends
    alike on every request."""

    checked: bool  # _check_header_names lets them through
    answers: bool  # refuse_unreadable_answers has a header to read
    behaviour: bool  # behaviour_headers has one
    conditions: bool  # _conditions has one
    dropped: frozenset[str]  # dropped_headers', the body sent as it is
    decoded: frozenset[str]  # and decoded from its content encoding


def _names_of(headers: MultiMapping[str]) -> _Names:
    """A request's _Names: kept per list of names when no name is sent twice (iterating
    headers gives each name once), else worked out for this request."""
    names = tuple(headers)
    if len(names) == len(headers):
        return _kept_names(names)
    return _names(tuple(name for name, _ in headers.items()))


def _names(names: tuple[str, ...]) -> _Names:
    headers = CIMultiDict((name, "") for name in names)
    try:
        _check_header_names(headers)
    except AmbiguousRequest:
        checked = False
    else:
        checked = True
    read = [header_name(name) for name in names]
    return _Names(
        checked=checked,
        answers=any(r.no_answer or r.accept for r in read),
        behaviour=any(_is_behaviour(name) for name in names),
        conditions=any(name in headers for name in salesforce_post.CONDITIONS),
        dropped=dropped_headers(names, ()),
        decoded=dropped_headers(names, ("content-encoding",)),
    )


# Bounded: the names are the sender's to choose.
_kept_names = functools.lru_cache(maxsize=1024)(_names)


def _conditions(headers: MultiMapping[str]) -> dict[str, str]:
    """The conditional headers sent (CanonicalRequest.conditions); one sent twice is refused."""
    return {
        name: value
        for name in salesforce_post.CONDITIONS
        if (value := single_header(headers, name)) is not None
    }


def behaviour_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The headers that change what Salesforce does with a write (``Sforce-*``, the package
    version headers), in Salesforce's spelling. A name sent twice, or a value Salesforce does
    not document (``salesforce_headers``), is refused: which one the CRM reads, or how, is not
    ours to guess. The session headers are credentials, never kept."""
    found: dict[str, str] = {}
    for name, value in headers:
        if not _is_behaviour(name):
            continue
        lower = header_name(name).lower
        spelled = _HEADER_SPELLING.get(lower) or "-".join(p.capitalize() for p in lower.split("-"))
        if spelled in found:
            raise AmbiguousRequest(
                f"The header {spelled} is sent more than once; crm-guardrail cannot tell which "
                "one the CRM reads. Send it once."
            )
        salesforce_headers.check_value(spelled, value)
        found[spelled] = value.strip() if isinstance(value, str) else value
    return found


def _is_behaviour(name: str) -> bool:
    """Whether ``name`` is a behaviour header (``Sforce-*``, ``X-SFDC-*``), a session aside."""
    lower = header_name(name).lower
    return lower.startswith(_BEHAVIOUR_PREFIXES) and lower not in _CREDENTIAL_HEADERS


#: What a subrequest's ``httpHeaders`` may hold, told to an agent that sent something else.
_SUBREQUEST_HEADERS = (
    f"the Sforce-* headers Salesforce documents and {', '.join(salesforce_post.CONDITIONS)} "
    "(a subrequest takes Accept, Authorization and Content-Type from the composite request)"
)


def _sub_headers(sub: Mapping[str, Any]) -> dict[str, str]:
    """A composite subrequest's own behaviour headers (``httpHeaders``), which Salesforce
    applies to it. Besides those it may hold only the conditions, which can stop its write
    (412) and change no other: any other header is one the dialect does not read, and unlike a
    request's own (Accept-Encoding, Cookie) it cannot be removed on the way without changing
    what was sent, so it is refused, and so is Accept, Authorization or Content-Type, which
    Salesforce refuses in a subrequest."""
    given = sub.get("httpHeaders", {})
    if not isinstance(given, dict) or not all(isinstance(v, str) for v in given.values()):
        raise MalformedBody("'httpHeaders' must be an object of header names to text.")
    refuse_odd_header_names(given, "Salesforce")
    _check_header_names(CIMultiDict(given))
    refuse_routing_headers(given, "Salesforce")
    refuse_unread_headers(
        ((name, value) for name, value in given.items() if not _is_behaviour(name)),
        b"",
        "Salesforce",
        salesforce_post.CONDITIONS,
        _SUBREQUEST_HEADERS,
    )
    return behaviour_headers(given.items())


def _with_headers(parsed: ParsedRequest, headers: Mapping[str, str]) -> ParsedRequest:
    """``parsed`` with ``headers`` on every intent, besides any an intent carries already (a
    composite subrequest's own). A header the request and a subrequest give different values
    is refused: which one the CRM applies is not the proxy's to guess."""
    if not headers or not parsed.intents:
        return parsed
    for intent in parsed.intents:
        for name, value in intent.headers.items():
            if name in headers and headers[name] != value:
                raise AmbiguousRequest(
                    f"{intent.ref or 'A subrequest'} sets {name}: {value}, the request "
                    f"{name}: {headers[name]}; crm-guardrail cannot tell which one the CRM "
                    "applies. Send it in one place."
                )
    intents = tuple(replace(i, headers={**headers, **i.headers}) for i in parsed.intents)
    return replace(parsed, intents=intents)


def _fields(payload: Any, where: str) -> dict[str, Any]:
    """A record's fields. A field set to a JSON object (a relationship written by one of the
    related record's fields) is refused: the related record is not named by id, so the write
    could not be judged against it; and ``attributes`` in another spelling is ambiguous."""
    record = json_object(payload, "record write" if where == "body" else where)
    fields: dict[str, Any] = {}
    for name, value in record.items():
        if name == "attributes":
            continue
        if name.lower() == "attributes":
            raise MalformedBody(f"{where}: write the record's type as 'attributes', not {name!r}.")
        if not _NAME.match(name):
            raise MalformedBody(
                f"{where}: {name[:100]!r} is not a field name (letters, digits and _, starting "
                "with a letter); a CRM that compares names loosely could read it as another "
                "field than the one judged. Spell the field as the describe does."
            )
        refuse_nested(
            where, name, value, "for a lookup, send the related record's id in the id field"
        )
        fields[name] = value
    return fields


def _row(payload: Any, sobject: str, record_id: str | None) -> dict[str, Any]:
    """The fields of a single-record write to ``sobject``'s record ``record_id`` (None: a
    create, or a write by another field). Its body may name no other object (``attributes``)
    and no other record (an ``Id`` the URL does not give): the CRM could read either one."""
    fields = _fields(payload, "body")
    if isinstance(payload, dict) and "attributes" in payload:
        _record_type(payload, "body", sobject)
    for name, value in fields.items():
        if name.lower() == "id" and not (
            record_id and isinstance(value, str) and sfid.same_id(value, record_id)
        ):
            raise another_record(name, value)
    return fields


def _field_value(fields: Mapping[str, Any], name: str, where: str) -> str | None:
    """The value of the lookup field ``name`` (in any case spelling) of the record ``where``,
    as text (None when absent); see ``_lookup_text``."""
    given = [(k, v) for k, v in fields.items() if k.lower() == name.lower()]
    return _lookup_text(given[0][1], where, given[0][0]) if given else None


def _lookup_text(value: Any, where: str, name: str) -> str | None:
    """A lookup field's value (``name``, given in ``where``) as the text a record is found by:
    given as text, or as a whole number (its digits). A JSON number with a fraction or an
    exponent, or a boolean, is refused (MalformedBody): the proxy would find the record by
    the text Python prints (``2.10`` as ``2.1``, ``true`` as ``True``), Salesforce by the
    number as it was written or as its own decimal, so each could find another record."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise MalformedBody(
        f"{where} names its record by {name} = {json.dumps(value)}, a JSON "
        f"{'boolean' if isinstance(value, bool) else 'number with a fraction or an exponent'}, "
        "which Salesforce may read as other text than crm-guardrail (2.10 is not 2.1 as "
        f"text), so it could find another record. Send {name} as text, in quotes, exactly as "
        "the record holds it."
    )


def _pop_id(fields: dict[str, Any], where: str) -> str | None:
    """The record id a collection record names (``id``, ``Id`` or any spelling), taken out of
    its fields; named twice is refused."""
    names = [n for n in fields if n.lower() == "id"]
    if len(names) > 1:
        raise MalformedBody(f"{where} names its id twice ({', '.join(names)}); send it once.")
    value = fields.pop(names[0]) if names else None
    if value is not None and not isinstance(value, str):
        raise MalformedBody(f"{where}.{names[0]} must be a record id.")
    return None if value is None else _record_id(value, where)


def _record_id(value: str, where: str) -> str:
    """A record id as the write names its record. Refused (AmbiguousRequest) when its suffix
    says other case than its letters have: one record read as written, another with the case
    the suffix gives, and the proxy cannot tell which the CRM reads (``sfid.case_fits``)."""
    if sfid.is_id(value) and not sfid.case_fits(value):
        raise AmbiguousRequest(
            f"{where} names the record {value!r}, whose last three characters say its letters "
            "are cased otherwise: read as written it is one record, read by its checksum "
            "another, so crm-guardrail cannot tell which one the CRM changes. Send the id "
            "exactly as the CRM returned it."
        )
    return value


def _object_name(name: str) -> str:
    if not _NAME.match(name):
        raise MalformedBody(f"{name!r} is not a valid sObject name.")
    return name


def _record_type(record: Mapping[str, Any], where: str, default: str | None) -> str:
    attributes = record.get("attributes")
    kind = attributes.get("type") if isinstance(attributes, dict) else None
    if isinstance(kind, str):
        if default and kind.lower() != default.lower():
            raise MalformedBody(
                f"{where} is a {kind}, but the URL names {default}; send records of one type."
            )
        return _object_name(kind)
    if default:
        return default
    raise MalformedBody(f"{where} has no attributes.type; name each record's sObject type.")


def _rows_saved(rows: Sequence[Any], intents: Sequence[WriteIntent]) -> Iterator[Saved]:
    """A collection's results, one per record in order; a record the answer has no result
    for (fewer rows than records, or a row of no shape) may have been saved all the same, so
    it is what an answer naming no record is (``Saved.taken``: an update the record it named, a
    create unnamed, its read-back failing), never skipped as refused."""
    for n, intent in enumerate(intents):
        row = rows[n] if n < len(rows) else None
        yield _row_saved(row, intent) if isinstance(row, dict) else Saved.taken(intent, None)


def _row_saved(row: Any, intent: WriteIntent) -> Saved:
    """A collection's result for one record: an upsert's says whether it was created (a
    create's or an update's says nothing: it is what was asked); a row not a success was
    refused (Salesforce answers ``success: false`` and its errors)."""
    if not isinstance(row, dict) or not row.get("success"):
        return Saved()
    created = row.get("created")
    return Saved.taken(
        intent, _str_or_none(row.get("id")), created if isinstance(created, bool) else None
    )


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _read_parameters(
    query: Mapping[str, str], documented: Collection[str], method: str, path: str
) -> None:
    """Refuse a write's query parameter that Salesforce does not document for its route
    (``documented``, in Salesforce's spelling), or a value of one it could read otherwise
    than the dialect: a parameter is something the CRM may act on, so a write carries only
    those the dialect reads (``_HttpMethod`` was read before)."""
    refuse_undocumented_parameters(query, documented, "Salesforce", f"{method} {path}")
    update_only = query.get("updateOnly", "false")
    if update_only.lower() not in ("true", "false"):
        raise AmbiguousRequest(
            f"updateOnly={update_only[:20]} is not a value Salesforce documents; send "
            "updateOnly=true (update the record found, create none) or leave it out."
        )


def _all_or_none(value: Any, in_url: bool = False) -> bool:
    """allOrNone: a JSON boolean in a body, ``true``/``false`` in a URL, else refused, so the
    guardrail never saves in part what the CRM would have refused whole (a JSON string is not
    a boolean to every reader)."""
    if in_url and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return _boolean(value, "allOrNone")


def _boolean(value: Any, name: str) -> bool:
    """A JSON boolean, else refused (a JSON string is not a boolean to every reader)."""
    if isinstance(value, bool):
        return value
    raise MalformedBody(f"{name} must be true or false, not {value!r}.")


def _refuse_unknown_keys(body: Mapping[str, Any], keys: Sequence[str], what: str) -> None:
    """Refuse a key of ``body`` other than ``keys`` (Salesforce's spelling)."""
    unknown = sorted(set(body) - set(keys))
    if unknown:
        raise MalformedBody(
            f"{what} holds {', '.join(keys)} only, not {unknown}; spell each as Salesforce "
            "documents it."
        )


def _collection_request(intents: list[WriteIntent], all_or_none: bool) -> ParsedRequest:
    parts = base.part_each(intents)
    return ParsedRequest(
        Shape.COLLECTION,
        tuple(intents),
        parts,
        all_or_none,
        base.only({i.object for i in intents if i.object}),
        base.only({str(i.operation) for i in intents}),
        reads=NOTHING,
    )


def _check_references(
    sub: Mapping[str, Any], ref: str, created: Mapping[str, str], read: bool
) -> None:
    """Refuse a subrequest that holds a composite reference (``@{...}``) anywhere but as a
    whole field value of a write, or a whole path segment of a read, naming the id of a record
    an earlier subrequest wrote. The CRM fills a reference in while it executes, so anything
    else (a value read by a GET subrequest or a query, a reference in a write's url, in a
    read's query or its path's other segments, a header, a key, or inside a longer text)
    would be written or read unjudged: the proxy judges the text ``@{...}``, the CRM what it
    stands for (a query's ``FOR VIEW``, which stamps what it returns)."""
    url, headers = sub.get("url"), sub.get("httpHeaders") or {}
    texts = [*headers, *headers.values()] if isinstance(headers, dict) else []
    if isinstance(url, str):
        raw_path, _, raw_query = url.partition("?")
        for path in (raw_path, decode_path(raw_path)):
            texts.extend(s for s in path.split("/") if not (read and _names_written(s, created)))
        texts.append(raw_query)
        texts.extend(t for pair in decode_query(raw_query).items() for t in pair)
    found = [t for t in texts if isinstance(t, str) and "@{" in t]
    for key, value in _pairs(sub.get("body")):
        if "@{" in key:
            found.append(key)
        if isinstance(value, str) and "@{" in value and not _names_written(value, created):
            found.append(value)
    if found:
        verb, whole = (
            ("reads", "a whole path segment") if read else ("writes", "a whole field value")
        )
        raise LookupUnresolved(
            f"Subrequest {ref} holds {found[0][:100]!r}, a value the CRM fills in while it "
            f"executes the request, so crm-guardrail cannot judge what it {verb}. A reference "
            f"may only stand for {whole} naming the id of a record an earlier subrequest wrote "
            "(@{ref.id}); send anything else (a record's id, a value it read) itself."
        )


def _names_written(text: str, created: Mapping[str, str]) -> bool:
    """Whether ``text`` is one whole reference to the id of a record an earlier subrequest
    wrote (``@{made.id}``): the CRM puts that record's id in its place."""
    match = _REFERENCE.match(text)
    return bool(match and match["attr"].lower() == "id" and match["ref"] in created)


def _pairs(value: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) of every object in a JSON value, and ("", item) for list items."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from _pairs(item)
    elif isinstance(value, list):
        for item in value:
            yield "", item
            yield from _pairs(item)


def _with_references(intent: WriteIntent, ref: str, created: Mapping[str, str]) -> WriteIntent:
    references: dict[str, str | None] = {}
    for name, value in intent.fields.items():
        match = _REFERENCE.match(value) if isinstance(value, str) else None
        if match:  # _check_references let through only the id of a record written before
            references[name] = created[match["ref"]]
    return replace(intent, ref=f"{ref}.{intent.ref}" if intent.ref else ref, references=references)


def _blocking(violations: Sequence[Violation]) -> Iterator[Violation]:
    return (v for v in violations if v.blocks)


def _error(violation: Violation, code_key: str) -> dict[str, Any]:
    return {
        "message": base.blocked(violation),
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
    return _failed_record(parsed, part, errors)


def _failed_record(parsed: ParsedRequest, part: Part, errors: list[Any]) -> dict[str, Any]:
    """A collection record's result: not written, for ``errors``."""
    result: dict[str, Any] = {"success": False, "errors": errors}
    record_id = parsed.intents[part.intents.start].record_id
    return {"id": record_id, **result} if record_id else result


def _sub_result(decision: Decision, part: Part) -> dict[str, Any]:
    errors = _part_errors(decision, part, "errorCode")
    if not errors:
        code, message = HALTED
        errors = [{"errorCode": code, "message": message}]
    return _failed_sub(part, errors)


def _failed_sub(part: Part, errors: list[Any]) -> dict[str, Any]:
    """A composite subrequest's result: refused (400), for ``errors``."""
    return {"body": errors, "httpHeaders": {}, "httpStatusCode": 400, "referenceId": part.ref}
