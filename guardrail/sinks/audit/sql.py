"""The SQL both backends run, written once with ``?`` markers (PostgreSQL's driver numbers them).

Values are always passed as parameters, never inlined, so no statement here holds a literal
``?`` and the numbering is a plain substitution.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime
from typing import Any

from guardrail.sinks.audit.record import Kind, object_term, rule_term
from guardrail.sinks.audit.store import (
    COLUMNS,
    HOLD_COLUMNS,
    HOLD_UPDATABLE,
    STANDING,
    HoldState,
    Query,
)

# Built from constants only (COLUMNS); values always travel as parameters.
SELECT = f"SELECT {', '.join(COLUMNS)} FROM audit_log"  # noqa: S608
HEAD = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
_MARKS = ", ".join("?" * len(COLUMNS))
INSERT = f"INSERT INTO audit_log ({', '.join(COLUMNS)}) VALUES ({_MARKS})"  # noqa: S608
INSERT_TERM = "INSERT INTO audit_terms (term, seq) VALUES (?, ?)"
# A context part is stored once, whoever (any replica) stores it first: it is named by its hash.
INSERT_CONTEXT = (
    "INSERT INTO audit_contexts (hash, body) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING"
)
CONTEXT_PAGE = "SELECT hash, body FROM audit_contexts WHERE hash > ? ORDER BY hash LIMIT ?"
# The terms in use, each found from the last by the terms table's key (a loose index scan):
# a record's terms are read and deleted by term and seq, so the table needs no index by seq
# alone, which every append would also write (store.FEWER_INDEXES).
_TERMS_IN_USE = (
    "WITH RECURSIVE known (term) AS (SELECT min(term) FROM audit_terms UNION ALL "
    "SELECT (SELECT min(term) FROM audit_terms WHERE term > known.term) FROM known "
    "WHERE known.term IS NOT NULL) "
)
DELETE_TERMS = (  # built from constants only
    f"{_TERMS_IN_USE}DELETE FROM audit_terms WHERE term IN (SELECT term FROM known) AND seq <= ?"  # noqa: S608
)
DELETE_RECORDS = "DELETE FROM audit_log WHERE seq <= ?"
SCHEMA_TABLE = "CREATE TABLE IF NOT EXISTS audit_schema (version INTEGER PRIMARY KEY, at TEXT)"
SCHEMA_VERSION = "SELECT max(version) FROM audit_schema"
RECORD_VERSION = "INSERT INTO audit_schema (version, at) VALUES (?, ?)"
FIRST = "SELECT min(seq) FROM audit_log"
FIRST_FROM = "SELECT min(seq) FROM audit_log WHERE at >= ?"
SURVIVOR_PREV = "SELECT prev_hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT 1"
COUNT_THROUGH = "SELECT count(*) FROM audit_log WHERE seq <= ?"
GET = f"{SELECT} WHERE seq = ?"
DECISION = f"{SELECT} WHERE decision_id = ? AND kind = 'decision' ORDER BY seq DESC LIMIT 1"
HISTORY = f"{SELECT} WHERE decision_id = ? AND kind = 'decision' ORDER BY seq"
REVIEWS = f"{SELECT} WHERE decision_id = ? AND kind = 'review' ORDER BY seq"
TERMS_BETWEEN = (  # built from constants only
    f"{_TERMS_IN_USE}SELECT seq, term FROM audit_terms "  # noqa: S608
    "WHERE term IN (SELECT term FROM known) AND seq BETWEEN ? AND ?"
)
STATS_KINDS = "SELECT kind, count(*) FROM audit_log GROUP BY kind"
STATS_VERDICTS = "SELECT verdict, count(*) FROM audit_log WHERE kind = 'decision' GROUP BY verdict"
# The times of the first and the last record in the chain: records are stamped as they are
# chained, and prune takes them as in time order too (scripts.prune).
STATS_SPAN = (
    "SELECT (SELECT min(seq) FROM audit_log), "
    "(SELECT at FROM audit_log ORDER BY seq LIMIT 1), "
    "(SELECT at FROM audit_log ORDER BY seq DESC LIMIT 1)"
)
_HOLD_MARKS = ", ".join("?" * len(HOLD_COLUMNS))
# Nothing is kept when a standing hold has the same repeat_key (the unique index refuses it).
INSERT_HOLD = (
    f"INSERT INTO audit_holds ({', '.join(HOLD_COLUMNS)}) VALUES ({_HOLD_MARKS}) "  # noqa: S608
    "ON CONFLICT DO NOTHING"
)
SELECT_HOLD = f"SELECT {', '.join(HOLD_COLUMNS)} FROM audit_holds"  # noqa: S608
GET_HOLD = f"{SELECT_HOLD} WHERE decision_id = ?"
STANDING_HOLD = f"{SELECT_HOLD} WHERE repeat_key = ? AND state IN ({STANDING})"
WAITING_HOLDS = "SELECT count(*), min(created_at) FROM audit_holds WHERE state = 'held'"


def find(query: Query) -> tuple[str, list[Any]]:
    """Decisions matching ``query``, newest first, one more than the page (to know whether
    another follows). Objects and rules are matched through the indexed ``audit_terms``."""
    where: list[str] = ["kind = ?"]
    values: list[Any] = [Kind.DECISION.value]
    for column, value in (
        ("verdict", query.verdict),
        ("agent", query.agent),
        ("conversation", query.conversation),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            values.append(value)
    if query.verdicts:
        where.append(f"verdict IN ({', '.join('?' * len(query.verdicts))})")
        values.extend(query.verdicts)
    if query.object is not None:
        where.append("seq IN (SELECT seq FROM audit_terms WHERE term = ?)")
        values.append(object_term(query.object))
    if query.rule is not None:
        where.append("seq IN (SELECT seq FROM audit_terms WHERE term = ?)")
        values.append(rule_term(query.rule))
    for clause, bound in (("at >= ?", query.since), ("at < ?", query.until)):
        if bound is not None:
            where.append(clause)
            values.append(bound)
    if query.before_seq is not None:
        where.append("seq < ?")
        values.append(query.before_seq)
    values.append(query.limit + 1)
    return f"{SELECT} WHERE {' AND '.join(where)} ORDER BY seq DESC LIMIT ?", values


def scan(after: int, kind: Kind | None, batch: int) -> tuple[str, list[Any]]:
    """The next ``batch`` records after ``after``, in sequence order: keyset paging, so a scan
    of millions of records holds no cursor open between batches."""
    if kind is None:
        return f"{SELECT} WHERE seq > ? ORDER BY seq LIMIT ?", [after, batch]
    return f"{SELECT} WHERE seq > ? AND kind = ? ORDER BY seq LIMIT ?", [after, kind.value, batch]


def holds(
    states: tuple[HoldState, ...],
    limit: int,
    expires_before: datetime | None,
    claimed_before: datetime | None,
) -> tuple[str, list[Any]]:
    """Holds in any of ``states``, oldest first."""
    where = [f"state IN ({', '.join('?' * len(states))})"]
    values: list[Any] = [s.value for s in states]
    for clause, bound in (("expires_at <= ?", expires_before), ("claimed_at < ?", claimed_before)):
        if bound is not None:
            where.append(clause)
            values.append(bound)
    values.append(limit)
    return f"{SELECT_HOLD} WHERE {' AND '.join(where)} ORDER BY created_at LIMIT ?", values


def move_hold(
    decision_id: str,
    from_states: tuple[HoldState, ...],
    to: HoldState,
    at: datetime,
    claim: str | None,
    values: dict[str, Any],
) -> tuple[str, list[Any]]:
    """The compare-and-set of one hold transition, returning the hold after it."""
    unknown = set(values) - set(HOLD_UPDATABLE)
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    names = sorted(values)  # only HOLD_UPDATABLE's constants reach the statement
    sets = ", ".join(["state = ?", "updated_at = ?", *(f"{n} = ?" for n in names)])
    params: list[Any] = [to.value, at, *(values[n] for n in names), decision_id]
    where = f"decision_id = ? AND state IN ({', '.join('?' * len(from_states))})"
    params.extend(s.value for s in from_states)
    if claim is not None:
        where += " AND claim = ?"
        params.append(claim)
    returning = ", ".join(HOLD_COLUMNS)
    return f"UPDATE audit_holds SET {sets} WHERE {where} RETURNING {returning}", params  # noqa: S608


@functools.lru_cache(maxsize=64)
def rows(statement: str, count: int) -> str:
    """``statement``, an INSERT of one row (``VALUES (?, ...)``), as the INSERT of ``count``
    rows, their values one after another."""
    found = _ONE_ROW.fullmatch(statement)
    if found is None:
        raise ValueError(f"not an INSERT of one row: {statement}")
    head, marks, tail = found.groups()
    return f"{head}{', '.join([marks] * count)}{tail}"


_ONE_ROW = re.compile(r"(INSERT INTO .* VALUES )(\([?, ]+\))(.*)", re.DOTALL)


def contexts(count: int) -> str:
    """The context parts of ``count`` hashes (those stored)."""
    return f"SELECT hash, body FROM audit_contexts WHERE hash IN ({', '.join('?' * count)})"  # noqa: S608
