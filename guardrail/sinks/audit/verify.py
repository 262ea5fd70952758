"""Walks the chain and reports its first broken link.

The walk starts where the log starts: at sequence 1 from GENESIS or, after prunes, right after
what the latest prune record covers, from the hash that record names. From there every record
must follow its predecessor without a gap, link to its hash, hash to what it carries, and keep
search columns that say what its body says. A checkpoint published earlier (sequence and hash)
can be given too: then a log rewritten or cut short before that point is caught as well, which
the chain alone cannot show of its own tail.

A decision record names its context's parts by hash (guardrail.context.snapshot); the walk
checks that each part its context needs (its window's links too, as far back as the window
goes) is held and still hashes to its name, so a context changed or removed after the fact
breaks the first record that needs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from guardrail.context import snapshot
from guardrail.sinks.audit.base import CorruptRow
from guardrail.sinks.audit.chain import GENESIS, Head, Row, link_problem
from guardrail.sinks.audit.contexts import Contexts
from guardrail.sinks.audit.record import Kind
from guardrail.sinks.audit.store import Storage

_RECORDS_PER_CHECK = 1000
_PARTS_REMEMBERED = 16_384


@dataclass(frozen=True, slots=True)
class Broken:
    seq: int
    problem: str


@dataclass(frozen=True, slots=True)
class Verification:
    records: int
    first_seq: int | None
    head: Head
    starts_from: str  # "genesis", or the prune record the walk starts from
    broken: Broken | None

    @property
    def ok(self) -> bool:
        return self.broken is None


async def verify(storage: Storage, checkpoint: Head | None = None) -> Verification:
    try:
        start_seq, start_hash, starts_from = await _start(storage)
    except CorruptRow as exc:
        return Verification(0, None, Head(0, GENESIS), "genesis", Broken(exc.seq, str(exc)))
    walk = _Walk(start_seq, start_hash, starts_from, checkpoint)
    parts = _Parts(storage)
    try:
        async for row in storage.scan(terms=True):
            if walk.step(row):
                break
            if parts.add(row) and await parts.check():
                break
    except CorruptRow as exc:
        walk.broken = Broken(exc.seq, str(exc))
    await parts.check()
    if parts.broken is not None and (walk.broken is None or parts.broken.seq < walk.broken.seq):
        walk.broken = parts.broken
    return walk.finish()


class _Parts:
    """The contexts of the walked decision records, resolved a batch of records at a time (a
    part resolved once is not fetched again while remembered: a call's records name mostly
    the same)."""

    def __init__(self, storage: Storage) -> None:
        self._contexts = Contexts(storage, _PARTS_REMEMBERED)
        self._pending: list[tuple[int, dict[str, Any]]] = []  # (seq, context), in seq order
        self.broken: Broken | None = None

    def add(self, row: Row) -> bool:
        """Note the context ``row`` names; True when a batch is due."""
        context = row.body.get("context")
        if row.kind is Kind.DECISION and isinstance(context, dict):
            self._pending.append((row.seq, context))
        return len(self._pending) >= _RECORDS_PER_CHECK

    async def check(self) -> bool:
        """Check the pending contexts; True once a part one needs is missing or changed."""
        if self.broken is not None or not self._pending:
            return self.broken is not None
        pending, self._pending = self._pending, []
        parts, problems = await self._contexts.resolve([context for _, context in pending])
        for seq, context in pending:
            for digest in sorted(snapshot.wanted(context, parts)):
                self.broken = Broken(seq, problems[digest])
                return True
        return False


async def _start(storage: Storage) -> tuple[int, str, str]:
    """Where the chain must start: GENESIS, or what the prune covering the most says."""
    start = (1, GENESIS, "genesis")
    async for prune in storage.scan(kind=Kind.PRUNE):
        through = prune.entry.prune_through or 0
        if through + 1 >= start[0]:
            start = (through + 1, str(prune.body.get("anchor_hash")), f"prune record {prune.seq}")
    return start


class _Walk:
    def __init__(self, seq: int, prev: str, starts_from: str, checkpoint: Head | None) -> None:
        self.expected_seq, self.expected_prev = seq, prev
        self.starts_from = starts_from
        self.checkpoint = checkpoint
        self.records = 0
        self.first: int | None = None
        self.head = Head(seq - 1, prev)
        self.broken: Broken | None = None

    def step(self, row: Row) -> bool:
        """Check one row; True once the chain is broken (the walk stops at the first break)."""
        if self.first is None:
            self.first = row.seq
        self.records += 1
        problem = self._gap(row) or link_problem(row, self.expected_prev)
        cp = self.checkpoint
        if problem is None and cp and row.seq == cp.seq and row.hash != cp.hash:
            problem = "hash differs from the checkpoint published for this sequence"
        if problem is not None:
            self.broken = Broken(row.seq, problem)
            return True
        self.head = Head(row.seq, row.hash)
        self.expected_seq, self.expected_prev = row.seq + 1, row.hash
        return False

    def _gap(self, row: Row) -> str | None:
        if row.seq == self.expected_seq:
            return None
        if row.seq < self.expected_seq:
            return f"record {row.seq} should be gone: {self.starts_from} covers it"
        missing = f"{self.expected_seq}"
        if row.seq > self.expected_seq + 1:
            missing += f" to {row.seq - 1}"
        if self.records == 1 and self.starts_from == "genesis":
            return f"records {missing} are missing and no prune record accounts for them"
        return f"records {missing} are missing"

    def finish(self) -> Verification:
        cp = self.checkpoint
        if self.broken is None and cp is not None and self.head.seq < cp.seq:
            self.broken = Broken(
                self.head.seq + 1,
                f"the log ends at sequence {self.head.seq}, before the checkpoint at {cp.seq}: "
                "records were removed from its end",
            )
        return Verification(self.records, self.first, self.head, self.starts_from, self.broken)
