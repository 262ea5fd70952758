"""The storage interface the audit log runs on, and what both backends share about it.

A backend (SQLite, PostgreSQL) only does what storage forces it to do differently: connect,
migrate, take the chain's write lock, insert, delete and select. Batching, the health state, the
hash chain, verification and pruning rules live above it, once.

Append-only is the database's job, not only this code's: both backends install triggers that
refuse UPDATE, and refuse DELETE of any record that a prune record does not already cover.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from guardrail.errors import AuditUnavailable
from guardrail.model import Decision
from guardrail.sinks.audit.chain import Head, Row
from guardrail.sinks.audit.record import Kind, Pending

#: The columns of ``audit_log``, in the order every backend selects them.
COLUMNS = (
    "seq",
    "kind",
    "at",
    "decision_id",
    "verdict",
    "conversation",
    "agent",
    "prune_through",
    "body",
    "prev_hash",
    "hash",
)
MAX_LIMIT = 500


class HoldState(StrEnum):
    """Where a held write is: waiting, being executed (claimed by one replica), or settled."""

    HELD = "held"
    EXECUTING = "executing"
    DONE = "done"  # approved, judged again, written
    REFUSED = "refused"  # approved, but judged again it no longer holds: not written
    FAILED = "failed"  # approved and sent, and the CRM refused it
    REJECTED = "rejected"
    EXPIRED = "expired"

    @property
    def settled(self) -> bool:
        return self not in (HoldState.HELD, HoldState.EXECUTING)


HOLD_STATES = ", ".join(f"'{s.value}'" for s in HoldState)
#: The columns of ``audit_holds``, in the order every backend selects them.
HOLD_COLUMNS = (
    "decision_id",
    "state",
    "created_at",
    "expires_at",
    "updated_at",
    "conversation",
    "agent",
    "policy",
    "rule",
    "request",
    "body",
    "execution_id",
    "claim",
    "claimed_at",
    "reviewer",
    "comment",
    "outcome",
    "repeat_key",
)
#: The states in which a hold still stands for its write, so an identical one is the same hold
#: (``HoldRow.repeat_key``): waiting, or approved and being made.
STANDING = ", ".join(f"'{s.value}'" for s in (HoldState.HELD, HoldState.EXECUTING))
#: What a transition may set besides the state (``HoldStore.move``).
HOLD_UPDATABLE = ("request", "body", "claim", "claimed_at", "reviewer", "comment", "outcome")


@dataclass(frozen=True, slots=True)
class HoldRow:
    """One held write as ``audit_holds`` keeps it. ``request`` (method, target, headers) and
    ``body`` are the request exactly as judged, kept until the hold is settled."""

    decision_id: str
    state: HoldState
    created_at: datetime
    expires_at: datetime
    updated_at: datetime
    conversation: str | None
    agent: str | None
    policy: str
    rule: str
    request: Mapping[str, Any] | None
    body: bytes | None
    #: The id the decision that settles the hold is recorded under, fixed when it is held, so
    #: recovery after a crash can tell whether that record was already written.
    execution_id: str
    claim: str | None = None
    claimed_at: datetime | None = None
    reviewer: str | None = None
    comment: str | None = None
    outcome: Mapping[str, Any] | None = None
    #: What makes another write the same as this one (guardrail.holds.repeat): while the hold
    #: stands, the store keeps no second hold with this key (None: every write its own).
    repeat_key: str | None = None


@dataclass(frozen=True, slots=True)
class Query:
    """Which decisions to list, newest first; ``before_seq`` continues a page. ``verdicts``,
    when given, keeps the decisions with any of them (the review page: every write that was
    not simply allowed)."""

    verdict: str | None = None
    verdicts: tuple[str, ...] = ()
    object: str | None = None
    rule: str | None = None
    agent: str | None = None
    conversation: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    before_seq: int | None = None
    limit: int = 50


@dataclass(frozen=True, slots=True)
class Stats:
    records: int
    by_kind: dict[str, int]
    decisions_by_verdict: dict[str, int]
    first_seq: int | None
    first_at: str | None
    last_at: str | None
    head: Head
    last_prune: dict[str, object] | None = field(default=None)


#: What a store is told after each commit of appends: how many, how long it took, and what it
#: raised (None: committed). Called on the event loop, before the appends are answered.
Ran = Callable[[int, float, BaseException | None], None]


class Committer(Protocol):
    """Group commit of appends: those that arrive while a commit runs share the next one."""

    @property
    def commits(self) -> int:
        """How many commits ran (tests and metrics compare with appends)."""
        ...

    def hand(self, pending: Pending) -> asyncio.Future[Row]:
        """Take ``pending`` now; the future is its row, once committed. Raises (or the future
        does) AuditUnavailable."""
        ...

    async def drain(self) -> None:
        """Wait for what is queued and in flight (on shutdown)."""


class Storage(Protocol):
    """One audit log's database. Every method raises AuditUnavailable when the database fails."""

    #: "sqlite" or "postgresql": the ``store`` label of the audit metrics.
    name: str
    #: Where the log is, safe to print (no password).
    where: str

    async def open(self, *, migrate: bool = True) -> None:
        """Connect (idempotent) and bring the schema to the current version; without
        ``migrate``, refuse a log that does not exist or is at another version."""

    async def close(self) -> None: ...

    async def probe(self) -> None:
        """Cheaply prove a commit could happen now (the write lock can be taken)."""

    def ahead(self, decision: Decision) -> None:
        """``decision`` is to be appended once its write is answered: a store that makes records
        beside the event loop may begin its record now."""

    async def commit(self, pending: Sequence[Pending]) -> list[Row]:
        """Append the records of ``pending`` (``record.made``) in one transaction, chained after
        the head read under the lock. The records are made off the event loop."""

    def committer(self, ran: Ran, most: int) -> Committer:
        """How appends reach ``commit``, up to ``most`` at a time, ``ran`` told of each."""
        ...

    async def prune(self, before: datetime, at: str, limit: int) -> Row:
        """Append a prune record and delete the (at most ``limit``) records older than
        ``before`` that it covers, in one transaction (see scripts.prune)."""

    async def head(self) -> Head: ...

    async def find(self, query: Query) -> list[Row]:
        """Decision records matching ``query``, newest first, at most ``query.limit + 1``."""

    async def get(self, seq: int) -> Row | None:
        """One record with its search terms."""

    async def decision(self, decision_id: str) -> Row | None:
        """The latest decision record with this id (a later verdict, such as an async
        read-back's post-fail, is recorded again under the same id), with its search terms."""

    async def history(self, decision_id: str) -> list[Row]:
        """Every decision record with this id, oldest first."""

    async def reviews(self, decision_id: str) -> list[Row]:
        """Review records of this decision, oldest first."""

    def scan(
        self, *, kind: Kind | None = None, terms: bool = False, batch: int = 1000
    ) -> AsyncIterator[Row]:
        """Every record (or every one of ``kind``) in sequence order, read ``batch`` at a time."""
        ...

    async def stats(self) -> Stats: ...

    async def add_hold(self, hold: HoldRow) -> HoldRow:
        """Keep a new held write (state ``held``), unless a standing hold has its
        ``repeat_key``: that one is returned and nothing is kept, in one atomic step, so of
        two replicas holding the same write at once one keeps it and the other gets it."""
        ...

    async def hold(self, decision_id: str) -> HoldRow | None: ...

    async def waiting_holds(self) -> tuple[int, datetime | None]:
        """How many holds wait for a decision, and since when the oldest has."""
        ...

    async def holds(
        self,
        states: Sequence[HoldState],
        *,
        limit: int,
        expires_before: datetime | None = None,
        claimed_before: datetime | None = None,
    ) -> list[HoldRow]:
        """Holds in any of ``states``, oldest first (optionally: expired, or claimed, before)."""
        ...

    async def move_hold(
        self,
        decision_id: str,
        from_states: Sequence[HoldState],
        to: HoldState,
        at: datetime,
        *,
        claim: str | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> HoldRow | None:
        """Compare and set: move the hold to ``to`` only if it is in one of ``from_states``
        (and, given ``claim``, still claimed by it), setting ``values`` (HOLD_UPDATABLE) too.
        The hold after the move, or None when another transition came first."""

    async def contexts(self, hashes: Iterable[str]) -> dict[str, bytes]:
        """The stored context parts (canonical JSON) of ``hashes``, by hash; a hash with no
        part stored is left out."""

    def context_parts(self, batch: int = 1000) -> AsyncIterator[tuple[str, bytes]]:
        """Every stored context part (hash, canonical JSON), in hash order."""
        ...


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema version: statements run in one transaction, then the version is recorded."""

    version: int
    statements: tuple[str, ...]


#: Both backends' fourth schema version: a write held while an identical hold stands is that
#: hold (guardrail.holds.repeat), which the database enforces, whatever replica asks.
REPEAT_KEYS = (
    "ALTER TABLE audit_holds ADD COLUMN repeat_key TEXT",
    "CREATE UNIQUE INDEX audit_holds_standing ON audit_holds (repeat_key) "
    f"WHERE state IN ({STANDING})",
)

#: Both backends' fifth schema version: two indexes every append wrote and no search reads.
#: No query reads ``at`` through an index (a search by time pages through the chain by seq,
#: the span is its first and last record's), and a record's terms are found by the terms
#: table's own key, term by term (sql.TERMS_BETWEEN). An index is a page written to the WAL
#: with each commit, and copied again by the checkpoint.
FEWER_INDEXES = ("DROP INDEX audit_log_at", "DROP INDEX audit_terms_seq")


def pending(migrations: Sequence[Migration], current: int) -> list[Migration]:
    """The migrations after ``current``, in order; a log newer than this code is refused."""
    latest = migrations[-1].version if migrations else 0
    if current > latest:
        raise AuditUnavailable(
            f"the audit log is at schema version {current}, newer than this guardrail's "
            f"{latest}; upgrade guardrail before writing to it"
        )
    return [m for m in migrations if m.version > current]
