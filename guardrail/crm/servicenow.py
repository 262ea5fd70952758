"""The ServiceNow REST dialect.

Writes it reads (``/api/now``, unversioned or ``/v1``, ``/v2``):

    POST   /table/{table}              create
    PATCH  /table/{table}/{sys_id}     update
    PUT    /table/{table}/{sys_id}     update (the platform treats it as PATCH)
    DELETE /table/{table}/{sys_id}     delete
    POST   /v1/batch                   each ``rest_requests`` item read as the request it is
                                       (its ``body`` base64), judged as one of the above; saved
                                       in part, as the instance saves a batch
                                       (``servicenow_batch``); an item the instance is asked
                                       about first, after another write to its table, is
                                       refused (``ordered``: asked before the batch runs)

Reads are GET or HEAD, without a body, of the Table API, the Aggregate API (``/stats``) and
attachment metadata. ``POST /oauth_token.do`` exchanges a credential and writes no record.
The Import Set API (``/import``) is refused: its rows become writes to whatever table its
transform maps name, which the proxy cannot see, so it cannot be judged (write through the
Table API). Anything else is not understood, so it is refused unless the operator forwards
such requests unjudged.

Each request is read canonically (``guardrail.crm.canonical``): no method override (the
platform documents none for the Table API); values read as the platform stores them (text:
``1`` and ``"1"`` are the same choice, ``true`` is ``"true"``, ``null`` clears the field).
A write takes only the parameters the Table API documents for its method; those that change
what it does ride on every intent as ``intent.headers`` (``sysparm_suppress_auto_sys_field``,
``sysparm_query_no_domain``); ``sysparm_input_display_value=true`` (values given as display
values, resolved by the instance by name) is refused, because the proxy judges values, not
names; a read of display values alone (``sysparm_display_value=true``: a reference shown by
its record's name, a choice by its label) is refused too, because what a read shows is
recorded as what the record holds; a write setting ``sys_class_name`` to another table (the
platform reclassifies the record, moving it there) is refused too, and an update or a delete
is judged as a write to its record's own class, asked of the instance first: any table may be
extended (``task`` by cases, ``sys_user`` by contacts, the case table by an admin's case type),
and the instance writes a record of the child class through the parent's table too.
An update whose body gives a ``sys_id`` other than its URL's names another record, and is
refused (as Salesforce's ``Id`` and Zendesk's ``id``: ``canonical.another_record``).
A query parameter holding ``javascript:`` (script the instance runs in a filter) is refused on
any request, a batch item's too; in a body it is text the instance stores (ServiceNow documents
filters and queries as the places a client's script is evaluated: ``glide.script.use.sandbox``),
judged as written.
A write must be answered in JSON (no ``X-no-response-body``; a create's ``sysparm_fields``
lists ``sys_id``), so the proxy can tell what it saved. Blocks and errors are ServiceNow's
``{"error": {"message", "detail"}, "status": "failure"}``, with 400, so pysnc
raises its ``RequestException``.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

import httpx
from multidict import CIMultiDict

from guardrail.checks.compare import Kind
from guardrail.crm import (
    base,
    lookup_answers,
    ordered,
    servicenow_batch,
    servicenow_children,
    servicenow_post,
    servicenow_schema,
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
    BodyLimits,
    another_record,
    check_method,
    decode_content,
    decode_path,
    decode_query,
    dropped_headers,
    is_json,
    is_method,
    json_object,
    json_or_none,
    json_payload,
    not_json,
    parse_json,
    refuse_body,
    refuse_fragment,
    refuse_method_overrides,
    refuse_nested,
    refuse_override_parameters,
    refuse_routing_headers,
    refuse_undocumented_parameters,
    refuse_unforwarded_method,
    refuse_unread_headers,
    refuse_unreadable_answers,
    single_header,
)
from guardrail.crm.drift import Drift, diff
from guardrail.crm.markup import code_text
from guardrail.crm.servicenow_schema import as_text
from guardrail.crm.servicenow_sim import SimulatedServiceNow
from guardrail.errors import (
    AmbiguousRequest,
    DependencyFailure,
    MalformedBody,
    NotFound,
    RequestRejected,
    UnsupportedEndpoint,
)
from guardrail.model import Decision, Operation, Saved, WriteIntent

NAME = "servicenow"
_READ_METHODS = frozenset({"GET", "HEAD"})
_API = r"^/api/now(?:/v[12])?"
_TABLE = re.compile(_API + r"/table/(?P<table>[^/]+)(?:/(?P<id>[^/]+))?/?$")
_READ_ONLY = re.compile(_API + r"/(?:stats/[^/]+|attachment(?:/[^/]+)?)/?$")
_BATCH = re.compile(r"^/api/now(?:/v1)?/batch/?$")
_IMPORT = re.compile(r"^/api/now(?:/v[0-9]+)?/import(?:/|$)")
_OAUTH = "/oauth_token.do"
_TABLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,79}$")
SYS_ID = re.compile(r"^[0-9a-f]{32}$")
#: Parameters that change what a write does (the others shape the response only).
WRITE_PARAMETERS = (
    "sysparm_input_display_value",
    "sysparm_suppress_auto_sys_field",
    "sysparm_query_no_domain",
)
#: The parameters the Table API documents for each write (and pysnc's
#: sysparm_suppress_pagination_header); a write with any other is refused.
_RESPONSE_PARAMETERS = frozenset({"sysparm_display_value", "sysparm_exclude_reference_link",
                                  "sysparm_fields", "sysparm_view",
                                  "sysparm_suppress_pagination_header"})  # fmt: skip
_SAVE_PARAMETERS = _RESPONSE_PARAMETERS | {
    "sysparm_input_display_value", "sysparm_suppress_auto_sys_field"
}  # fmt: skip
_DOCUMENTED = {
    "POST": _SAVE_PARAMETERS,
    "PATCH": _SAVE_PARAMETERS | {"sysparm_query_no_domain"},
    "PUT": _SAVE_PARAMETERS | {"sysparm_query_no_domain"},
    "DELETE": frozenset({"sysparm_query_no_domain"}),
}
#: The field an encoded query's term names (then its operator and value: ``caller_id.name=x``,
#: ``ORDERBYcaller_id.name``, ``short_descriptionLIKEx``).
_TERM_FIELD = re.compile(r"[A-Za-z0-9_.]*")
#: An encoded query value that runs script on the instance (``javascript:...``).
_SCRIPT = re.compile(r"javascript\s*:", re.IGNORECASE)
_JSON = "application/json;charset=UTF-8"

AUTH = ParsedRequest(Shape.READ, reads=frozenset())
#: The query of the look-up of a record's class (one written through a base table).
_CLASS_ONLY = "sysparm_fields=sys_class_name"
#: What to send in place of a request the dialect does not know.
_INSTEAD = (
    "Write through the Table API (/api/now/table/{table}) or the Batch API, and read through "
    "the Table API."
)


#: The platform's base tables, which every instance extends (task: incidents, cases; sys_user:
#: contacts; core_company: accounts): a write through one may be to a record of any of them, so
#: in a batch it is taken to write each, and its class decides what else it changes.
EXTENDED = frozenset({"task", "sys_user", "core_company", "cmdb", "cmdb_ci"})

#: Fields whose value is the customer account a record belongs to (grounding, duplicates).
ACCOUNT_FIELDS = ("account",)


def dialect(options: DialectOptions) -> Dialect:
    """The dialect ``Settings.dialect: servicenow`` chooses (guardrail.crm.base.dialect_for)."""
    return ServiceNowDialect(options.forward_unknown_writes, options.limits)


class ServiceNowDialect:
    name = NAME
    key_prefixes: Mapping[str, str] = {}  # a sys_id does not say which table it belongs to
    id_field = "sys_id"
    token_path = "/oauth_token.do"  # noqa: S105 - a path, not a secret
    owner_fields: tuple[str, ...] = ()
    customer_objects: tuple[str, str] = ("customer_account", "customer_contact")
    assignee_fields: tuple[str, ...] = ()

    def __init__(
        self, forward_unknown_writes: bool = False, limits: BodyLimits | None = None
    ) -> None:
        self._forward_unknown = forward_unknown_writes
        self.limits = limits or BodyLimits()

    # -- the canonical request ----------------------------------------------------------------

    def canonical(self, raw: RawRequest) -> CanonicalRequest:
        raw = raw.end_to_end()
        check_method(raw.method, "ServiceNow", "GET, POST, PATCH, PUT or DELETE")
        refuse_method_overrides(raw.headers, "ServiceNow")
        refuse_fragment(raw.target)
        raw_path, _, raw_query = raw.target.partition("?")
        path, query = decode_path(raw_path), decode_query(raw_query)
        refuse_override_parameters(query, "ServiceNow")
        if raw.method not in _READ_METHODS:
            refuse_unreadable_answers(raw.headers.items(), "ServiceNow")
        encodings = raw.headers.getall("Content-Encoding", [])
        body = decode_content(encodings, raw.body, self.limits)
        refuse_body(raw.method, body, _READ_METHODS | {"DELETE", "OPTIONS"}, "ServiceNow")
        content_type = (single_header(raw.headers, "Content-Type") or "") if body else ""
        media_type = content_type.partition(";")[0].strip().lower()
        payload: Any = NO_BODY  # a body of another media type: refused once routed (parse)
        if body and path != _OAUTH and is_json(content_type, _JSON):
            payload = parse_json(body, self.limits)
        return CanonicalRequest(
            method=raw.method,
            path=path,
            query=query,
            target=raw.target,
            body=body,
            payload=payload,
            headers=_write_parameters(query),
            drop_headers=dropped_headers(raw.headers, encodings),
            media_type=media_type,
        )

    # -- reading requests -------------------------------------------------------------------

    def parse(self, request: CanonicalRequest) -> ParsedRequest:
        if request.path == _OAUTH and request.method == "POST":
            return AUTH
        # a body of another media type than JSON: refused as such once the route is known
        unread = request.media_type if request.body and request.payload is NO_BODY else None
        if _BATCH.match(request.path) and request.method == "POST":
            if unread is not None:
                raise not_json(unread)
            return self._batch(json_object(request.payload, "batch request"))
        return self._route(request.method, request.path, request.query, request.payload, unread)

    def _route(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        payload: Any,
        unread: str | None = None,
    ) -> ParsedRequest:
        _refuse_script(query)
        table = _TABLE.match(path)
        if method in _READ_METHODS:
            _refuse_display_values(query)
            if table:
                name = _table_name(table["table"])
                return ParsedRequest(Shape.READ, sobject=name, reads=_table_reads(name, query))
            if _READ_ONLY.match(path):
                return ParsedRequest(Shape.READ, reads=None)
            return self._unknown(method, path)
        if _IMPORT.match(path):
            raise UnsupportedEndpoint(
                "crm-guardrail refuses the Import Set API: its rows are written to tables its "
                "transform maps choose, which the proxy cannot see, so it cannot judge them. "
                "Write each record through the Table API (/api/now/table/{table})."
            )
        if table is None:
            return self._unknown(method, path)
        if unread is not None:
            raise not_json(unread)
        parsed = self._table_write(method, table, payload, path)
        if not parsed.intents:
            return parsed
        documented = _DOCUMENTED.get(method, frozenset())
        refuse_undocumented_parameters(query, documented, "ServiceNow", f"{method} {path}")
        if method == "POST":
            _refuse_answer_without_sys_id(query)
        # the answer shows the saved record, dot-walked fields (sysparm_fields) included
        reads = _table_reads(parsed.sobject, {"sysparm_fields": query.get("sysparm_fields", "")})
        return _with_parameters(replace(parsed, reads=reads), query)

    def _table_write(
        self, method: str, table: re.Match[str], payload: Any, path: str
    ) -> ParsedRequest:
        name, sys_id = _table_name(table["table"]), table["id"]
        if sys_id is not None and not SYS_ID.match(sys_id):
            raise MalformedBody(
                f"{sys_id[:64]!r} is not a sys_id (32 lower-case hexadecimal characters); name "
                "the record by its sys_id."
            )
        if method in ("POST", "PATCH", "PUT"):
            _refuse_reclassifying(name, payload)
        if method == "POST" and sys_id is None:
            intent = WriteIntent(NAME, name, Operation.CREATE, _fields(payload, "body"))
        elif method in ("PATCH", "PUT") and sys_id is not None:
            fields = _fields(payload, "body")
            # another record, or this one spelled otherwise than the URL must (lower case)
            if fields.get("sys_id", sys_id) != sys_id:
                raise another_record("sys_id", payload["sys_id"])
            intent = WriteIntent(NAME, name, Operation.UPDATE, fields, record_id=sys_id)
        elif method == "DELETE" and sys_id is not None:
            intent = WriteIntent(NAME, name, Operation.DELETE, {}, record_id=sys_id)
        else:
            return self._unknown(method, path)
        return base.single(intent, frozenset({name}))

    def _batch(self, body: Mapping[str, Any]) -> ParsedRequest:
        items = body.get("rest_requests")
        if not isinstance(items, list) or not items:
            raise MalformedBody("A batch request needs a non-empty 'rest_requests' list.")
        unknown = sorted(set(body) - {"batch_request_id", "rest_requests"})
        if unknown:
            raise MalformedBody(
                f"A batch request holds 'batch_request_id' and 'rest_requests' only, not {unknown}."
            )
        intents: list[WriteIntent] = []
        parts: list[Part] = []
        reads: frozenset[str] | None = frozenset()
        for n, item in enumerate(items):
            ref, inner = self._batch_item(item, n, {p.ref for p in parts})
            reads = base.read_together(reads, inner.reads)
            start = len(intents)
            intents.extend(replace(i, ref=ref) for i in inner.intents)
            parts.append(Part(ref, range(start, len(intents))))
        ordered.refuse_stale_lookups(intents, parts, self._asks_first, _same_table, "Batch request")
        return ParsedRequest(
            Shape.COLLECTION,  # each request on its own: the instance saves a batch in part
            tuple(intents),
            tuple(parts),
            False,
            base.only({i.object for i in intents}),
            base.only({str(i.operation) for i in intents}) or "read",
            reads=reads,
        )

    @staticmethod
    def _asks_first(intent: WriteIntent) -> bool:
        """Whether the instance is asked, before ``intent`` is judged, what an earlier item
        may change: the records it changes beside its own, or the class of a record written
        through a base table (any record, whose class decides which of those are asked). The
        class of a record named through any other table no earlier item changes: moving a
        record to another class is refused, and one an earlier item makes is not yet there to
        be asked about (refused as no record)."""
        through_base = (
            intent.object.lower() in EXTENDED and intent.operation is not Operation.CREATE
        )
        return through_base or bool(servicenow_children.lookups(intent))

    def _batch_item(self, item: Any, n: int, seen: set[str]) -> tuple[str, ParsedRequest]:
        """One ``rest_requests`` item, read as the request it stands for: its url as a
        request's target, its headers by the same rules, its body decoded and read strictly."""
        where = f"rest_requests[{n}]"
        if not isinstance(item, dict):
            raise MalformedBody(f"{where} must be an object.")
        unknown = sorted(set(item) - {"id", "method", "url", "headers", "body",
                                      "exclude_response_headers"})  # fmt: skip
        if unknown:
            raise MalformedBody(f"{where} holds fields the Batch API does not take: {unknown}.")
        ref, method, url = item.get("id"), item.get("method"), item.get("url")
        if not isinstance(ref, str) or not ref:
            raise MalformedBody(f"{where} needs an 'id' (text) naming it.")
        if ref in seen:
            raise MalformedBody(f"The batch item id {ref!r} is used twice; make each unique.")
        try:
            if not isinstance(method, str) or not is_method(method):
                raise MalformedBody("'method' must be an HTTP method such as GET, PATCH or POST.")
            refuse_unforwarded_method(method)
            if not isinstance(url, str) or not url.startswith("/") or url.startswith("//"):
                raise MalformedBody("'url' must be a path on the instance, such as /api/now/...")
            headers = _item_headers(item.get("headers", []))
            refuse_fragment(url)
            raw_path, _, raw_query = url.partition("?")
            path, query = decode_path(raw_path), decode_query(raw_query)
            refuse_override_parameters(query, "ServiceNow")
            if method not in _READ_METHODS:
                refuse_unreadable_answers(headers.items(), "ServiceNow")
            payload = self._item_body(item.get("body"), method, headers)
            if _BATCH.match(path):
                raise UnsupportedEndpoint("a batch cannot hold a batch.")
            if path == _OAUTH:
                raise UnsupportedEndpoint("a batch cannot exchange credentials.")
            return ref, self._route(method, path, query, payload)
        except RequestRejected as exc:
            raise type(exc)(f"Batch request {ref}: {exc.message}") from None

    def _item_body(self, encoded: Any, method: str, headers: Mapping[str, str]) -> Any:
        """The item's body, read by its headers (which may describe it and nothing more)."""
        body = self._item_bytes(encoded, method)
        refuse_unread_headers(headers.items(), body, "ServiceNow")
        if not body:
            return NO_BODY
        return json_payload(headers.get("content-type", ""), body, self.limits, _JSON)

    def _item_bytes(self, encoded: Any, method: str) -> bytes:
        if encoded is None or encoded == "":
            return b""
        if not isinstance(encoded, str):
            raise MalformedBody("'body' must be base64 text.")
        try:
            body = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise MalformedBody("'body' is not valid base64.") from None
        if method in _READ_METHODS | {"DELETE"}:
            raise AmbiguousRequest(f"a {method} carries no body; remove it.")
        if len(body) > self.limits.max_bytes:
            raise MalformedBody(
                f"'body' is over crm-guardrail's limit of {self.limits.max_bytes} bytes."
            )
        return body

    def _unknown(self, method: str, path: str) -> ParsedRequest:
        return base.unknown(self._forward_unknown, method, path, _INSTEAD)

    # -- rendering replies ------------------------------------------------------------------

    def render_block(self, parsed: ParsedRequest, decision: Decision) -> Reply:
        blocking = [v for v in decision.violations if v.blocks]
        if parsed.shape is Shape.COLLECTION:
            messages = [
                f"Batch request {part.ref}: {base.blocked(v)}"
                for part in parsed.parts
                for v in blocking
                if v.intent is not None and v.intent in part.intents
            ] or [base.blocked(v) for v in blocking]
            said = "Nothing in the batch was written."
        else:
            messages = [base.blocked(v) for v in blocking]
            said = "Nothing was written."
        detail = _detail(said, (f for v in blocking for f in v.fields))
        codes = sorted({v.code for v in blocking})
        return error_reply(400, " ".join(messages), f"{detail} ({', '.join(codes)})")

    def render_error(self, error: RequestRejected | DependencyFailure) -> Reply:
        if isinstance(error, NotFound):  # the instance's own words; why, in the detail
            return error_reply(error.status, "No Record found", error.message)
        return error_reply(error.status, error.message, error.code)

    # -- batches saved in part ----------------------------------------------------------------

    def narrow(
        self, request: CanonicalRequest, parsed: ParsedRequest, forwarded: Sequence[Part]
    ) -> Narrowed:
        return servicenow_batch.narrow(self.parse, request, parsed, forwarded)

    def merge(
        self, parsed: ParsedRequest, decision: Decision, forwarded: Sequence[Part], body: bytes
    ) -> bytes | None:
        def refused(part: Part) -> bytes:
            blocking = [
                v
                for v in decision.violations
                if v.blocks and v.intent is not None and v.intent in part.intents
            ]
            detail = _detail("Nothing was written.", (f for v in blocking for f in v.fields))
            return error_reply(400, " ".join(base.blocked(v) for v in blocking), detail).body

        return servicenow_batch.merge(parsed, forwarded, body, refused)

    # -- what ServiceNow does not have ------------------------------------------------------

    def job_rows(
        self,
        spec: JobSpec,
        job_id: str,
        request: CanonicalRequest,
        kinds: Callable[[str], Mapping[str, Kind]],
    ) -> ParsedRequest:
        raise UnsupportedEndpoint("ServiceNow has no bulk ingest jobs; use the Batch API.")

    def created_job(self, status: int, body: bytes) -> str | None:
        return None

    def job_saved(
        self, spec: JobSpec, status: int, body: bytes, kinds: Any
    ) -> tuple[tuple[str | None, Saved], ...]:
        return ()

    def lookups(self, intent: WriteIntent, path: str, answered: Collection[str]) -> tuple[str, ...]:
        """Every Table API write names its record by sys_id, and the record may be of any
        class extending the table named (a contact through sys_user, an admin's case type
        through the case table: any table may be extended), so an update's or a delete's
        class is asked, and the write judged as one to it. Then what the write changes beside
        its record is asked (``servicenow_children``): the children an incident's new state is
        carried to, the records a delete clears a reference in."""
        wanted = servicenow_children.lookups(intent)
        record = f"/{intent.record_id}?{_CLASS_ONLY}"
        if (
            intent.operation is not Operation.CREATE and intent.record_id
            and not any(t.endswith(record) for t in answered)  # its class is known
        ):  # fmt: skip
            wanted = (f"/api/now/table/{intent.object}{record}", *wanted)
        return lookup_answers.first_unanswered(wanted, answered)

    def resolved(self, intent: WriteIntent, target: str, status: int, body: bytes) -> WriteIntent:
        """The write through a base table, judged as a write to its record's own class; a write
        changing no record beside its own (``servicenow_children``)."""
        if not target.endswith(_CLASS_ONLY):
            return servicenow_children.resolved(intent, target, status, body)
        result = lookup_answers.answer(status, body, lookup_answers.gone(intent))
        found = _plain(result.get("result", {}).get("sys_class_name")) if isinstance(
            result, dict) and isinstance(result.get("result"), dict) else None  # fmt: skip
        if not isinstance(found, str) or not _TABLE_NAME.match(found):
            raise lookup_answers.failed(
                f"tell which class the {intent.object} record {intent.record_id} is",
                "the instance",
                status,
                then="Write it in its own table, or retry later.",
            )
        return intent if found == intent.object else replace(intent, object=found)

    def owner_lookup(self, sobject: str, record_id: str, path: str) -> str | None:
        return None  # whose a record is: as read (the pack's people-grounded)

    def owners(
        self, named: str, status: int, body: bytes, changed: WriteIntent | None
    ) -> tuple[str, ...]:
        return ()

    # -- reading responses ------------------------------------------------------------------

    def saved(self, parsed: ParsedRequest, status: int, body: bytes) -> tuple[Saved, ...]:
        """The ids saved; the Table API has no write that may either create or update (no
        upsert), so whether a record was made is what was asked."""
        intents = parsed.intents
        if status >= 300:
            return (Saved(),) * len(intents)
        if parsed.shape is Shape.COLLECTION:
            answers = dict(_serviced(json_or_none(body)))
            found = [Saved()] * len(intents)
            for part in parsed.parts:
                answered = answers.get(part.ref)
                if answered is not None and answered[0] < 300 and len(part.intents) == 1:
                    n = part.intents.start
                    found[n] = Saved.taken(intents[n], _result_id(answered[1]))
            return tuple(found)
        named = _result_id(json_or_none(body))
        return tuple(Saved.taken(i, named) for i in intents)

    def read_records(self, status: int, body: bytes) -> list[RecordRead]:
        if status != 200:
            return []
        answer = json_or_none(body)
        found: list[RecordRead] = []
        for row in _rows(answer):
            if len(found) >= base.MAX_READ_RECORDS:
                break
            fields = {k: _plain(v) for k, v in row.items()}
            sys_id = fields.get("sys_id")
            if isinstance(sys_id, str) and SYS_ID.match(sys_id):
                found.append(RecordRead(str(fields.get("sys_class_name") or ""), sys_id, fields))
        return found

    # -- read-back and revert ---------------------------------------------------------------

    def write_and_read(
        self,
        intent: WriteIntent,
        request: CanonicalRequest,
        fields: Iterable[str] | None,
        before: bool,
    ) -> Outbound | None:
        return servicenow_post.write_and_read(intent, request, fields, before)

    def written(self, status: int, headers: Mapping[str, str], body: bytes) -> Written | None:
        return servicenow_post.written(status, headers, body)

    def render_hold(self, parsed: ParsedRequest, decision: Decision, message: str) -> Reply:
        """A held write as the instance refuses one (pysnc raises RequestException), its
        detail the code saying it waits for approval; a batch is held whole."""
        return error_reply(400, message, HELD_CODE)

    def lookalikes(self, target: str, intent: WriteIntent) -> Outbound | None:
        return servicenow_post.lookalikes(intent.object, intent.fields)

    def lookalike_ids(self, status: int, body: bytes) -> list[str]:
        return list(servicenow_post.saved_records(status, body))

    def read_saved(
        self,
        request: CanonicalRequest,
        sobject: str,
        ids: Sequence[str],
        fields: Iterable[str] | None,
    ) -> Outbound:
        return servicenow_post.read_saved(sobject, ids, fields)

    def saved_records(self, status: int, body: bytes) -> Mapping[str, Record]:
        return servicenow_post.saved_records(status, body)

    def revert(
        self, request: CanonicalRequest, intent: WriteIntent, undo: Revert
    ) -> Outbound | None:
        return servicenow_post.revert(intent, undo)

    def reverted(self, status: int) -> str:
        return servicenow_post.reverted(status)

    def render_post_failure(
        self, parsed: ParsedRequest, messages: Sequence[tuple[str, Sequence[str]]]
    ) -> Reply:
        said = "The write was saved, then failed verification."
        detail = _detail(said, (f for _, named in messages for f in named))
        return error_reply(400, " ".join(m for m, _ in messages), detail)

    # -- describe and drift -----------------------------------------------------------------

    async def describe(
        self, client: httpx.AsyncClient, objects: Sequence[str], version: str
    ) -> dict[str, dict[str, Any]]:
        return await servicenow_schema.fetch_schemas(client, objects)

    def drift(self, sobject: str, pack: Mapping[str, Any], live: Mapping[str, Any]) -> list[Drift]:
        return diff(sobject, pack, live)

    # -- ids and grounding ------------------------------------------------------------------

    def is_id(self, value: object) -> bool:
        return isinstance(value, str) and SYS_ID.match(value) is not None

    def record_key(self, sobject: str, record_id: str) -> str:
        return record_id.lower()  # a sys_id is unique across tables: it names its record

    def id_prefix(self, record_id: str) -> str | None:
        return None

    def accounts(self, sobject: str, record_id: str | None, fields: Mapping[str, Any]) -> set[str]:
        named = [fields.get(f) for f in ACCOUNT_FIELDS]
        if sobject == "customer_account":
            named.append(record_id)
        return {v.lower() for v in named if isinstance(v, str) and v}

    # -- credentials ------------------------------------------------------------------------

    def agent_token(self, headers: Mapping[str, str]) -> str | None:
        scheme, given = base.authorization(headers)
        return given or None if scheme == "bearer" else None

    def authorize(self, headers: CIMultiDict[str], credential: str) -> CIMultiDict[str]:
        return base.bearer(headers, credential)

    # -- the offline simulation ---------------------------------------------------------------

    def simulator(self, key_prefixes: Mapping[str, str]) -> SimulatedServiceNow:
        return SimulatedServiceNow()


