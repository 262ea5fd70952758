"""The Dialect protocol: everything crm-guardrail knows about one CRM's API.

A dialect reads a request once, canonically (``CanonicalRequest``: the request the CRM will
execute), then that reading into WriteIntents (or says it is a read), and renders a block or an
error in the CRM's own format, so the agent's unchanged client raises its usual exception.
Everything downstream (the token gate, the pipeline, forwarding, the audit log) works from the
canonical request, never from the raw one: what is judged is what is forwarded.

Beyond the request, a dialect owns every other CRM-specific part, so nothing outside
``guardrail/crm/``, the sandbox and the packs names a CRM:

- read-back and revert: the requests that read a saved record back (with the write and its
  pre-image in one round trip where the CRM allows) and undo it (``Outbound``, sent by the
  proxy's own sender, so they are traced and credentialed as any forwarded request);
- describe: the CRM's description of its objects as JSON Schema, and what drift between that
  and a pack's schema means;
- ids: their shape, the key two spellings of one id share, the object an id names (when ids
  say), and the customer accounts a write belongs to (grounding, duplicate detection);
- credentials: how an agent presents its session (so the token gate finds an agent token) and
  how the proxy's own credential is presented in its place; the CRM's "unauthenticated" error
  is ``render_error`` of an InvalidSession;
- a simulation of the CRM for ``guardrail test`` (``SimulatedCrm``).

``dialect_for(name)`` (``Settings.dialect``) finds the dialect of a CRM by convention: the module
``guardrail.crm.<name>`` (or package) exposes ``dialect(options) -> Dialect``. A new CRM is a new
module there; nothing else changes.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Protocol

import httpx
from multidict import CIMultiDict, CIMultiDictProxy

from guardrail.checks.compare import Kind
from guardrail.crm.canonical import BodyLimits, end_to_end_headers
from guardrail.crm.drift import Drift
from guardrail.errors import (
    ConfigError,
    DependencyFailure,
    MalformedBody,
    RequestRejected,
    UnsupportedEndpoint,
)
from guardrail.model import Decision, Saved, Violation, WriteIntent
from guardrail.upstream import UpstreamResponse

#: Not forwarded with a body the proxy rewrote: it is sent unencoded.
_RECODED = frozenset({"content-encoding"})


@dataclass(frozen=True, slots=True)
class RawRequest:
    """A request as it arrived: ``target`` is the origin-form path and query, byte for byte."""

    method: str
    target: str
    headers: CIMultiDict[str] | CIMultiDictProxy[str]
    body: bytes = b""

    def end_to_end(self) -> RawRequest:
        """This request as the CRM gets it (``end_to_end_headers``): what a dialect reads."""
        headers = end_to_end_headers(self.headers)
        return self if headers is self.headers else replace(self, headers=headers)


@dataclass(frozen=True, slots=True)
class CanonicalRequest:
    """The request the CRM will execute, read once: the only reading judged and forwarded.

    ``method`` is the effective method (an override the CRM documents applied), ``path`` the
    percent-decoded path, ``query`` the parameters the CRM reads (one value each, the override
    removed). ``target`` (raw path and query, the override removed) and ``body`` (decoded from
    its content encoding) are what is forwarded, with ``method``; ``drop_headers`` are the
    request headers that no longer describe it (Content-Encoding once decoded). ``payload`` is
    the body parsed when it is JSON (``guardrail.crm.canonical.NO_BODY`` when there is none,
    or it is another ``media_type``: a dialect's parse refuses it or reads it, CSV say, from
    ``body``). ``headers`` are
    the headers that change what the CRM does with a write, in the CRM's documented spelling;
    they ride on every intent (``intent.headers`` in rules).
    """

    method: str
    path: str
    query: Mapping[str, str]
    target: str
    body: bytes
    payload: Any
    headers: Mapping[str, str]
    drop_headers: frozenset[str] = frozenset()
    media_type: str = ""
    #: The conditional headers (``If-Match``, ``If-Unmodified-Since``...) the CRM evaluates
    #: on the record the request writes, in their documented spelling: a request the proxy
    #: makes in its place (a write wrapped with its read-back) carries them where the CRM
    #: reads them, so a write the CRM would refuse (412) is refused there too.
    conditions: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_read(self) -> bool:
        return self.method in ("GET", "HEAD", "OPTIONS")

    def rewritten(self, payload: Any) -> CanonicalRequest:
        """This request with ``payload`` as its JSON body, as the proxy rewrote it (a request
        saved in part, narrowed): sent unencoded."""
        return replace(
            self,
            body=json.dumps(payload).encode(),
            payload=payload,
            drop_headers=self.drop_headers | _RECODED,
        )


#: The error code of a write held for a person's approval, in every dialect's error format.
HELD_CODE = "GUARDRAIL_HELD_FOR_APPROVAL"


def blocked(violation: Violation) -> str:
    """A blocking rule's message as every dialect's error format words it: the policy and the
    rule that blocked, then how to fix the write."""
    return f"Blocked by crm-guardrail ({violation.policy}/{violation.rule}): {violation.message}"


class Shape(StrEnum):
    """How a request carries its writes; decides how a block is rendered."""

    READ = "read"
    SINGLE = "single"
    COLLECTION = "collection"
    COMPOSITE = "composite"
    BULK = "bulk"  # a bulk job's creation, data upload or state change


@dataclass(frozen=True, slots=True)
class Part:
    """One addressable piece of a request (a collection record, a composite subrequest) and the
    intents (by index) it carries."""

    ref: str
    intents: range


@dataclass(frozen=True, slots=True)
class JobStep:
    """A step of a bulk ingest job (guardrail.bulk): ``create`` (``spec`` says what the job
    is), ``upload`` of its data, ``state`` (to ``state``) or ``delete`` of job ``job_id``, or
    the read of its ``results`` (what the CRM did with each row)."""

    kind: str
    job_id: str = ""
    state: str = ""
    spec: JobSpec | None = None


@dataclass(frozen=True, slots=True)
class JobSpec:
    """What a bulk ingest job writes, as its creation said: the CRM's words."""

    object: str
    operation: str
    external_id_field: str | None = None
    line_ending: str = "LF"
    column_delimiter: str = "COMMA"


