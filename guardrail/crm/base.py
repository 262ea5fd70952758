"""The Dialect protocol: what the proxy needs to know about one CRM's API.

A dialect reads a request into WriteIntents (or says it is a read), and renders a block or an
error in the CRM's own format, so the agent's unchanged client raises its usual exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from guardrail.errors import DependencyFailure, RequestRejected
from guardrail.model import Decision, WriteIntent


class Shape(StrEnum):
    """How a request carries its writes; decides how a block is rendered."""

    READ = "read"
    SINGLE = "single"
    COLLECTION = "collection"
    COMPOSITE = "composite"


@dataclass(frozen=True, slots=True)
class Part:
    """One addressable piece of a request (a collection record, a composite subrequest) and the
    intents (by index) it carries."""

    ref: str
    intents: range


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


READ = ParsedRequest(shape=Shape.READ)


@dataclass(frozen=True, slots=True)
class Reply:
    """A response the proxy makes itself (a block or an error)."""

    status: int
    body: bytes
    headers: Mapping[str, str]


class Dialect(Protocol):
    name: str

    def parse(
        self, method: str, path: str, query: Mapping[str, str], content_type: str, body: bytes
    ) -> ParsedRequest:
        """Read the writes in a request. Raises RequestRejected when it cannot be read."""
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
