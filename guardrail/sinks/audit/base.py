"""What both SQL backends share: every read, and the write transactions as scripts.

A backend subclasses ``SQLStorage`` and supplies what its database forces: connecting and
migrating, ``_fetch`` (one statement, rows back) and ``_run`` (a script inside one transaction
that holds the chain's write lock).
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections import OrderedDict, defaultdict
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

import orjson

from guardrail.context.snapshot import Part
from guardrail.errors import AuditUnavailable
from guardrail.model import Decision
from guardrail.sinks.audit import scripts, sql
from guardrail.sinks.audit.chain import EMPTY, Head, Row
from guardrail.sinks.audit.group import GroupCommitter
from guardrail.sinks.audit.record import Ahead, Entry, Kind, Pending, format_time, parse_time
from guardrail.sinks.audit.scripts import Script
from guardrail.sinks.audit.store import (
    Committer,
    HoldRow,
    HoldState,
    Migration,
    Query,
    Ran,
    Stats,
)
from guardrail.sinks.audit.thread import Worker

T = TypeVar("T")
_CONTEXTS_PER_QUERY = 500
#: Context parts remembered as stored (~100 bytes each): the live calls' platform parts and
#: their newest reads and writes.
_KNOWN_PARTS = 16_384


class SQLStorage(ABC):
    name: str
    where: str
    migrations: Sequence[Migration]

    def __init__(self) -> None:
        self._stored = StoredParts()
        #: The thread records are made on, off the event loop, once open; while it has nothing
        #: else to do it makes what it can of the records to come (``_ahead``).
        self._maker: Worker | None = None
        self._ahead = Ahead()

    @abstractmethod
    async def open(self, *, migrate: bool = True) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def probe(self) -> None: ...

    @abstractmethod
    async def _fetch(self, statement: str, values: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of one read-only statement."""

    def when(self, at: str) -> Any:
        """A record's time as the ``at`` column takes it (``scripts.When``): PostgreSQL's
        timestamptz, a datetime."""
        return parse_time(at)

    @abstractmethod
    async def _run(self, script: Script[T]) -> T:
        """Drive ``script`` in one transaction holding the chain's write lock; commit (durably)
        when it returns, roll back when anything raises. What the script does before its first
        statement runs before the transaction begins."""

    # -- writes ----------------------------------------------------------------------------

    def ahead(self, decision: Decision) -> None:
        """On the event loop: the record maker makes what it can of ``decision``'s record while
        the write is out to the CRM, when it has nothing to make now (``record.Ahead``)."""
        if self._maker is not None:
            self._ahead.expect(decision)
            self._maker.nudge()

    async def commit(self, pending: Sequence[Pending]) -> list[Row]:
        rows, parts = await self._run(scripts.commit(pending, self._stored.unknown, self.when))
        self._stored.add(parts)  # only once committed: a rolled-back part is sent again
        return rows

    def committer(self, ran: Ran, most: int) -> Committer:
        """Group commit on the event loop, for a store that commits from it (asyncpg)."""

        async def commit(pending: list[Pending]) -> list[Row]:
            started = time.perf_counter()
            try:
                rows = await self.commit(pending)
            except BaseException as exc:
                ran(len(pending), time.perf_counter() - started, exc)
                raise
            ran(len(rows), time.perf_counter() - started, None)
            return rows

        return GroupCommitter(commit, most)

    async def prune(self, before: datetime, at: str, limit: int) -> Row:
        return await self._run(scripts.prune(before, at, limit, self.when))

    async def _check_version(self) -> None:
        """Without migrating: refuse a database that holds no audit log, or another version."""
        try:
            found = await self._fetch(sql.SCHEMA_VERSION)
        except AuditUnavailable:
            raise AuditUnavailable(
                f"{self.where} holds no audit log (guardrail serve creates it)"
            ) from None
        current, latest = found[0][0] or 0, self.migrations[-1].version
        if current != latest:
            raise AuditUnavailable(
                f"the audit log at {self.where} is at schema version {current}, this guardrail "
                f"reads version {latest}; run the matching guardrail (serve migrates)"
            )

    # -- reads -----------------------------------------------------------------------------

    async def head(self) -> Head:
        found = await self._fetch(sql.HEAD)
        return Head(int(found[0][0]), str(found[0][1])) if found else EMPTY

    async def find(self, query: Query) -> list[Row]:
        statement, values = sql.find(query)
        return [row_of(r) for r in await self._fetch(statement, values)]

    async def get(self, seq: int) -> Row | None:
        return await self._one(sql.GET, [seq])

    async def decision(self, decision_id: str) -> Row | None:
        return await self._one(sql.DECISION, [decision_id])

    async def _one(self, statement: str, values: Sequence[Any]) -> Row | None:
        found = await self._fetch(statement, values)
        if not found:
            return None
        seq = int(found[0][0])
        terms = await self._terms(seq, seq)
        return row_of(found[0], tuple(terms.get(seq, ())))

    async def history(self, decision_id: str) -> list[Row]:
        return [row_of(r) for r in await self._fetch(sql.HISTORY, [decision_id])]

    async def reviews(self, decision_id: str) -> list[Row]:
        return [row_of(r) for r in await self._fetch(sql.REVIEWS, [decision_id])]

    async def scan(
        self, *, kind: Kind | None = None, terms: bool = False, batch: int = 1000
    ) -> AsyncIterator[Row]:
        after = 0
        while True:
            statement, values = sql.scan(after, kind, batch)
            found = await self._fetch(statement, values)
            if not found:
                return
            first, after = int(found[0][0]), int(found[-1][0])
            by_seq = await self._terms(first, after) if terms else {}
            for values_ in found:
                yield row_of(values_, tuple(by_seq.get(int(values_[0]), ())))
            if len(found) < batch:
                return

    async def contexts(self, hashes: Iterable[str]) -> dict[str, bytes]:
        wanted = sorted(set(hashes))
        found: dict[str, bytes] = {}
        for start in range(0, len(wanted), _CONTEXTS_PER_QUERY):
            chunk = wanted[start : start + _CONTEXTS_PER_QUERY]
            for digest, body in await self._fetch(sql.contexts(len(chunk)), chunk):
                found[str(digest)] = _bytes(body)
        return found

    async def context_parts(self, batch: int = 1000) -> AsyncIterator[tuple[str, bytes]]:
        after = ""
        while True:
            found = await self._fetch(sql.CONTEXT_PAGE, [after, batch])
            for digest, body in found:
                yield str(digest), _bytes(body)
            if len(found) < batch:
                return
            after = str(found[-1][0])

    async def _terms(self, first: int, last: int) -> dict[int, list[str]]:
        by_seq: dict[int, list[str]] = defaultdict(list)
        for seq, term in await self._fetch(sql.TERMS_BETWEEN, [first, last]):
            by_seq[int(seq)].append(str(term))
        return by_seq

    async def stats(self) -> Stats:
        kinds = {str(k): int(n) for k, n in await self._fetch(sql.STATS_KINDS)}
        verdicts = {str(v): int(n) for v, n in await self._fetch(sql.STATS_VERDICTS)}
        first, first_at, last_at = (await self._fetch(sql.STATS_SPAN))[0]
        last_prune = None
        if kinds.get(Kind.PRUNE.value):
            async for row in self.scan(kind=Kind.PRUNE):
                last_prune = {**row.body, "seq": row.seq}
        return Stats(
            records=sum(kinds.values()),
            by_kind=kinds,
            decisions_by_verdict=verdicts,
            first_seq=None if first is None else int(first),
            first_at=_text_time(first_at),
            last_at=_text_time(last_at),
            head=await self.head(),
            last_prune=last_prune,
        )

    # -- held writes (guardrail.holds) ----------------------------------------------------------

    async def add_hold(self, hold: HoldRow) -> HoldRow:
        values = (
            hold.decision_id,
            hold.state.value,
            hold.created_at,
            hold.expires_at,
            hold.updated_at,
            hold.conversation,
            hold.agent,
            hold.policy,
            hold.rule,
            _json(hold.request),
            hold.body,
            hold.execution_id,
            hold.claim,
            hold.claimed_at,
            hold.reviewer,
            hold.comment,
            _json(hold.outcome),
            hold.repeat_key,
        )
        return hold_of(await self._run(scripts.add_hold(values, hold.decision_id, hold.repeat_key)))

    async def hold(self, decision_id: str) -> HoldRow | None:
        found = await self._fetch(sql.GET_HOLD, [decision_id])
        return hold_of(found[0]) if found else None

    async def waiting_holds(self) -> tuple[int, datetime | None]:
        count, oldest = (await self._fetch(sql.WAITING_HOLDS))[0]
        return int(count), None if oldest is None else _time(oldest)

    async def holds(
        self,
        states: Sequence[HoldState],
        *,
        limit: int,
        expires_before: datetime | None = None,
        claimed_before: datetime | None = None,
    ) -> list[HoldRow]:
        statement, values = sql.holds(tuple(states), limit, expires_before, claimed_before)
        return [hold_of(r) for r in await self._fetch(statement, values)]

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
        encoded = {
            k: _json(v) if k in ("request", "outcome") else v for k, v in (values or {}).items()
        }
        statement, params = sql.move_hold(decision_id, tuple(from_states), to, at, claim, encoded)
        found = await self._run(scripts.fetch(statement, params))
        return hold_of(found[0]) if found else None