# -- helpers ------------------------------------------------------------------------------


def error_reply(status: int, message: str, detail: str | None) -> Reply:
    """ServiceNow's error body."""
    body = {"error": {"message": message, "detail": detail}, "status": "failure"}
    return base.json_reply(status, body, _JSON)


def _detail(said: str, fields: Iterable[str]) -> str:
    """An error's detail: what happened to the write, then the fields it names."""
    named = sorted(set(fields))
    return said + (f" Fields: {', '.join(named)}." if named else "")


def _item_headers(given: Any) -> CIMultiDict[str]:
    """A batch item's headers (``[{"name", "value"}]``), as sent; a name given twice, a method
    override or a routing header is refused (and any other the dialect does not read, with
    its body: ``refuse_unread_headers``)."""
    if not isinstance(given, list):
        raise MalformedBody("'headers' must be a list of {name, value} objects.")
    found: CIMultiDict[str] = CIMultiDict()
    for header in given:
        if (
            not isinstance(header, dict)
            or set(header) != {"name", "value"}
            or not all(isinstance(v, str) for v in header.values())
        ):
            raise MalformedBody("'headers' must be a list of {name, value} objects of text.")
        name = header["name"]
        if name in found:
            raise AmbiguousRequest(f"the header {name[:80]} is given twice; send it once.")
        found[name] = header["value"]
    refuse_method_overrides(found, "ServiceNow")
    refuse_routing_headers(found, "ServiceNow")
    return found


