"""Encoded queries (``sysparm_query``): the subset agents and pysnc send.

``a=1^b!=2^ORc=3^ORDERBYd^ORDERBYDESCe``: terms joined by ``^`` (and), ``^OR`` (or, with the
term before), ``^NQ`` (a new query, or-ed with the rest); operators ``=``, ``!=``, ``<``,
``<=``, ``>``, ``>=``, ``LIKE``, ``NOT LIKE``, ``STARTSWITH``, ``ENDSWITH``, ``IN``, ``NOT
IN``, ``ISEMPTY``, ``ISNOTEMPTY``. As on the platform, a term naming no field of the table is
ignored (the instance property ``glide.invalid_query.returns_no_rows`` is off by default).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

Row = Mapping[str, str]
_TERM = re.compile(
    r"^(?P<field>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?P<op>ISNOTEMPTY|ISEMPTY|NOT LIKE|NOT IN|STARTSWITH|ENDSWITH|LIKE|IN|!=|<=|>=|=|<|>)"
    r"(?P<value>.*)$",
    re.DOTALL,
)


def _compare(op: str, actual: str, wanted: str) -> bool:
    if op in ("<", "<=", ">", ">="):
        try:
            a, w = float(actual), float(wanted)
        except ValueError:
            a, w = actual, wanted  # type: ignore[assignment]
        return {"<": a < w, "<=": a <= w, ">": a > w, ">=": a >= w}[op]
    low, want = actual.lower(), wanted.lower()
    tests: dict[str, Callable[[], bool]] = {
        "=": lambda: actual == wanted,
        "!=": lambda: actual != wanted,
        "LIKE": lambda: want in low,
        "NOT LIKE": lambda: want not in low,
        "STARTSWITH": lambda: low.startswith(want),
        "ENDSWITH": lambda: low.endswith(want),
        "IN": lambda: actual in wanted.split(","),
        "NOT IN": lambda: actual not in wanted.split(","),
        "ISEMPTY": lambda: actual == "",
        "ISNOTEMPTY": lambda: actual != "",
    }
    return tests[op]()


@dataclass(frozen=True, slots=True)
class Query:
    """Or-ed groups of and-ed terms, each term a tuple of or-ed conditions; the order."""

    groups: tuple[tuple[tuple[tuple[str, str, str], ...], ...], ...]
    order: tuple[tuple[str, bool], ...]

    def matches(self, row: Row) -> bool:
        return not self.groups or any(
            all(any(_compare(op, row.get(f, ""), v) for f, op, v in term) for term in group)
            for group in self.groups
        )

    def sort(self, rows: Iterable[Row]) -> list[Row]:
        ordered = list(rows)
        for name, descending in reversed(self.order):
            ordered.sort(key=lambda r: r.get(name, ""), reverse=descending)
        return ordered


def parse(encoded: str, fields: Iterable[str]) -> Query:
    known = set(fields)
    groups = []
    order: list[tuple[str, bool]] = []
    for chunk in encoded.split("^NQ") if encoded else ():
        terms: list[list[tuple[str, str, str]]] = []
        for part in chunk.split("^"):
            if part.startswith("ORDERBYDESC"):
                order.append((part.removeprefix("ORDERBYDESC"), True))
                continue
            if part.startswith("ORDERBY"):
                order.append((part.removeprefix("ORDERBY"), False))
                continue
            is_or = part.startswith("OR") and bool(terms)
            match = _TERM.match(part.removeprefix("OR") if is_or else part)
            if match is None or match["field"] not in known:
                continue  # ignored, as the platform ignores an invalid term
            condition = (match["field"], match["op"], match["value"])
            if is_or:
                terms[-1].append(condition)
            else:
                terms.append([condition])
        if terms:
            groups.append(tuple(tuple(t) for t in terms))
    return Query(tuple(groups), tuple((n, d) for n, d in order if n in known))
