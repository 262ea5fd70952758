"""What a rule's leading field test decides is what CEL itself finds: the guard never decides
an expression otherwise than running it would, and leaves every other shape to CEL."""

from itertools import chain, combinations
from typing import Any

import cel
import pytest

from guardrail.checks.guard import guard

FIELDS = ("Reason", "OwnerId", "Status")
# Invented expressions: the shapes a guard decides, their near misses, and what follows them
# (errors included: a field the write lacks, a call of nothing).
DECIDED = [
    '!has(intent.fields.OwnerId) || intent.fields.OwnerId.startsWith("00G")',
    "!has(intent.fields.OwnerId) || nothing(intent.fields.OwnerId)",
    '! has( intent.fields.Reason ) || intent.fields.Reason == "x" && intent.fields.Status == "y"',
    "!has(intent.fields.Reason) || intent.fields.Nope == 1 || false",
    'has(intent.fields.OwnerId) && string(intent.fields.OwnerId).startsWith("00G")',
    "has(intent.fields.Status) && intent.fields.Nope == 2",
    "has(intent.fields.Status) && (intent.fields.Status == 'a' || intent.fields.Reason == 'b')",
    "has(intent.fields.Reason) || has(intent.fields.Status)",
    'has(intent.fields.Reason) && r"a\\" == "?"',
    "has(intent.fields.OwnerId)",
    "!has(intent.fields.OwnerId)",
]
RUN = [
    '!has(intent.fields.OwnerId) || intent.fields.OwnerId == "x" ? true : false',
    "(!has(intent.fields.OwnerId) || true) && false",
    "!has(intent.fields.OwnerId) && true",
    "has(intent.fields.OwnerId) || true",
    "has(intent.fields.Reason) || has(intent.fields.Status) || true",
    'intent.fields.Reason == "a" || !has(intent.fields.Status)',
    '"!has(intent.fields.OwnerId) || " + "x" == "y"',
    "[has(intent.fields.OwnerId)].exists(h, h) || false",
    "has(intent.fields.OwnerId) || false) && (true",
]


def _run(source: str, fields: dict[str, Any]) -> Any:
    try:
        return cel.compile(source).execute(cel.Context(variables={"intent": {"fields": fields}}))
    except Exception as exc:  # CEL raises many unrelated types
        return type(exc)


def _field_sets() -> list[dict[str, Any]]:
    names = chain.from_iterable(combinations(FIELDS, n) for n in range(len(FIELDS) + 1))
    return [dict.fromkeys(chosen, "00G000000000001AAA") for chosen in names]


@pytest.mark.parametrize("source", DECIDED)
def test_a_guard_decides_as_cel_does_on_every_set_of_fields(source: str) -> None:
    found = guard(source)
    assert found is not None
    decided = 0
    for fields in _field_sets():
        outcome = found.decide(fields)
        if outcome is not None:
            decided += 1
            assert outcome is _run(source, fields), (source, fields)
    assert decided, f"{source} is never decided"


@pytest.mark.parametrize("source", RUN)
def test_other_shapes_are_left_to_cel(source: str) -> None:
    assert guard(source) is None