def _write_parameters(query: Mapping[str, str]) -> dict[str, str]:
    """The ``sysparm_*`` parameters that change what a write does, by their name; a display
    value input is refused (the instance resolves names the proxy cannot judge)."""
    given = {name.lower(): value for name, value in query.items()}  # in any spelling
    found = {name: given[name] for name in WRITE_PARAMETERS if name in given}
    if found.get("sysparm_input_display_value", "false").lower() != "false":
        raise AmbiguousRequest(
            "sysparm_input_display_value=true makes the instance read each value as a display "
            "value (a name it looks up), which crm-guardrail cannot judge. Send sys_ids and "
            "choice values without it."
        )
    return found


def _refuse_script(query: Mapping[str, str]) -> None:
    """Refuse a parameter whose value runs script on the instance: an encoded query's
    ``javascript:`` value is evaluated server-side, so even a read would run code the proxy
    cannot judge."""
    for name, value in query.items():
        if _SCRIPT.search(value):
            raise AmbiguousRequest(
                f"The query parameter {name[:80]!r} holds javascript:, which the instance runs "
                "as script; crm-guardrail does not forward code it cannot judge. Give the "
                "values themselves (a date, a sys_id)."
            )


def _refuse_display_values(query: Mapping[str, str]) -> None:
    """Refuse a read of display values alone (``sysparm_display_value=true``): the instance
    shows a reference as the referenced record's name and a choice as its label, and the proxy
    records what a read shows as what the record holds (whose it is), so a name that spells
    another record's sys_id would read as that record."""
    given = {name.lower(): value for name, value in query.items()}
    shown = given.get("sysparm_display_value", "false").lower()
    if shown not in ("false", "all"):
        raise AmbiguousRequest(
            f"sysparm_display_value={shown[:20]} shows display values (names, labels) in place "
            "of the values a record holds, which crm-guardrail reads to know whose the record "
            "is. Read with sysparm_display_value=all (each field's value and display value) or "
            "false."
        )