@dataclass(frozen=True, slots=True)
class ParsedRequest:
    shape: Shape
    intents: tuple[WriteIntent, ...] = ()
    parts: tuple[Part, ...] = ()
    all_or_none: bool = True
    sobject: str = ""  # for metrics: the one object written, or "" when several
    operation: str = "read"  # for metrics: the one operation, "mixed" or "read"
    #: The objects whose records the response may show beyond what the request writes (a
    #: read's, a composite's GET subrequests'); None when the dialect cannot tell. Agent token
    #: scopes check them.
    reads: frozenset[str] | None = None
    #: The bulk job step a BULK request makes.
    job: JobStep | None = None
    #: Whether a read's answer is the CRM's records, which the dialect's ``read_records``
    #: may take as what the agent saw. False where its content is whatever someone stored (a
    #: file's bytes) or the dialect cannot tell (an endpoint it does not know): records
    #: forged there would ground writes, so such an answer grounds nothing.
    shows_records: bool = True


#: A request the dialect does not know, forwarded unchecked where the operator chose so.
READ = ParsedRequest(shape=Shape.READ, shows_records=False)


def unknown(forward: bool, method: str, path: str, instead: str) -> ParsedRequest:
    """A request the dialect cannot read: READ where the operator forwards such requests
    unjudged (``DialectOptions.forward_unknown_writes``), else refused (UnsupportedEndpoint:
    a request the proxy cannot read may write), saying what to send ``instead``."""
    if forward:
        return READ
    raise UnsupportedEndpoint(
        f"crm-guardrail does not know how to check {method} {path}, so it refuses it (a "
        f"request it cannot read may write). {instead}"
    )


