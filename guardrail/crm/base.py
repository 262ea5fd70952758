"""The Dialect protocol: what the proxy needs to know about one CRM's API.

A dialect reads a request once, canonically (``CanonicalRequest``: the request the CRM will
execute), then that reading into WriteIntents (or says it is a read), and renders a block or an
error in the CRM's own format, so the agent's unchanged client raises its usual exception.
Everything downstream (the token gate, the pipeline, forwarding, the audit log) works from the
canonical request, never from the raw one: what is judged is what is forwarded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from multidict import CIMultiDict, CIMultiDictProxy

from guardrail.checks.compare import Kind
from guardrail.errors import DependencyFailure, RequestRejected
from guardrail.model import Decision, WriteIntent


@dataclass(frozen=True, slots=True)
class RawRequest:
    """A request as it arrived: ``target`` is the origin-form path and query, byte for byte."""

    method: str
    target: str
    headers: CIMultiDict[str] | CIMultiDictProxy[str]
    body: bytes = b""


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

    @property
    def is_read(self) -> bool:
        return self.method in ("GET", "HEAD", "OPTIONS")


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
    is), ``upload`` of its data, ``state`` (to ``state``) or ``delete`` of job ``job_id``."""

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


READ = ParsedRequest(shape=Shape.READ)


@dataclass(frozen=True, slots=True)
class Narrowed:
    """A request cut down to some of its parts, and what the dialect reads in it."""

    request: CanonicalRequest
    parsed: ParsedRequest


@dataclass(frozen=True, slots=True)
class Reply:
    """A response the proxy makes itself (a block or an error)."""

    status: int
    body: bytes
    headers: Mapping[str, str]


class Dialect(Protocol):
    name: str

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

    def render_error(self, error: RequestRejected | DependencyFailure) -> Reply:
        """The CRM's own error response for a request the proxy could not judge or forward."""
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

    def lookup(self, intent: WriteIntent, path: str) -> str | None:
        """The target of the GET (below the request's ``path``'s API) that finds the record
        ``intent`` names by a lookup field, or None when it names none that way. Raises
        RequestRejected when the record cannot be looked up (guardrail.lookups)."""
        ...

    def resolved(self, intent: WriteIntent, status: int, body: bytes) -> WriteIntent:
        """``intent`` as the write the CRM will make, given the CRM's answer to ``lookup``'s
        GET. Raises LookupUnresolved, InvalidSession or LookupFailed."""
        ...

    def saved_ids(self, parsed: ParsedRequest, status: int, body: bytes) -> tuple[str | None, ...]:
        """The id each intent's record has after the CRM answered (None where it failed)."""
        ...

    def read_records(self, status: int, body: bytes) -> list[RecordRead]:
        """The records a read's response shows the agent."""
        ...


@dataclass(frozen=True, slots=True)
class RecordRead:
    object: str
    id: str
    fields: Mapping[str, str | int | float | bool | None]