def _refuse_answer_without_sys_id(query: Mapping[str, str]) -> None:
    """Refuse a create whose answer may leave out the sys_id of the record it makes
    (``sysparm_fields`` not listing ``sys_id``, or ``sysparm_view`` without such a list): the
    proxy audits a create under that sys_id and reads it back, so without it a record would
    be made that no audited intent names (as with ``X-no-response-body``)."""
    fields = query.get("sysparm_fields")
    if fields is None and "sysparm_view" not in query:
        return
    if fields is not None and "sys_id" in fields.split(","):
        return
    asked = f"sysparm_fields={fields[:80]}" if fields is not None else "sysparm_view alone"
    raise AmbiguousRequest(
        f"This create asks for an answer without the sys_id of the record it makes ({asked}), "
        "and crm-guardrail audits and reads back a create by that sys_id. List sys_id in "
        "sysparm_fields (sysparm_fields=sys_id,...), or send the create without them."
    )


def _table_reads(table: str, query: Mapping[str, str]) -> frozenset[str] | None:
    """The tables a Table API read shows (agent token scopes): None when it dot-walks a
    reference (``caller_id.email`` in sysparm_fields or sysparm_query shows, or tests, a
    field of another table's record)."""
    terms = query.get("sysparm_query", "").split("^")
    named = query.get("sysparm_fields", "").split(",") + [
        found[0] for term in terms if (found := _TERM_FIELD.match(term))
    ]
    return None if any("." in name for name in named) else frozenset({table})


