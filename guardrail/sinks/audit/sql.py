"""The SQL both backends run, written once with ``?`` markers (PostgreSQL's driver numbers them).

Values are always passed as parameters, never inlined, so no statement here holds a literal
``?`` and the numbering is a plain substitution.
"""

from __future__ import annotations

from typing import Any

from guardrail.sinks.audit.record import Kind, object_term, rule_term
from guardrail.sinks.audit.store import COLUMNS, Query

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
DELETE_TERMS = "DELETE FROM audit_terms WHERE seq <= ?"
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
TERMS_BETWEEN = "SELECT seq, term FROM audit_terms WHERE seq BETWEEN ? AND ?"
STATS_KINDS = "SELECT kind, count(*) FROM audit_log GROUP BY kind"
STATS_VERDICTS = "SELECT verdict, count(*) FROM audit_log WHERE kind = 'decision' GROUP BY verdict"
STATS_SPAN = "SELECT min(seq), min(at), max(at) FROM audit_log"


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


def contexts(count: int) -> str:
    """The context parts of ``count`` hashes (those stored)."""
    return f"SELECT hash, body FROM audit_contexts WHERE hash IN ({', '.join('?' * count)})"  # noqa: S608