def part_each(intents: Sequence[WriteIntent]) -> tuple[Part, ...]:
    """The parts of a request of records each its own (a collection's, a job's rows): one
    part per intent, by its ref."""
    return tuple(Part(i.ref, range(n, n + 1)) for n, i in enumerate(intents))


def single(intent: WriteIntent, reads: frozenset[str] | None) -> ParsedRequest:
    """A request writing one record, whose answer shows the objects ``reads``."""
    return ParsedRequest(
        Shape.SINGLE, (intent,), (Part("", range(1)),), True, intent.object, intent.operation,
        reads=reads,
    )  # fmt: skip


def read_together(
    reads: frozenset[str] | None, more: frozenset[str] | None
) -> frozenset[str] | None:
    """The objects two parts of one request show together (``ParsedRequest.reads``): None,
    not known, when either part's is not."""
    return None if reads is None or more is None else reads | more


def only(values: Collection[str]) -> str:
    """The one object or operation of a request's several (for metrics): "mixed" when they
    differ, "" when there are none."""
    return next(iter(values)) if len(values) == 1 else ("mixed" if values else "")


@dataclass(frozen=True, slots=True)
class Narrowed:
    """A request cut down to some of its parts, and what the dialect reads in it."""

    request: CanonicalRequest
    parsed: ParsedRequest


#: A dialect's ``parse``.
Parse = Callable[[CanonicalRequest], ParsedRequest]


def narrowed(
    parse: Parse, request: CanonicalRequest, wanted: Sequence[WriteIntent], refusal: str
) -> Narrowed:
    """``request``, cut down to the parts forwarded, with its reading, which must hold exactly
    the ``wanted`` intents (each ref aside: a record's place in the request), so that what is
    sent is what was judged. Raises MalformedBody (``refusal``: nothing is sent) otherwise."""
    reading = parse(request)
    if [replace(i, ref="") for i in reading.intents] != [replace(i, ref="") for i in wanted]:
        raise MalformedBody(refusal)
    return Narrowed(request, reading)


@dataclass(frozen=True, slots=True)
class Reply:
    """A response the proxy makes itself (a block or an error)."""

    status: int
    body: bytes
    headers: Mapping[str, str]


def json_reply(status: int, body: Any, content_type: str) -> Reply:
    """A reply of ``body`` as JSON, its ``content_type`` spelled as the CRM spells its own."""
    return Reply(status, json.dumps(body).encode(), {"Content-Type": content_type})


#: The records of one read's answer taken as what the agent saw (``Dialect.read_records``):
#: enough to ground ids, bounded for huge queries.
MAX_READ_RECORDS = 200


@dataclass(frozen=True, slots=True)
class RecordRead:
    object: str
    id: str
    fields: Mapping[str, str | int | float | bool | None]


#: A saved record as the CRM shows it: field name -> value.
Record = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Outbound:
    """A request the proxy makes for itself (a read-back, a revert): sent through the proxy's
    sender with the agent's end-to-end headers (its session, or the proxy's credential in
    token mode), ``headers`` set over them."""

    method: str
    target: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass(frozen=True, slots=True)
class Written:
    """A single-record write made in the same round trip as its read-back (``write_and_read``).

    ``reply`` is what the original endpoint would have answered the agent; ``record_id`` the
    saved record's id (None when the write failed); ``before`` the pre-image (when asked for
    and the record existed) and ``after`` the saved record, both None when the write failed.
    """

    reply: Reply
    record_id: str | None
    before: Record | None
    after: Record | None
    created: bool


