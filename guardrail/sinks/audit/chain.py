"""The hash chain: each record carries its sequence number, its predecessor's hash and its own.

``hash = sha256(f"{seq}\\n{prev_hash}\\n".encode() + body)``, hex, where ``body`` is the record's
canonical JSON exactly as stored; the first record's ``prev_hash`` is GENESIS. Changing,
removing or reordering a record breaks every link after it, so a copy of one recent head
(sequence and hash: the checkpoint) proves everything before it, and truncation after it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from guardrail.sinks.audit.record import Entry, Kind

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class Head:
    """The newest record's place in the chain (seq 0 and GENESIS for an empty log)."""

    seq: int
    hash: str


EMPTY = Head(0, GENESIS)


@dataclass(frozen=True, slots=True)
class Row:
    """A record as stored: its entry (body and search columns) and its chain fields."""

    seq: int
    prev_hash: str
    hash: str
    entry: Entry

    @property
    def body(self) -> dict[str, Any]:
        parsed: dict[str, Any] = orjson.loads(self.entry.body)
        return parsed

    @property
    def kind(self) -> Kind:
        return self.entry.kind

    def chain(self) -> dict[str, Any]:
        return {"seq": self.seq, "prev_hash": self.prev_hash, "hash": self.hash}

    def document(self) -> dict[str, Any]:
        """The record as the API and exports show it: its body and its chain fields."""
        return {**self.body, "chain": self.chain()}


def chain_hash(seq: int, prev_hash: str, body: bytes) -> str:
    return hashlib.sha256(b"%d\n%s\n" % (seq, prev_hash.encode()) + body).hexdigest()


def link(head: Head, entries: Iterable[Entry]) -> list[Row]:
    """``entries`` chained after ``head``. The caller holds the store's write lock, so the
    head it read is still the head when these rows are inserted."""
    rows = []
    seq, prev = head.seq, head.hash
    for entry in entries:
        seq += 1
        digest = chain_hash(seq, prev, entry.body)
        rows.append(Row(seq, prev, digest, entry))
        prev = digest
    return rows


def link_problem(row: Row, expected_prev: str) -> str | None:
    """What is wrong with ``row`` given the hash it should follow, or None: its own hash, its
    link, and whether its search columns still say what its body says."""
    if row.prev_hash != expected_prev:
        return f"prev_hash {row.prev_hash[:16]}... does not match the previous record's hash"
    if chain_hash(row.seq, row.prev_hash, row.entry.body) != row.hash:
        return "hash does not match the record's contents (the record was changed)"
    try:
        derived = Entry.of(orjson.loads(row.entry.body))
    except (ValueError, KeyError, TypeError) as exc:
        return f"body is not a valid audit record ({exc})"
    if derived.body != row.entry.body:
        return "body is not in canonical form"
    for column in ("kind", "at", "decision_id", "verdict", "conversation", "agent"):
        stored, expected = getattr(row.entry, column), getattr(derived, column)
        if stored != expected:
            return f"column {column} says {stored!r} but the record says {expected!r}"
    if row.entry.prune_through != derived.prune_through:
        return "column prune_through does not match the record"
    if tuple(sorted(row.entry.terms)) != derived.terms:
        return "search terms do not match the record (a filter would hide or misplace it)"
    return None
