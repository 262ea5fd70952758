"""The Zendesk Support API dialect.

Writes it reads (below ``/api/v2``, ``.json`` optional, as Zendesk takes both):

    POST   /tickets                         create a ticket
    PUT    /tickets/{id}                    update (``comment``: public, or a private note)
    DELETE /tickets/{id}                    delete
    POST   /tickets/create_many             one create per ticket
    PUT    /tickets/update_many?ids=1,2     one update per id, all with the body's ``ticket``
    PUT    /tickets/update_many             one update per ``tickets[n]`` (each with its id);
                                            a solve after a write that may link or reopen
                                            an incident of it is refused (``ordered``)
    POST   /tickets/{id}/merge              an update of the target (its comment) and of each
                                            source (closed, tagged closed_by_merge, with its
                                            comment)
    POST   /users, /organizations           create
    PUT    /users/{id}, /organizations/{id} update
    POST   /users/create_or_update          by email or external_id: looked up, then judged
    POST   /organizations/create_or_update  as the update or the create it is (by id, or
                                            external_id; a body naming it two ways: refused)
    DELETE /users/{id}, /organizations/{id} delete
    DELETE /tickets/destroy_many?ids=1,2    one delete per id; users' and organizations' also
                                            by ?external_ids= (each looked up first)

Every GET reads (Zendesk's GETs write nothing). Any other write is not understood and refused
unless the operator forwards such requests unchecked. Zendesk is a Rails app, so a write
carries no query parameter but update_many's ``ids`` (Rails merges ``ticket[...]`` from the
query over the body's), no method override (header, ``_`` spelling or parameter), and a
UTF-8 JSON body; ``X-On-Behalf-Of`` (the write made as another user) rides on every intent as
``intent.headers``. A user made with an email names its organization (``organization_id``):
Zendesk puts one that names none in whichever organization's domain names hold the email's
domain, which the proxy cannot see. A write's fields are read flat
(``guardrail.crm.zendesk_fields``): ``comment.body``, ``comment.public``,
``custom_fields.<id>``; a ticket's tags also as the custom fields they set (a drop-down's
options are tags: ``guardrail.crm.zendesk_tags``, looked up in the account's ticket fields).
A block is Zendesk's own 422 ``RecordInvalid`` with ``details`` per
field, so zenpy raises its usual APIException; an unknown agent token is Zendesk's 401.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import httpx
from multidict import CIMultiDict, MultiMapping

from guardrail.crm import (
    base,
    lookup_answers,
    ordered,
    zendesk_effects,
    zendesk_schema,
    zendesk_tags,
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
    SimulatedCrm,
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
    json_or_none,
    not_json,
    parse_json,
    refuse_body,
    refuse_fragment,
    refuse_method_overrides,
    refuse_override_parameters,
    refuse_semicolons,
    refuse_undocumented_parameters,
    single_header,
)
from guardrail.crm.drift import Drift, diff
from guardrail.crm.markup import markdown_text
from guardrail.crm.zendesk_fields import (
    ID,
    comment_text,
    flat_record,
    flatten,
    id_like,
    is_int_id,
    unflatten,
)
from guardrail.crm.zendesk_sim import SimulatedZendesk
from guardrail.errors import (
    AmbiguousRequest,
    DependencyFailure,
    InvalidSession,
    LookupUnresolved,
    MalformedBody,
    NotFound,
    RequestRejected,
    UnsupportedEndpoint,
)
from guardrail.model import Decision, Operation, Saved, WriteIntent

NAME = "zendesk"
API = "/api/v2"
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_JSON = "application/json; charset=utf-8"
#: What an id in a write must be, in words, for the errors that refuse another.
_ID_FORM = "a number, or its digits alone as text: no spaces, line breaks or other digits"
#: resource (plural, as in the path) -> the object a write to it writes
_OBJECTS = {"tickets": "ticket", "users": "user", "organizations": "organization"}
#: what create_or_update finds an existing record by, in order
_MATCH_BY = {"user": ("email", "external_id"), "organization": ("external_id",)}
_NOTHING: frozenset[str] = frozenset()
#: Headers that change what Zendesk does with a write, by lower-case name -> as documented.
_BEHAVIOUR_HEADERS = {"x-on-behalf-of": "X-On-Behalf-Of"}
#: The only query parameters a write takes: update_many's and destroy_many's ``ids`` (a
#: user's or organization's destroy_many: or ``external_ids``); every other is refused.
_PARAMETERS = {
    "tickets/update_many": frozenset({"ids"}),
    "tickets/destroy_many": frozenset({"ids"}),
    "users/destroy_many": frozenset({"ids", "external_ids"}),
    "organizations/destroy_many": frozenset({"ids", "external_ids"}),
}
_METADATA = frozenset({"ticket_fields", "user_fields", "organization_fields", "groups",
                       "job_statuses", "brands", "locales", "custom_statuses"})  # fmt: skip
#: What to send in place of a request the dialect does not know.
_INSTEAD = (
    "Write tickets, users and organizations through their create, update, create_many, "
    "update_many, merge and create_or_update endpoints under /api/v2."
)


def dialect(options: DialectOptions) -> Dialect:
    """The dialect ``Settings.dialect: zendesk`` chooses (guardrail.crm.base.dialect_for)."""
    return ZendeskDialect(options.forward_unknown_writes, options.limits)


class ZendeskDialect:
    name = NAME
    key_prefixes: Mapping[str, str] = {}
    id_field = "id"
    token_path = "/oauth/tokens"  # noqa: S105 - a path, not a secret
    owner_fields: tuple[str, ...] = ()
    assignee_fields: tuple[str, ...] = ()
    # An account is an organization, a contact a user (end user) of it.
    customer_objects: tuple[str, str] = ("organization", "user")

    def __init__(
        self, forward_unknown_writes: bool = False, limits: BodyLimits | None = None
    ) -> None:
        self._forward_unknown = forward_unknown_writes
        self.limits = limits or BodyLimits()

    # -- the canonical request ----------------------------------------------------------------

    def canonical(self, raw: RawRequest) -> CanonicalRequest:
        raw = raw.end_to_end()
        check_method(raw.method, "Zendesk", "GET, POST, PUT or DELETE")
        refuse_method_overrides(raw.headers, "Zendesk")
        refuse_fragment(raw.target)
        raw_path, _, raw_query = raw.target.partition("?")
        path = decode_path(raw_path)
        refuse_semicolons(raw_query, "Zendesk")
        query = decode_query(raw_query)
        refuse_override_parameters(query, "Zendesk")
        encodings = raw.headers.getall("Content-Encoding", [])
        body = decode_content(encodings, raw.body, self.limits)
        refuse_body(raw.method, body, _READ_METHODS, "Zendesk")
        content_type = (single_header(raw.headers, "Content-Type") or "") if body else ""
        payload: Any = NO_BODY  # a body of another media type: refused once routed (parse)
        if body and is_json(content_type, "application/json"):
            payload = parse_json(body, self.limits)
        return CanonicalRequest(
            method=raw.method,
            path=path,
            query=query,
            target=raw.target,
            body=body,
            payload=payload,
            headers=_behaviour_headers(raw.headers),
            drop_headers=dropped_headers(raw.headers, encodings),
            media_type=content_type.partition(";")[0].strip().lower(),
        )

    # -- reading requests -------------------------------------------------------------------

    def parse(self, request: CanonicalRequest) -> ParsedRequest:
        segments = _segments(request.path)
        if request.method in _READ_METHODS:
            if segments is None:
                return self._unknown(request.method, request.path)
            reads = _reads(segments, request.query)
            return ParsedRequest(Shape.READ, sobject=_read_object(segments), reads=reads)
        if segments is None or not segments or segments[0] not in _OBJECTS:
            return self._unknown(request.method, request.path)
        parsed = self._write(request, segments)
        if not parsed.intents:
            return parsed
        documented = _PARAMETERS.get("/".join(segments), ())
        refuse_undocumented_parameters(
            request.query, documented, "Zendesk", f"{request.method} {request.path}"
        )
        if not request.headers:
            return parsed
        return replace(parsed, intents=tuple(
            replace(i, headers=request.headers) for i in parsed.intents
        ))  # fmt: skip

    def _write(self, request: CanonicalRequest, segments: list[str]) -> ParsedRequest:
        if request.body and request.payload is NO_BODY:
            raise not_json(request.media_type)
        obj = _OBJECTS[segments[0]]
        rest, method, payload = segments[1:], request.method, request.payload
        if method == "POST" and not rest:
            created = WriteIntent(NAME, obj, Operation.CREATE, _record(obj, payload, True))
            return base.single(_in_a_named_organization(created), _NOTHING)
        if len(rest) == 1 and ID.fullmatch(rest[0]):
            if method == "PUT":
                fields = _record(obj, payload, False)
                if "id" in fields and str(given := fields.pop("id")) != rest[0]:
                    raise another_record("id", given)
                updated = WriteIntent(NAME, obj, Operation.UPDATE, fields, record_id=rest[0])
                return base.single(updated, _NOTHING)
            if method == "DELETE":
                deleted = WriteIntent(NAME, obj, Operation.DELETE, {}, record_id=rest[0])
                return base.single(_restated(obj, payload, [deleted])[0], _NOTHING)
        if method == "POST" and rest == ["create_or_update"] and obj in _MATCH_BY:
            return base.single(_create_or_update(obj, payload), _NOTHING)
        if method == "DELETE" and rest == ["destroy_many"]:
            return _many(_restated(obj, payload, _destroy_many(obj, request.query), many=True))
        if obj == "ticket" and method == "POST" and rest == ["create_many"]:
            return _many(_create_many(payload))
        if obj == "ticket" and method == "PUT" and rest == ["update_many"]:
            return _many(_update_many(request.query, payload))
        merging = len(rest) == 2 and rest[1] == "merge" and ID.fullmatch(rest[0])
        if obj == "ticket" and method == "POST" and merging:
            return _many(_merge(rest[0], payload))
        return self._unknown(method, request.path)

    def _unknown(self, method: str, path: str) -> ParsedRequest:
        return base.unknown(self._forward_unknown, method, path, _INSTEAD)

    # -- rendering replies ------------------------------------------------------------------

    def render_block(self, parsed: ParsedRequest, decision: Decision) -> Reply:
        details: dict[str, list[dict[str, str]]] = {}
        for v in decision.violations:
            if not v.blocks:
                continue
            where = ""
            if parsed.shape is Shape.COLLECTION and v.intent is not None:
                where = f"{decision.intents[v.intent].ref}: "
            entry = {
                "description": f"{where}{base.blocked(v)}",
                "error": v.code,
            }
            details.setdefault(v.fields[0] if v.fields else "base", []).append(entry)
        return _invalid(details)

    def render_hold(self, parsed: ParsedRequest, decision: Decision, message: str) -> Reply:
        """A held write as Zendesk refuses a record (422 RecordInvalid: zenpy raises
        APIException), its description saying it waits for approval; a bulk call is held whole."""
        return _invalid({"base": [{"error": HELD_CODE, "description": message}]}, message)

    def lookalikes(self, target: str, intent: WriteIntent) -> Outbound | None:
        """None: Zendesk's search is eventually consistent, so it cannot say whether an
        interrupted create was saved (recovery then leaves it to a person)."""
        return None

    def lookalike_ids(self, status: int, body: bytes) -> list[str]:
        return []

    def render_error(self, error: RequestRejected | DependencyFailure) -> Reply:
        if isinstance(error, InvalidSession):
            return base.json_reply(401, {"error": "Couldn't authenticate you"}, _JSON)
        code = "RecordNotFound" if isinstance(error, NotFound) else error.code  # zenpy's cue
        body = {"error": code, "description": error.message}
        return base.json_reply(error.status, body, _JSON)

    def render_post_failure(
        self, parsed: ParsedRequest, messages: Sequence[tuple[str, Sequence[str]]]
    ) -> Reply:
        details: dict[str, list[dict[str, str]]] = {}
        for message, fields in messages:
            entry = {"description": message, "error": "GUARDRAIL_POST_VERIFY_FAILED"}
            for name in fields or ("base",):
                details.setdefault(name, []).append(entry)
        return _invalid(details)

    # -- requests saved in part, bulk jobs: Zendesk has neither to judge ----------------------

    def narrow(
        self, request: CanonicalRequest, parsed: ParsedRequest, forwarded: Sequence[Part]
    ) -> Narrowed:
        raise UnsupportedEndpoint(
            "crm-guardrail refuses a Zendesk bulk request whole when any of its records is "
            "blocked; resend it without the blocked ones."
        )

    def merge(
        self, parsed: ParsedRequest, decision: Decision, forwarded: Sequence[Part], body: bytes
    ) -> bytes | None:
        return None

    def job_rows(
        self, spec: JobSpec, job_id: str, request: CanonicalRequest, kinds: Any
    ) -> ParsedRequest:
        raise UnsupportedEndpoint("Zendesk has no bulk data upload crm-guardrail can judge.")

    def created_job(self, status: int, body: bytes) -> str | None:
        return None

    def job_saved(
        self, spec: JobSpec, status: int, body: bytes, kinds: Any
    ) -> tuple[tuple[str | None, Saved], ...]:
        return ()

    # -- writes by lookup field (create_or_update) -------------------------------------------

    def lookups(self, intent: WriteIntent, path: str, answered: Collection[str]) -> tuple[str, ...]:
        """The record a write names by email or external id first; then, once it is the write
        it makes, which custom fields its tags set, the incidents it would solve, whether a
        comment not saying is public, and the tickets a deleted agent would hand over."""
        if _by_lookup(intent):
            wanted: tuple[str | None, ...] = (_found_by(intent),)
        else:
            tags = zendesk_tags.FIELDS_PATH if zendesk_tags.sets_tags(intent) else None
            wanted = (
                tags,
                zendesk_effects.incidents(intent),
                zendesk_effects.first_comment(intent),
                zendesk_effects.assigned(intent),
            )
        return lookup_answers.first_unanswered(wanted, answered)

    def resolved(self, intent: WriteIntent, target: str, status: int, body: bytes) -> WriteIntent:
        if target == zendesk_tags.FIELDS_PATH:
            return zendesk_tags.selected(intent, status, body)
        if target == zendesk_effects.incidents(intent):
            return zendesk_effects.none_unsolved(intent, status, body)
        if target == zendesk_effects.first_comment(intent):
            return zendesk_effects.as_public_as_first(intent, status, body)
        if target == zendesk_effects.assigned(intent):
            return zendesk_effects.none_handed_over(intent, status, body)
        return _found(intent, status, body)

    def owner_lookup(self, sobject: str, record_id: str, path: str) -> str | None:
        return None  # whose a user or organization is: as read (the pack's people grounding)

    def owners(
        self, named: str, status: int, body: bytes, changed: WriteIntent | None
    ) -> tuple[str, ...]:
        return ()

    # -- the CRM's answers -------------------------------------------------------------------

    def saved(self, parsed: ParsedRequest, status: int, body: bytes) -> tuple[Saved, ...]:
        intents = parsed.intents
        if status >= 300:
            return (Saved(),) * len(intents)
        if parsed.shape is Shape.SINGLE:
            answer = json_or_none(body)
            record = answer.get(intents[0].object) if isinstance(answer, dict) else None
            saved = record.get("id") if isinstance(record, dict) else None
            # 201 Created; a create_or_update that updated an existing record answers 200.
            return (Saved.taken(intents[0], _str_or_none(saved), status == 201),)
        # A bulk call answers a job status: the ids of records it creates come later.
        return tuple(Saved(i.record_id, unnamed=i.record_id is None) for i in intents)

    def read_records(self, status: int, body: bytes) -> list[RecordRead]:
        """The tickets, users and organizations an answer shows. A job status's results are
        none: ids alone, of any job in the account (users' or organizations' too), with nothing
        to say whose the record is; the agent reads the records a job made to ground them."""
        if status != 200:
            return []
        answer = json_or_none(body)
        if not isinstance(answer, dict):
            return []
        rows: list[tuple[str, Any]] = []
        for obj in ("ticket", "user", "organization"):
            if isinstance(answer.get(obj), dict):
                rows.append((obj, answer[obj]))
            plural = answer.get(f"{obj}s")
            if isinstance(plural, list):
                rows.extend((obj, r) for r in plural)
        results = answer.get("results")
        for result in results if isinstance(results, list) else []:
            kind = result.get("result_type") if isinstance(result, dict) else None
            if kind in ("ticket", "user", "organization"):
                rows.append((kind, result))
        found = []
        for obj, row in rows[: base.MAX_READ_RECORDS]:
            if isinstance(row, dict) and is_int_id(row.get("id")):
                found.append(RecordRead(obj, str(row["id"]), flat_record(obj, row)))
        return found

    # -- read-back and revert -----------------------------------------------------------------

    def write_and_read(
        self,
        intent: WriteIntent,
        request: CanonicalRequest,
        fields: Iterable[str] | None,
        before: bool,
    ) -> Outbound | None:
        return None  # Zendesk has no request that writes and reads in one round trip

    def written(self, status: int, headers: Mapping[str, str], body: bytes) -> Written | None:
        return None

    def read_saved(
        self,
        request: CanonicalRequest,
        sobject: str,
        ids: Sequence[str],
        fields: Iterable[str] | None,
    ) -> Outbound:
        include = "&include=last_audits" if sobject == "ticket" else ""
        return Outbound("GET", f"{API}/{sobject}s/show_many.json?ids={','.join(ids)}{include}")

    def saved_records(self, status: int, body: bytes) -> Mapping[str, Record]:
        """The records read back; a ticket with the comment its last write added (from its
        last audit's Comment event), as ``comment.body`` (its body read as a write's is: as
        its Markdown shows it too) and ``comment.public``."""
        found = {
            self.record_key(r.object, r.id): dict(r.fields) for r in self.read_records(status, body)
        }
        answer = json_or_none(body)
        audits = answer.get("audits") if isinstance(answer, dict) else None
        for audit in audits if isinstance(audits, list) else []:
            ticket = str(audit.get("ticket_id")) if isinstance(audit, dict) else None
            record = found.get(self.record_key("ticket", ticket)) if ticket else None
            events = audit.get("events") if record is not None else None
            for event in events if isinstance(events, list) else []:
                if isinstance(event, dict) and event.get("type") == "Comment":
                    said = event.get("body")
                    shown = markdown_text(said) if isinstance(said, str) else said
                    record.update({"comment.body": shown,  # type: ignore[union-attr]
                                   "comment.public": event.get("public")})  # fmt: skip
        return found

    def revert(
        self, request: CanonicalRequest, intent: WriteIntent, undo: Revert
    ) -> Outbound | None:
        if undo.created:
            if intent.object != "ticket":
                return None  # a created user or organization is kept: deleting one cascades
            return Outbound("DELETE", f"{API}/tickets/{undo.record_id}.json")
        if undo.before is None or undo.after is None:
            return None
        changed = {
            name: undo.before.get(name)
            for name in undo.writable
            if name in undo.after and undo.before.get(name) != undo.after.get(name)
        }
        if not changed:
            return None
        record = unflatten(changed)
        if intent.object == "ticket":  # only if nobody changed it since it was read back
            record.update(safe_update=True, updated_stamp=undo.after.get("updated_at"))
        body = json.dumps({intent.object: record}).encode()
        return Outbound(
            "PUT", f"{API}/{intent.object}s/{undo.record_id}.json",
            {"Content-Type": "application/json"}, body,
        )  # fmt: skip

    def reverted(self, status: int) -> str:
        if status < 300:
            return "success"
        return "lost_race" if status == 409 else "failed"

    # -- describe and drift ------------------------------------------------------------------

    async def describe(
        self, client: httpx.AsyncClient, objects: Sequence[str], version: str
    ) -> dict[str, dict[str, Any]]:
        return await zendesk_schema.fetch_schemas(client, objects)

    def drift(self, sobject: str, pack: Mapping[str, Any], live: Mapping[str, Any]) -> list[Drift]:
        return diff(sobject, pack, live)

    # -- ids and grounding ------------------------------------------------------------------

    def is_id(self, value: object) -> bool:
        return id_like(value)

    def record_key(self, sobject: str, record_id: str) -> str:
        # Tickets, users and organizations are each numbered on their own: 40002 names one of
        # each, so the key names the resource (and never matches across them).
        return f"{sobject}:{record_id}"

    def id_prefix(self, record_id: str) -> str | None:
        return None

    def accounts(self, sobject: str, record_id: str | None, fields: Mapping[str, Any]) -> set[str]:
        named = [fields.get("organization_id")]
        if sobject == "organization":
            named.append(record_id)
        return {
            self.record_key("organization", str(v))
            for v in named
            if is_int_id(v) or (isinstance(v, str) and v)
        }

    # -- credentials ------------------------------------------------------------------------

    def agent_token(self, headers: Mapping[str, str]) -> str | None:
        """A bearer token, or the API token of basic ``{email}/token:{token}``."""
        scheme, given = base.authorization(headers)
        if scheme == "bearer":
            return given or None
        if scheme != "basic":
            return None
        try:
            user, _, secret = base64.b64decode(given, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return secret or None if user.endswith("/token") else None

    def authorize(self, headers: CIMultiDict[str], credential: str) -> CIMultiDict[str]:
        return base.bearer(headers, credential)

    # -- the offline simulation ---------------------------------------------------------------

    def simulator(self, key_prefixes: Mapping[str, str]) -> SimulatedCrm:
        return SimulatedZendesk()


# -- reading requests ---------------------------------------------------------------------------


def _behaviour_headers(headers: MultiMapping[str]) -> dict[str, str]:
    """The headers that change what Zendesk does with a write, in Zendesk's spelling:
    ``X-On-Behalf-Of`` makes it as another user (an end user: the write is theirs, not the
    agent's). Sent twice, or spelled with ``_`` (Rails reads it as the same header), refused."""
    found: dict[str, str] = {}
    for name, value in headers.items():
        spelled = _BEHAVIOUR_HEADERS.get(name.lower().replace("_", "-"))
        if spelled is None:
            continue
        if "_" in name or spelled in found:
            raise AmbiguousRequest(
                f"The header {spelled} is sent twice or spelled with _ for -; crm-guardrail "
                "cannot tell which one Zendesk reads. Send it once, with dashes."
            )
        found[spelled] = value.strip()
    return found


def _segments(path: str) -> list[str] | None:
    """The segments below /api/v2 of a decoded path, ``.json`` taken off the last."""
    if path != API and not path.startswith(API + "/"):
        return None
    rest = path.removeprefix(API).removesuffix("/")
    segments = rest.split("/")[1:] if rest else []
    if segments:
        segments[-1] = segments[-1].removesuffix(".json")
    return segments


def _read_object(segments: Sequence[str]) -> str:
    return _OBJECTS.get(segments[0], "") if segments else ""


def _reads(segments: Sequence[str], query: Mapping[str, str]) -> frozenset[str] | None:
    """The objects a GET shows (agent token scopes): None when the proxy cannot tell (a
    side-load, ``include=``, shows the users, organizations or groups a record names)."""
    if "include" in query:
        return None
    if not segments or segments[0] in _METADATA:
        return _NOTHING
    obj = _OBJECTS.get(segments[0])
    if obj is not None and (len(segments) <= 2 or segments[2] == "comments"):
        return frozenset({obj})
    return None


def _record(obj: str, payload: Any, creating: bool) -> dict[str, Any]:
    if not isinstance(payload, dict) or set(payload) != {obj}:
        raise MalformedBody(f'A {obj} write is {{"{obj}": {{...}}}} and nothing else.')
    return flatten(obj, payload[obj], obj, creating)


def _many(intents: list[WriteIntent]) -> ParsedRequest:
    """A request of several writes, which Zendesk runs in order (a job): one judged on a
    look-up after another that may change its answer is refused (``ordered``)."""
    parts = base.part_each(intents)
    ordered.refuse_stale_lookups(
        intents,
        parts,
        lambda later: zendesk_effects.incidents(later) is not None,
        zendesk_effects.may_add_incidents,
        "Record",
    )
    return ParsedRequest(
        Shape.COLLECTION, tuple(intents), parts, True, intents[0].object,
        base.only({str(i.operation) for i in intents}), reads=_NOTHING,
    )  # fmt: skip


def _create_or_update(obj: str, payload: Any) -> WriteIntent:
    """The write a create_or_update makes, by what names its record. Zendesk documents that
    it finds the record by any of them, not which first, so a body naming it two ways is
    refused; a number is matched as its text, as Zendesk casts it."""
    fields = _record(obj, payload, True)  # a user or organization: no comment to see to
    keys = (("id",) if obj == "organization" else ()) + _MATCH_BY[obj]
    named = [key for key in keys if fields.get(key) is not None]
    if len(named) > 1:
        raise AmbiguousRequest(
            f"This create_or_update names the {obj} by {' and by '.join(named)}; Zendesk does "
            "not document which it matches first, so crm-guardrail cannot tell which record "
            f"it changes. Name the {obj} one way: create it with POST /api/v2/{obj}s, or "
            f"update it by id with PUT /api/v2/{obj}s/{{id}}."
        )
    if not named:
        return WriteIntent(NAME, obj, Operation.CREATE, fields)
    key = named[0]
    value = fields.pop(key) if key == "id" else fields[key]
    if key == "id" and not id_like(value):
        raise MalformedBody(f"organization.id must be an organization id: {_ID_FORM}.")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value or value != value.strip():
        raise MalformedBody(f"{obj}.{key} must be text without spaces around it.")
    if key == "id":
        return WriteIntent(NAME, obj, Operation.UPDATE, fields, record_id=value)
    return WriteIntent(
        NAME, obj, Operation.UPSERT, fields, external_id_field=key, external_id=value
    )


def _found_by(intent: WriteIntent) -> str:
    """The search that finds the record a write names by external id or email, as Zendesk
    finds it."""
    value = str(intent.external_id)
    if intent.external_id_field == "external_id":  # an exact lookup, not the search index
        return f"{API}/{intent.object}s/search.json?external_id={quote(value, safe='')}"
    query = f'email:"{value.replace(chr(34), "")}"'
    return f"{API}/users/search.json?query={quote(query, safe='')}"


def _found(intent: WriteIntent, status: int, body: bytes) -> WriteIntent:
    """The write by lookup field as the write it makes, from Zendesk's search answer: an update
    or delete of the one record found, or a create. Raises LookupUnresolved, LookupFailed,
    InvalidSession."""
    named = f"The {intent.object} with {intent.external_id_field} = {intent.external_id!r}"
    answer = lookup_answers.answer(status, body)
    if not isinstance(answer, dict):
        raise lookup_answers.not_looked_up(named, "Zendesk", status)
    field, wanted = intent.external_id_field or "", str(intent.external_id).lower()
    listed = answer.get(f"{intent.object}s")
    rows = [r for r in (listed if isinstance(listed, list) else []) if isinstance(r, dict)]
    found = [r for r in rows if str(r.get(field, "")).lower() == wanted]
    if len(found) > 1:
        raise LookupUnresolved(f"{named} matches more than one record; name it by its id.")
    if not found and rows:
        # Found by it, yet not its value: a user's secondary email, which Zendesk matches.
        raise LookupUnresolved(
            f"{named} is no {intent.object}'s own {field}, yet Zendesk finds "
            f"{len(rows)} by it (a secondary email, say), so crm-guardrail cannot tell "
            f"which it would update. Name the {intent.object} by its id."
        )
    deleting = intent.operation is Operation.DELETE
    if not found and deleting:
        raise LookupUnresolved(f"{named} matches no record; there is nothing to delete.")
    if not found:
        return _in_a_named_organization(replace(intent, operation=Operation.CREATE, record_id=None))
    record = found[0]
    account = _str_or_none(
        record.get("id") if intent.object == "organization" else record.get("organization_id")
    )
    return lookup_answers.found(intent, str(record["id"]), account)


def _in_a_named_organization(created: WriteIntent) -> WriteIntent:
    """``created`` once it names the organization its user joins. Zendesk puts a new user
    whose write names none in the organization whose domain names hold their email's domain
    ("automatically assign them to an organization by their email address domain"), whoever's
    it is, which the proxy cannot see: so a user made with an email must name it."""
    fields = created.fields
    if created.object != "user" or fields.get("email") is None:
        return created
    if fields.get("organization_id") is None:
        raise AmbiguousRequest(
            "Zendesk puts a new user whose write names no organization in the organization "
            "whose domain names hold their email's domain, whoever's it is, and crm-guardrail "
            "cannot see which one that is. Name it: send organization_id (the customer's "
            "organization) with the user."
        )
    return created


def _create_many(payload: Any) -> list[WriteIntent]:
    tickets = payload.get("tickets") if isinstance(payload, dict) else None
    if not isinstance(tickets, list) or not tickets or set(payload) != {"tickets"}:
        raise MalformedBody('create_many takes {"tickets": [...]}, a non-empty list.')
    return [
        WriteIntent(
            NAME,
            "ticket",
            Operation.CREATE,
            flatten("ticket", t, f"tickets[{n}]", True),
            ref=f"tickets[{n}]",
        )
        for n, t in enumerate(tickets)
    ]


def _update_many(query: Mapping[str, str], payload: Any) -> list[WriteIntent]:
    if not isinstance(payload, dict):
        raise MalformedBody("update_many takes a JSON object.")
    if "ids" in query:
        ids = [i.strip() for i in query["ids"].split(",") if i.strip()]
        if not ids or not all(ID.fullmatch(i) for i in ids) or len(set(ids)) != len(ids):
            raise MalformedBody("update_many's ids must be distinct ticket ids, comma-separated.")
        if set(payload) != {"ticket"}:
            raise MalformedBody('An update of tickets by ids takes {"ticket": {...}} only.')
        fields = flatten("ticket", payload["ticket"], "ticket", False)
        return [
            WriteIntent(NAME, "ticket", Operation.UPDATE, fields, record_id=i, ref=f"ids[{n}]")
            for n, i in enumerate(ids)
        ]
    tickets = payload.get("tickets")
    if not isinstance(tickets, list) or not tickets or set(payload) != {"tickets"}:
        raise MalformedBody('update_many takes ?ids= with {"ticket"}, or {"tickets": [...]}.')
    intents = []
    for n, ticket in enumerate(tickets):
        where = f"tickets[{n}]"
        fields = flatten("ticket", ticket, where, False)
        record_id = fields.pop("id", None)
        if not id_like(record_id):
            raise MalformedBody(
                f"{where}.id must name its ticket ({_ID_FORM}); update_many names each ticket."
            )
        intents.append(WriteIntent(NAME, "ticket", Operation.UPDATE, fields,
                                   record_id=str(record_id), ref=where))  # fmt: skip
    if len({i.record_id for i in intents}) != len(intents):
        raise MalformedBody("update_many names a ticket twice; update each ticket once.")
    return intents


def _destroy_many(obj: str, query: Mapping[str, str]) -> list[WriteIntent]:
    """One delete per record ``ids`` names, or (users, organizations) ``external_ids``: each
    looked up, as Zendesk finds it, before it is judged."""
    given = [key for key in ("ids", "external_ids") if key in query]
    if len(given) != 1:
        raise MalformedBody(
            f"destroy_many names the {obj}s to delete once: by ?ids="
            + (" or by ?external_ids=." if obj != "ticket" else ".")
        )
    key = given[0]
    values = [v.strip() for v in query[key].split(",")]
    if not all(values) or len(set(values)) != len(values):
        raise MalformedBody(f"destroy_many's {key} must be distinct, comma-separated.")
    if key == "ids":
        if not all(ID.fullmatch(v) for v in values):
            raise MalformedBody(f"destroy_many's ids must be {obj} ids.")
        return [WriteIntent(NAME, obj, Operation.DELETE, {}, record_id=v, ref=f"ids[{n}]")
                for n, v in enumerate(values)]  # fmt: skip
    return [
        WriteIntent(NAME, obj, Operation.DELETE, {}, external_id_field="external_id",
                    external_id=v, ref=f"external_ids[{n}]")
        for n, v in enumerate(values)
    ]  # fmt: skip


def _restated(
    obj: str, payload: Any, deletes: list[WriteIntent], many: bool = False
) -> list[WriteIntent]:
    """``deletes``, once their body is judged. A DELETE carries no body in Zendesk's API, but
    zenpy sends the records it deletes as one (``{"user": {...}}``, ``{"users": [...]}`` for
    destroy_many), which Zendesk does not read; such a body naming exactly the records the URL
    does, in order, by id (or external_id), is taken. Any other is refused."""
    if payload is NO_BODY:
        return deletes
    key = f"{obj}s" if many else obj
    given = payload.get(key) if isinstance(payload, dict) and set(payload) == {key} else None
    records: list[Any] = (given if isinstance(given, list) else []) if many else [given]
    same = len(records) == len(deletes)
    if not same or not all(_names(r, d) for r, d in zip(records, deletes, strict=True)):
        raise AmbiguousRequest(
            "A DELETE carries no body in Zendesk's API (a client may send the records it "
            f"deletes, as {{{key!r}: ...}}, naming exactly the ones the URL does), and "
            "crm-guardrail does not forward bytes it has not judged. Send it without one."
        )
    return deletes


def _names(record: Any, delete: WriteIntent) -> bool:
    """Whether a record of a DELETE's body names the record ``delete`` deletes."""
    key, wanted = (
        ("external_id", delete.external_id)
        if delete.external_id_field
        else ("id", delete.record_id)
    )
    return isinstance(record, dict) and str(record.get(key)) == wanted


_MERGE_KEYS = frozenset({"ids", "target_comment", "source_comment", "target_comment_is_public",
                         "source_comment_is_public"})  # fmt: skip
#: The tag Zendesk adds to each ticket a merge closes: judged, as a drop-down may have it as an
#: option (``zendesk_tags``).
_MERGED_TAG = "closed_by_merge"


def _merge(target: str, payload: Any) -> list[WriteIntent]:
    """A merge as the writes it makes: the target gets a comment; each source gets a comment
    and is closed, tagged ``closed_by_merge``. Its comments are private notes: Zendesk makes
    them private whatever the merge asks when any of its tickets is private (or came from X,
    Facebook or a channel integration), which the request does not show, so a merge asking for
    a public one is refused rather than judged as a reply Zendesk may save as a note."""
    if not isinstance(payload, dict) or not set(payload) <= _MERGE_KEYS:
        raise MalformedBody(f"A merge takes {sorted(_MERGE_KEYS)} only.")
    given = payload.get("ids")
    if not isinstance(given, list) or not given or not all(id_like(i) for i in given):
        raise MalformedBody(f"A merge's ids must be a non-empty list of ticket ids ({_ID_FORM}).")
    ids = [str(i) for i in given]
    if target in ids or len(set(ids)) != len(ids):
        raise MalformedBody("A merge's ids must be distinct tickets other than the target.")

    def comment(which: str) -> dict[str, Any]:
        public = f"{which}_comment_is_public"
        if payload.get(public, False) is not False:
            raise AmbiguousRequest(
                f"This merge asks for {public}: {payload[public]!r}, but Zendesk keeps a "
                "merge's comments private whatever it asks when any of its tickets is private "
                "(or came from X, Facebook or a channel integration), which crm-guardrail "
                "cannot tell from the request. Merge with private comments (leave "
                f"{public} out, or send false), then reply to the customer on the ticket with "
                'PUT /api/v2/tickets/{id} and comment {"public": true}.'
            )
        text = comment_text(payload.get(f"{which}_comment"), f"{which}_comment")
        return {} if text is None else {"comment.body": text, "comment.public": False}

    intents = [WriteIntent(NAME, "ticket", Operation.UPDATE, comment("target"),
                           record_id=target, ref="target")]  # fmt: skip
    intents += [
        WriteIntent(
            NAME,
            "ticket",
            Operation.UPDATE,
            {"status": "closed", "additional_tags": [_MERGED_TAG], **comment("source")},
            record_id=str(i),
            ref=f"ids[{n}]",
        )
        for n, i in enumerate(ids)
    ]
    return intents


def _by_lookup(intent: WriteIntent) -> bool:
    """Whether ``intent`` names its record by a lookup field (create_or_update, destroy_many by
    external ids) and is not yet resolved to the write it makes."""
    return intent.operation in (Operation.UPSERT, Operation.DELETE) and bool(
        intent.external_id_field
    )


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _invalid(details: Mapping[str, Any], description: str = "Record validation errors") -> Reply:
    """Zendesk's refusal of a record (422 RecordInvalid: zenpy raises APIException), with
    ``details`` per field."""
    body = {"error": "RecordInvalid", "description": description, "details": details}
    return base.json_reply(422, body, _JSON)
