"""What a rule's leading test of the write's fields decides before CEL runs it.

Most rules look at a field only when the write sets it (``!has(intent.fields.WhatId) ||
grounded(intent.fields.WhatId)``), and most conditions ask whether it does
(``has(intent.fields.OwnerId) && ...``). When the field decides the outcome, the outcome is
known from the write's field names alone, as CEL would find it (its ``||`` and ``&&`` are
decided by either side that decides them, whatever the other side does, an error included):

    !has(intent.fields.F) || ...      true when the write does not set F
    has(intent.fields.F) && ...       false when it does not
    has(intent.fields.F) || has(...)  false when it sets none of them (true when it sets one)
    has(intent.fields.F)              whether it sets F

Running a compiled rule costs a few microseconds, and a write meets dozens of them. An
expression of any other shape (a conditional at its top, a test that is not the first) is
always run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from guardrail.checks.source import code

_HAS = re.compile(r"\s*(!\s*)?has\(\s*intent\s*\.\s*fields\s*\.\s*([A-Za-z_]\w*)\s*\)\s*")
_OPEN, _CLOSE = "([{", ")]}"


@dataclass(frozen=True, slots=True)
class Guard:
    """An expression's outcome when the write sets none of ``fields``: ``absent``; with
    ``present``, its outcome when it sets any of them (None: it must be run)."""

    fields: tuple[str, ...]
    absent: bool
    present: bool | None = None

    def decide(self, written: Mapping[str, Any]) -> bool | None:
        """The expression's outcome on a write setting ``written``, or None: run it."""
        if any(f in written for f in self.fields):
            return self.present
        return self.absent


def guard(source: str) -> Guard | None:
    """What ``source``'s leading field test decides, if it is one of the shapes above."""
    operands, operator = _split(source)
    if operands is None:
        return None
    tests = [_HAS.fullmatch(o) for o in operands]
    first = tests[0]
    if first is None:
        return None
    negated, field = first.group(1) is not None, first.group(2)
    if len(operands) == 1:
        return Guard((field,), absent=negated, present=not negated)
    if operator == "||" and negated:
        return Guard((field,), absent=True)
    if operator == "&&" and not negated:
        return Guard((field,), absent=False)
    if operator == "||" and all(t is not None and t.group(1) is None for t in tests):
        return Guard(tuple(t.group(2) for t in tests if t is not None), absent=False, present=True)
    return None


def _split(source: str) -> tuple[list[str] | None, str | None]:
    """``source`` split at its top level by ``||`` (else by ``&&``: it binds tighter), and
    the operator; None when a conditional (``?:``) is at its top level or it does not scan."""
    cuts: dict[str, list[int]] = {"||": [], "&&": []}
    depth, skip = 0, -1
    try:
        for i, c in code(source):
            if i == skip:
                continue
            if c in _OPEN:
                depth += 1
            elif c in _CLOSE:
                depth -= 1
                if depth < 0:
                    return None, None
            elif depth == 0 and c == "?":
                return None, None
            elif depth == 0 and source[i : i + 2] in cuts:
                cuts[source[i : i + 2]].append(i)
                skip = i + 1
    except ValueError:  # a string that does not end
        return None, None
    if depth:
        return None, None
    operator = "||" if cuts["||"] else "&&" if cuts["&&"] else None
    if operator is None:
        return [source], None
    starts = [0, *(at + 2 for at in cuts[operator])]
    ends = [*cuts[operator], len(source)]
    return [source[s:e] for s, e in zip(starts, ends, strict=True)], operator
