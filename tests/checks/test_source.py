"""A policy's params written into its expressions as literals are what CEL read through the
resolver: the same result on every write, and nothing else in the expression changes."""

from datetime import date
from typing import Any

import cel
import pytest

from guardrail.checks.source import inline_params

PARAMS: dict[str, Any] = {
    "names": ["Phone", "Fax", 'say "hi"\\', "caf\u00e9\n"],
    "limit": 50,
    "rate": 0.25,
    "big": -(2**40),
    "on": False,
    "none": None,
    "routing": {"Billing": ["00G1"], "Other": [], "nested": {"a": [1, 2.5, True]}},
}
INTENTS = [
    {"fields": {"Phone": "1", "Subject": "x"}, "tool": "Billing"},
    {"fields": {}, "tool": "Other"},
]
SAME = [
    "intent.fields.filter(f, !(f in params.names)).map(f, intent.fields[f])",
    "params.limit * 2 > 99 && params.rate < 0.5 && params.big < 0 && !params.on",
    "params.none == null && size(params.routing[intent.tool]) >= 0",
    "params.routing.nested.a[1] == 2.5 && intent.tool in params.routing",
    "-params.limit == -50 && params . limit == 50",
]
KEPT = [
    ('"params.limit" + string(params.limit)', '"params.limit" + string((50))'),
    ("has(params.limit) && params.limit > 1", "has(params.limit) && (50) > 1"),
    ("size(params) > 0", "size(params) > 0"),
    ("params.when == params.limit", "params.when == (50)"),
    ("myparams.limit + variables.params.limit", "myparams.limit + variables.params.limit"),
]


@pytest.mark.parametrize("source", SAME)
def test_an_expression_with_its_params_written_in_decides_as_it_did(source: str) -> None:
    inlined = inline_params(source, PARAMS)
    assert "params" not in inlined
    for intent in INTENTS:
        given = cel.Context(variables={"intent": intent, "params": PARAMS})
        assert cel.compile(inlined).execute(cel.Context(variables={"intent": intent})) == (
            cel.compile(source).execute(given)
        )


@pytest.mark.parametrize(("source", "expected"), KEPT)
def test_strings_has_whole_params_and_params_with_no_literal_stay_as_written(
    source: str, expected: str
) -> None:
    assert inline_params(source, {**PARAMS, "when": date(2026, 1, 1)}) == expected