def _with_parameters(parsed: ParsedRequest, query: Mapping[str, str]) -> ParsedRequest:
    parameters = _write_parameters(query)
    if not parameters or not parsed.intents:
        return parsed
    return replace(parsed, intents=tuple(replace(i, headers=parameters) for i in parsed.intents))


def _refuse_reclassifying(table: str, payload: Any) -> None:
    """Refuse a write that sets a record's class (``sys_class_name``) to another table than the
    one it names: the platform reclassifies the record, moving it to that table, so a write
    judged as one table's would make a record of another."""
    given = payload.get("sys_class_name") if isinstance(payload, dict) else None
    if given is not None and as_text(given).lower() != table.lower():
        raise AmbiguousRequest(
            f"The write sets sys_class_name to {as_text(given)[:80]!r}, which moves the record "
            f"out of {table} into another table (the platform reclassifies it), and "
            "crm-guardrail judges a write as the table it names. Write the record in its own "
            "table without sys_class_name; a person reclassifies records."
        )


def _same_table(earlier: WriteIntent, later: WriteIntent) -> bool:
    """Whether ``earlier`` may change what the instance answers about ``later`` (its children,
    its class): a write to the same table, or through a base table, whose records may be any."""
    tables = {earlier.object.lower(), later.object.lower()}
    return len(tables) == 1 or not tables.isdisjoint(EXTENDED)