@dataclass(frozen=True, slots=True)
class Revert:
    """How to undo one saved write, given the policy's wishes.

    ``mark`` (fields to set on a created record where deleting is not allowed) and ``writable``
    (the fields a revert may set back: the policy schema's writable ones) come from the policy.
    """

    record_id: str
    created: bool
    before: Record | None
    after: Record | None
    writable: Collection[str]
    mark: Mapping[str, Any] | None = None

    def restored(self, kept: Collection[str] = ()) -> dict[str, Any]:
        """What undoing an update sets back: the pre-image's value of each writable field the
        save changed (the write's and its triggers'), but those ``kept`` (a journal's entries,
        which a revert would add to); empty unless both the pre-image and the saved record
        are known."""
        if not self.before or not self.after:
            return {}
        after = self.after
        return {
            name: value
            for name, value in self.before.items()
            if name in self.writable and name not in kept and after.get(name) != value
        }


@dataclass(frozen=True, slots=True)
class StartingRecord:
    """A record every scenario starts with (guardrail.scenarios): its placeholder (``account``,
    ``contact``, ``case``, and ``other_`` each for someone else), the CRM's object, and default
    fields. Field values may name placeholders of the records before it."""

    key: str
    sobject: str
    fields: Mapping[str, Any]


class SimulatedCrm(Protocol):
    """The CRM as ``guardrail test`` simulates it: records held in memory, reads answered in the
    CRM's own response format (so the dialect's ``read_records`` reads them), allowed writes
    saved. A scenario's paths are below ``api_path``; it starts with ``starting_records``
    (the customer's account, contact and open case, and someone else's, in creation order), and
    ``{queue:Name}`` in it is the id of ``queues[Name]`` (the queues or groups a pack routes to).
    """

    api_path: str
    starting_records: Sequence[StartingRecord]
    queues: Mapping[str, str]

    def create(self, sobject: str, fields: Mapping[str, Any]) -> str:
        """Make a record (a scenario's starting record, a create); its id, in the CRM's shape."""
        ...

    def read(self, what: str) -> bytes:
        """The response body of a read (a path below ``api_path``, or a query the simulation
        reads). Raises ValueError (ScenarioError) for one it cannot answer."""
        ...

    async def get(self, target: str) -> UpstreamResponse:
        """The CRM's answer to the GET the proxy makes to resolve a write by lookup field."""
        ...

    def save(self, intents: Sequence[WriteIntent], shape: Shape) -> tuple[str | None, ...]:
        """Save each intent of an allowed write of that shape; the id of each record as the
        CRM's answer gives it (None where it gives none: a job's records, saved later)."""
        ...