def _json(value: Mapping[str, Any] | None) -> str | None:
    return None if value is None else orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def _time(value: Any) -> datetime:
    return value if isinstance(value, datetime) else parse_time(str(value))


def hold_of(values: Sequence[Any]) -> HoldRow:
    """A row as ``sql.SELECT_HOLD`` returns it (in either backend) as a HoldRow."""
    (decision_id, state, created, expires, updated, conversation, agent, policy, rule,
     request, body, execution_id, claim, claimed, reviewer, comment, outcome,
     repeat_key) = values  # fmt: skip
    return HoldRow(
        decision_id=str(decision_id),
        state=HoldState(state),
        created_at=_time(created),
        expires_at=_time(expires),
        updated_at=_time(updated),
        conversation=conversation,
        agent=agent,
        policy=str(policy),
        rule=str(rule),
        request=None if request is None else orjson.loads(request),
        body=None if body is None else bytes(body),
        execution_id=str(execution_id),
        claim=claim,
        claimed_at=None if claimed is None else _time(claimed),
        reviewer=reviewer,
        comment=comment,
        outcome=None if outcome is None else orjson.loads(outcome),
        repeat_key=repeat_key,
    )


class StoredParts:
    """The hashes of context parts this process knows are committed, newest ``size``: a part is
    sent to the database with the first record that names it, not with every later one (the
    database keeps it once all the same, so forgetting one costs only a redundant insert)."""

    def __init__(self, size: int = _KNOWN_PARTS) -> None:
        self._size = size
        self._known: OrderedDict[str, None] = OrderedDict()

    def unknown(self, entries: Sequence[Entry]) -> list[Part]:
        """The parts ``entries`` name that are not known to be stored, each once, by hash."""
        known = self._known
        new = {p.hash: p for e in entries for p in e.parts if p.hash not in known}
        return [new[h] for h in sorted(new)]

    def add(self, parts: Sequence[Part]) -> None:
        for part in parts:
            self._known[part.hash] = None
        while len(self._known) > self._size:
            self._known.popitem(last=False)