def _table_name(name: str) -> str:
    if not _TABLE_NAME.match(name):
        raise MalformedBody(f"{name[:80]!r} is not a table name.")
    return name


def _fields(payload: Any, where: str) -> dict[str, Any]:
    record = json_object(payload, "record write")
    fields: dict[str, Any] = {}
    for name, value in record.items():
        refuse_nested(where, name, value, "for a reference, send the sys_id")
        text = as_text(value)
        # HTML between [code] tags is rendered (journal entries): judged as it reads
        fields[name] = code_text(text) if "[code]" in text.lower() else text
    return fields


def _serviced(answer: Any) -> Iterator[tuple[str, tuple[int, Any]]]:
    """A batch answer's items: id -> (status, decoded JSON body)."""
    items = answer.get("serviced_requests") if isinstance(answer, dict) else None
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict) or not isinstance(item.get("status_code"), int):
            continue
        try:
            decoded = json_or_none(base64.b64decode(item.get("body") or ""))
        except (binascii.Error, TypeError):
            decoded = None
        yield str(item.get("id")), (item["status_code"], decoded)


def _result_id(answer: Any) -> str | None:
    result = answer.get("result") if isinstance(answer, dict) else None
    sys_id = _plain(result.get("sys_id")) if isinstance(result, dict) else None
    return sys_id if isinstance(sys_id, str) and sys_id else None


def _rows(answer: Any) -> Iterator[dict[str, Any]]:
    """The records a Table API answer (or a batch of them) shows."""
    if not isinstance(answer, dict):
        return
    if "serviced_requests" in answer:
        for _, (status, inner) in _serviced(answer):
            if status == 200:
                yield from _rows(inner)
        return
    result = answer.get("result")
    for row in result if isinstance(result, list) else [result]:
        if isinstance(row, dict):
            yield row


def _plain(value: Any) -> str | int | float | bool | None:
    """A field as read: its value (``{"value"}`` of a reference or of display value ``all``),
    else its display value."""
    if isinstance(value, dict):
        value = value.get("value", value.get("display_value"))
    return value if value is None or isinstance(value, str | int | float | bool) else None