class Dialect(Protocol):
    """One CRM's API, as the proxy, the pipeline and the tools need to know it."""

    name: str

    # -- the canonical request and its writes ---------------------------------------------------

    def canonical(self, raw: RawRequest) -> CanonicalRequest:
        """The request as the CRM will execute it. Raises RequestRejected for one the CRM could
        read otherwise than the proxy, or that the proxy cannot read at all."""
        ...

    def parse(self, request: CanonicalRequest) -> ParsedRequest:
        """Read the writes in a canonical request. Raises RequestRejected when it cannot be read
        (a request that is neither a read of a known read endpoint nor a write it understands)."""
        ...

    def render_block(self, parsed: ParsedRequest, decision: Decision) -> Reply:
        """The CRM's own error response for a blocked write, naming each rule and its fix."""
        ...

    def render_hold(self, parsed: ParsedRequest, decision: Decision, message: str) -> Reply:
        """The CRM's own error response for a write held for approval (not sent), carrying
        ``message`` (what waits, for how long, under which decision id)."""
        ...

    def lookalikes(self, target: str, intent: WriteIntent) -> Outbound | None:
        """A read of the records that look like what ``intent`` creates (every field it sets
        equal), in the API of ``target``; None when the CRM cannot be asked. A held create
        notes them before it is sent, so recovery after a crash can tell the one it made."""
        ...

    def lookalike_ids(self, status: int, body: bytes) -> list[str]:
        """The ids ``lookalikes``'s read found."""
        ...

    def render_error(self, error: RequestRejected | DependencyFailure) -> Reply:
        """The CRM's own error response for a request the proxy could not judge or forward.
        An InvalidSession is the CRM's own "unauthenticated" answer (Salesforce 401
        ``INVALID_SESSION_ID``), so the client does what it does when its session ends."""
        ...

    def narrow(
        self, request: CanonicalRequest, parsed: ParsedRequest, forwarded: Sequence[Part]
    ) -> Narrowed:
        """The request holding only the ``forwarded`` parts of a request the CRM saves part by
        part, and its reading, which holds exactly their intents. Raises RequestRejected when
        there is no such request."""
        ...

    def merge(
        self, parsed: ParsedRequest, decision: Decision, forwarded: Sequence[Part], body: bytes
    ) -> bytes | None:
        """One answer in the original order from the CRM's answer (``body``) to the narrowed
        request and the blocked parts' errors in ``decision``; None when the CRM's answer is
        not one to merge (the whole call failed)."""
        ...

    def job_rows(
        self,
        spec: JobSpec,
        job_id: str,
        request: CanonicalRequest,
        kinds: Callable[[str], Mapping[str, Kind]],
    ) -> ParsedRequest:
        """The writes an upload of data to a bulk job makes (guardrail.bulk), one intent per
        row; ``kinds`` types each field of an object. Raises RequestRejected."""
        ...

    def created_job(self, status: int, body: bytes) -> str | None:
        """The id of the bulk job the CRM answered a job creation with, if it made one."""
        ...

    def job_saved(
        self,
        spec: JobSpec,
        status: int,
        body: bytes,
        kinds: Callable[[str], Mapping[str, Kind]],
    ) -> tuple[tuple[str | None, Saved], ...]:
        """What the CRM answered it did with each row of a bulk job's upload, from its answer
        to the job's ``results`` step: each row's external id (as ``job_rows`` read it) and
        what was saved; empty where it does not say (a job that upserts nothing)."""
        ...

    def lookups(self, intent: WriteIntent, path: str, answered: Collection[str]) -> tuple[str, ...]:
        """The targets of the next GETs (below the request's ``path``'s API) the CRM must
        answer before ``intent`` is judged as the write the CRM will make (the record it names
        by a lookup field; then what that write does there), other than those ``answered`` for
        it already, none needing another's answer; empty when it needs no other. Raises
        RequestRejected when the record cannot be looked up (guardrail.lookups)."""
        ...

    def resolved(self, intent: WriteIntent, target: str, status: int, body: bytes) -> WriteIntent:
        """``intent`` as the write the CRM will make, given the CRM's answer to the GET of
        ``target`` (one of ``lookups``'). Raises LookupUnresolved, InvalidSession or
        LookupFailed (or another RequestRejected, for a write the answer shows the proxy cannot
        judge)."""
        ...

    #: The fields of a record that say whose it is (the customer accounts and contacts it
    #: belongs to): when what the agent read of a record holds one, rules know whose it is
    #: as read and the CRM is not asked (``owner_lookup``); empty when the dialect never asks.
    owner_fields: tuple[str, ...]

    #: The fields naming whom a record is handed to (Salesforce: OwnerId): whose that person
    #: is, the CRM is asked whether or not the conversation grounds them, since a customer
    #: may be one (a portal user); empty when none.
    assignee_fields: tuple[str, ...]

    def owner_lookup(self, sobject: str, record_id: str, path: str) -> str | None:
        """The target of the GET (below ``path``'s API) that reads the record ``record_id``
        (of ``sobject``, "" when unknown) to learn whose it is (guardrail.lookups.belongings);
        None when the CRM need not or cannot be asked: a record that is a customer (an
        account) or no customer's (a queue), or of an object this dialect cannot read."""
        ...

    def owners(
        self, named: str, status: int, body: bytes, changed: WriteIntent | None
    ) -> tuple[str, ...]:
        """The ids of the customer accounts and contacts the record ``owner_lookup``'s GET read
        belongs to, from the CRM's answer (``named``: the record, in words; ``changed``: the
        intent whose own record it is, None for one a write only names). Raises the CRM's
        not-found for a missing record a write changes, LookupUnresolved for one it names,
        InvalidSession or LookupFailed."""
        ...

    # -- the CRM's answers -----------------------------------------------------------------------

    def saved(self, parsed: ParsedRequest, status: int, body: bytes) -> tuple[Saved, ...]:
        """What the CRM answered it did with each intent's record: its id (None where it
        failed) and, where the answer says, whether it made the record or changed one that
        existed (an upsert's answer: guardrail.answered)."""
        ...

    def read_records(self, status: int, body: bytes) -> list[RecordRead]:
        """The records a read's response shows the agent."""
        ...

    # -- read-back and revert (guardrail.post) ----------------------------------------------------

    def write_and_read(
        self,
        intent: WriteIntent,
        request: CanonicalRequest,
        fields: Iterable[str] | None,
        before: bool,
    ) -> Outbound | None:
        """One request that makes the single-record write ``request`` and reads the saved
        record (``fields``, or every field for None) and, when ``before``, its pre-image; None
        when the CRM has no such request (then the write is forwarded and read back after)."""
        ...

    def written(self, status: int, headers: Mapping[str, str], body: bytes) -> Written | None:
        """What ``write_and_read``'s request did, from the CRM's answer; None when that request
        itself was refused (nothing was written, and its answer goes to the agent)."""
        ...

    def read_saved(
        self,
        request: CanonicalRequest,
        sobject: str,
        ids: Sequence[str],
        fields: Iterable[str] | None,
    ) -> Outbound:
        """One request reading saved records of one object, by id (in the API ``request``
        used)."""
        ...

    def saved_records(self, status: int, body: bytes) -> Mapping[str, Record]:
        """The records ``read_saved``'s request answered, by ``record_key`` of their objects
        and ids."""
        ...

    def revert(
        self, request: CanonicalRequest, intent: WriteIntent, undo: Revert
    ) -> Outbound | None:
        """The compensating write for ``intent`` (deleting, or marking, a created record;
        setting back what the save changed, only if nobody changed it since), or None when
        there is nothing to restore from."""
        ...

    def reverted(self, status: int) -> str:
        """What the CRM's answer to a revert means: ``success``, ``lost_race`` (the record
        changed since it was read) or ``failed``."""
        ...

    def render_post_failure(
        self, parsed: ParsedRequest, messages: Sequence[tuple[str, Sequence[str]]]
    ) -> Reply:
        """The agent's answer when the saved record failed verification: each message with the
        fields it names, in the CRM's error format (single-record writes)."""
        ...

    # -- describe and drift --------------------------------------------------------------------

    async def describe(
        self, client: httpx.AsyncClient, objects: Sequence[str], version: str
    ) -> dict[str, dict[str, Any]]:
        """The JSON Schema (ParameterValidation's) of each of ``objects``, from the CRM's own
        description of them. ``client`` carries the base URL and the credential; ``version``
        is the API version where the CRM has one. Raises httpx.HTTPStatusError."""
        ...

    def drift(self, sobject: str, pack: Mapping[str, Any], live: Mapping[str, Any]) -> list[Drift]:
        """Every difference between a pack's schema of ``sobject`` and the one ``describe``
        builds today that matters to this CRM (guardrail.crm.drift.diff for most)."""
        ...

    # -- ids and grounding ---------------------------------------------------------------------

    #: object -> key prefix of the objects whose ids name them (Salesforce's standard key
    #: prefixes); empty when ids do not say which object they belong to.
    key_prefixes: Mapping[str, str]
    #: The field a record's own id is in (Salesforce's ``Id``): with the fields the pack's
    #: schemas type as references, what holds ids and not text (PolicySet.id_fields).
    id_field: str

    def is_id(self, value: object) -> bool:
        """Whether ``value`` has the shape of a record id of this CRM."""
        ...

    def record_key(self, sobject: str, record_id: str) -> str:
        """The key every spelling of one record's id shares, naming the record of ``sobject``
        it is, for comparing and indexing ids: Salesforce's, the 15 case-sensitive characters
        of a 15- or 18-character id (its key prefix names its object); ServiceNow's, the sys_id
        lower-cased (unique across tables); where one number names a record of each object
        (Zendesk: ticket, user and organization 40002 are three records), the object and the
        id, so that one record's id never grounds, or is judged the customer's as, another's.
        An object of ``""`` (an id whose object the caller does not know) names no record of
        any object there, but matches another id given with ``""``."""
        ...

    def id_prefix(self, record_id: str) -> str | None:
        """The part of an id that names its object (Salesforce: the key prefix), or None when
        this CRM's ids do not name their object."""
        ...

    #: The objects the conversation's customer ids name (``customer.account_ids``,
    #: ``customer.contact_ids``): what ``record_key`` keys them as.
    customer_objects: tuple[str, str]

    def accounts(self, sobject: str, record_id: str | None, fields: Mapping[str, Any]) -> set[str]:
        """The ``record_key`` of each customer account a write of ``sobject`` names or is: what
        grounding and duplicate detection index a write under."""
        ...

    # -- credentials ---------------------------------------------------------------------------

    #: The OAuth token endpoint below the instance URL (client credentials).
    token_path: str

    def agent_token(self, headers: Mapping[str, str]) -> str | None:
        """The session an agent presents in ``headers`` in any way the CRM takes one (Salesforce:
        ``Authorization: Bearer|OAuth``, Bulk 1.0's ``X-SFDC-Session``), or None."""
        ...

    def authorize(self, headers: CIMultiDict[str], credential: str) -> CIMultiDict[str]:
        """``headers`` with the proxy's own ``credential`` as their only session, presented as
        the CRM takes it (bearer, basic); every other place an agent may put a session is
        removed."""
        ...

    # -- the offline simulation ------------------------------------------------------------------

    def simulator(self, key_prefixes: Mapping[str, str]) -> SimulatedCrm:
        """An empty simulated CRM (``guardrail test``); ``key_prefixes`` (object -> prefix)
        are the pack's, for ids shaped as the CRM's."""
        ...