def _bytes(value: Any) -> bytes:
    return value.encode() if isinstance(value, str) else bytes(value)


class CorruptRow(ValueError):
    """A stored row no record could have produced (a column changed to nonsense)."""

    def __init__(self, seq: int, problem: str) -> None:
        super().__init__(problem)
        self.seq = seq


def row_of(values: Sequence[Any], terms: tuple[str, ...] = ()) -> Row:
    """A row as ``sql.SELECT`` returns it (in either backend) as a Row."""
    seq, kind, at, decision_id, verdict, conversation, agent, through, body, prev, digest = values
    try:
        entry_kind = Kind(kind)
    except ValueError:
        raise CorruptRow(int(seq), f"column kind says {kind!r}, which is no record kind") from None
    entry = Entry(
        kind=entry_kind,
        at=_text_time(at) or "",
        body=_bytes(body),
        decision_id=decision_id,
        verdict=verdict,
        conversation=conversation,
        agent=agent,
        prune_through=None if through is None else int(through),
        terms=terms,
    )
    return Row(int(seq), str(prev), str(digest), entry)


def _text_time(value: Any) -> str | None:
    """A time as the records write it, from SQLite's text or PostgreSQL's timestamptz."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return format_time(value)
    raise TypeError(f"not a time: {value!r}")