def authorization(headers: Mapping[str, str]) -> tuple[str, str]:
    """The scheme (lower-cased) and the credentials of the Authorization header ``headers``
    hold, "" for each where there is none: what ``Dialect.agent_token`` reads a session from."""
    scheme, _, given = headers.get("Authorization", "").partition(" ")
    return scheme.lower(), given.strip()


def bearer(headers: CIMultiDict[str], credential: str) -> CIMultiDict[str]:
    """``headers`` with ``credential`` as their bearer token in place of any Authorization
    (``Dialect.authorize``, where the CRM takes a session nowhere else)."""
    out = headers.copy()
    out["Authorization"] = f"Bearer {credential}"
    return out


@dataclass(frozen=True, slots=True)
class DialectOptions:
    """What the operator chooses about any dialect."""

    #: Forward (audited as unjudged) a request the dialect cannot read, rather than refuse it.
    forward_unknown_writes: bool = False
    limits: BodyLimits = field(default_factory=BodyLimits)


_DIALECT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def dialect_for(name: str, options: DialectOptions | None = None) -> Dialect:
    """The dialect of the CRM ``name`` (``Settings.dialect``): the module (or package)
    ``guardrail.crm.<name>`` and its ``dialect(options)``. Raises ConfigError."""
    factory = None
    if _DIALECT_NAME.match(name):
        try:
            module = importlib.import_module(f"guardrail.crm.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"guardrail.crm.{name}":
                raise
        else:
            factory = getattr(module, "dialect", None)
    if not callable(factory):
        raise ConfigError(f"dialect: no CRM dialect named {name!r} (guardrail.crm.<name>)")
    made: Dialect = factory(options or DialectOptions())
    return made
