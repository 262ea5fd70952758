"""Rules compiled to Python agree with the ``cel`` interpreter: the same value, or both an error.

A differential property test over generated expressions and environments, and every expression
of the shipped packs run both ways on each write of the pack's labeled scenarios.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cel
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from guardrail.checks.rules import compile_expression
from guardrail.policy.cel_values import INT_MAX, INT_MIN
from guardrail.policy.loader import PolicySet, load_policy_set
from guardrail.policy.native import Names, Program, Run
from guardrail.scenarios.format import load_scenarios
from guardrail.scenarios.offline import run_all

PACKS = sorted(p for p in (Path(__file__).parents[2] / "policies").iterdir() if p.is_dir())


class Library:
    """Functions a generated expression may call, as a rule calls the rule library."""

    def pair(self, value: Any) -> list[Any]:
        return [value, value]

    def broken(self, value: Any) -> Any:
        raise LookupError(f"nothing for {value!r}")

    def named(self, value: Any) -> dict[str, Any]:
        return {"value": value, "kind": type(value).__name__}


LIBRARY = frozenset({"pair", "broken", "named"})
# The variable ``x`` as a whole word: a macro's body uses its own ``v`` in its place (not the
# "x" inside "exists").
_X = re.compile(r"\bx\b")


# --- values ----------------------------------------------------------------------------------

ints = st.one_of(
    st.integers(-5, 5),
    st.sampled_from([INT_MIN, INT_MAX, INT_MIN + 1, INT_MAX - 1, 2**53 + 1, -(2**31)]),
    st.integers(INT_MIN, INT_MAX),
)
doubles = st.one_of(
    st.sampled_from([0.0, -0.0, 0.5, 1.0, 2.0, -1.5, 1e21, 1e-7, math.inf, -math.inf, math.nan]),
    st.floats(allow_nan=True, allow_infinity=True),
)
texts = st.one_of(
    st.sampled_from(["", "a", "ab", "A", "é", "12", "-7", "1.5", "1e3", "nan", "inf", " 1", "x"]),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=6),
)
keys = st.sampled_from(["a", "b", "c", "fields", "Status"])
scalars = st.one_of(st.none(), st.booleans(), ints, doubles, texts)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=10,
)
#: A map a comprehension iterates: one key at most, since cel-rust's order is random
single = st.dictionaries(keys, values, max_size=1)
environments = st.fixed_dictionaries(
    {
        "x": values,
        "y": values,
        "n": ints,
        "d": doubles,
        "s": texts,
        "l": st.lists(values, max_size=4),
        "m": st.dictionaries(keys, values, max_size=4),
        "one": single,
    }
)

# --- expressions -----------------------------------------------------------------------------


def literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "(1.0/0.0)" if value == math.inf else repr(value) if math.isfinite(value) else "0.5"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return str(value)


literals = st.one_of(
    st.sampled_from(["null", "true", "false", "0", "1", "-1", "2", "0.0", "1.0", "2.5", '""']),
    scalars.filter(lambda v: not isinstance(v, float) or math.isfinite(v)).map(literal),
    st.just("9223372036854775807"),
    st.just("-9223372036854775808"),
    st.just("'single'"),
    st.just("r'raw\\n'"),
    st.just('"\\u00e9\\x41\\101"'),
)
leaves = st.one_of(
    literals,
    st.sampled_from(["x", "y", "n", "d", "s", "l", "m", "one", "m.a", "m.b", 'm["c"]', "l[0]"]),
    st.sampled_from(["x.a", "x[0]", "x[1]", "y.fields", "undefined_name", "int", "string"]),
)
TYPE_NAMES = {"int", "double", "bool", "string", "list", "map", "null_type", "type"}
BINARY = ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "in", "&&", "||"]


def compound(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """An expression one level above ``inner``'s."""
    wrapped = st.one_of(inner, inner.map(lambda e: f"({e})"))
    target = st.one_of(wrapped, st.sampled_from(["l", "one", "[1, 0, 2]", "[true, false]"]))
    return st.one_of(
        st.tuples(wrapped, st.sampled_from(BINARY), wrapped).map(" ".join),
        st.tuples(st.sampled_from(["!", "-"]), wrapped).map("".join),
        st.tuples(wrapped, wrapped, wrapped).map(lambda t: f"{t[0]} ? {t[1]} : {t[2]}"),
        st.tuples(st.sampled_from(["size", "int", "double", "string", "type", "dyn"]), inner).map(
            lambda t: f"{t[0]}({t[1]})"
        ),
        st.tuples(wrapped, st.sampled_from(["contains", "startsWith", "endsWith"]), inner).map(
            lambda t: f"{t[0]}.{t[1]}({t[2]})"
        ),
        st.tuples(wrapped, st.sampled_from(["a", "b", "fields"])).map(
            lambda t: f"has({t[0]}.{t[1]})"
        ),
        st.tuples(wrapped, inner).map(lambda t: f"{t[0]}[{t[1]}]"),
        st.tuples(
            target, st.sampled_from(["all", "exists", "exists_one", "filter", "map"]), inner
        ).map(lambda t: f"{t[0]}.{t[1]}(v, {_X.sub('v', t[2])})"),
        st.tuples(target, inner, inner).map(lambda t: f"{t[0]}.map(v, {t[1]}, {t[2]})"),
        st.lists(inner, max_size=3).map(lambda items: f"[{', '.join(items)}]"),
        st.lists(st.tuples(keys, inner), max_size=3).map(
            lambda kv: "{" + ", ".join(f'"{k}": {v}' for k, v in kv) + "}"
        ),
        st.tuples(st.sampled_from(sorted(LIBRARY)), inner).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(wrapped, st.sampled_from(sorted(LIBRARY))).map(lambda t: f"{t[0]}.{t[1]}()"),
        inner.map(lambda e: f"type({e}) == int || type({e}) == string"),
        st.tuples(inner, st.sampled_from(["==", "!="]), st.sampled_from(sorted(TYPE_NAMES))).map(
            lambda t: f"type({t[0]}) {t[1]} {t[2]}"
        ),
        st.tuples(st.sampled_from(sorted(TYPE_NAMES)), st.sampled_from(["==", "!="]), inner).map(
            lambda t: f"{t[0]} {t[1]} type({t[2]})"
        ),
        st.sampled_from(["[1, 's'].exists(int, type(int) == int)", "type(type(x)) == type"]),
    )


def nested(depth: int) -> st.SearchStrategy[str]:
    """Expressions up to ``depth`` levels of operators over leaves, any level as likely."""
    if depth == 0:
        return leaves
    below = nested(depth - 1)
    return st.one_of(below, compound(below))


expressions = nested(3)


# --- agreement -------------------------------------------------------------------------------


def outcome(run: Callable[[], Any]) -> tuple[bool, Any]:
    try:
        return True, run()
    except Exception as exc:  # cel raises many unrelated types: only "an error" counts
        return False, type(exc).__name__


def same(a: Any, b: Any) -> bool:
    """Equal as values of the same types (1 is not 1.0, nan is nan)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and str(a) == str(b))
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


def agree(
    program: Program, names: Names, functions: Any, run: Run | None = None
) -> tuple[bool, Any, Any]:
    """Whether ``program`` run (by ``run``, else its own) and interpreted agree, and what each
    found."""
    native = outcome(lambda: (run or program.run)(names, functions))
    interpreted = outcome(lambda: program.interpret(names, functions))
    if native[0] and interpreted[0]:
        return same(native[1], interpreted[1]), native, interpreted
    return native[0] == interpreted[0], native, interpreted


@settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(source=expressions, env=environments)
@example(source="type(!!null) == int || type(!!null) == string", env={})
def test_a_compiled_expression_and_the_interpreter_agree(source: str, env: dict[str, Any]) -> None:
    try:
        compiled = cel.compile(source)
    except ValueError:
        assume(False)
        return
    program = Program(source, compiled, LIBRARY)
    assert program.native, source
    ok, native, interpreted = agree(program, Names(env), Library())
    assert ok, f"{source}\n  env: {env}\n  native: {native}\n  cel: {interpreted}"


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("false && (1 / 0 > 0)", False),
        ("(1 / 0 > 0) && false", False),
        ("true || (1 / 0 > 0)", True),
        ("(1 / 0 > 0) || true", True),
        ("1 == 1.0 && !(1 == true) && 1 < 1.5", True),
        ("[1, 0].exists(v, 1 / v > 0)", True),
        ("string(1e21) + string(-0.0) + string(2.5)", "1000000000000000000000-02.5"),
        ("size('é')", 2),
        ("-9223372036854775808", INT_MIN),
        # negations in pairs are dropped by CEL's parser, never type-checked
        ("type(!!null) == null_type", True),
        ("--'a'", "a"),
        ("!!!false", True),
    ],
)
def test_cel_semantics_hold_where_python_differs(source: str, value: Any) -> None:
    program = compile_expression(source)
    assert program.native
    assert same(program.run(Names({})), value)


@pytest.mark.parametrize("source", ["type(null).named()", "named([type(1), 2])"])
def test_a_type_reaches_a_library_function_by_its_name_as_cel_hands_it(source: str) -> None:
    program = Program(source, cel.compile(source), LIBRARY)
    assert program.native
    ok, native, interpreted = agree(program, Names({}), Library())
    assert ok, f"native: {native}, cel: {interpreted}"


@pytest.mark.parametrize(
    "source",
    [
        "9223372036854775807 + 1",
        "1 / 0",
        "1 % 0",
        "1 + 1.0",
        '{"a": 1}.b',
        "[1][1]",
        '"a" < 1',
        "(1 / 0 > 0) && true",
        "[0, 1].all(v, 1 / v > 5)",
        "1 ? 2 : 3",
        'int("1_000")',
        "double(' 1')",
    ],
)
def test_what_cel_finds_an_error_is_an_error(source: str) -> None:
    program = compile_expression(source)
    assert program.native
    with pytest.raises(Exception):  # noqa: B017, PT011 - as cel, of many types
        program.run(Names({}))


def test_an_expression_outside_the_subset_is_run_by_cel() -> None:
    program = compile_expression('1u + 2u == 3u && b"ab".size() == 2 && "A".lowerAscii() == "a"')
    assert not program.native
    with pytest.raises(RuntimeError, match="lowerAscii"):  # cel's own answer: not built in
        program.run(Names({}))
    assert compile_expression("timestamp('2026-01-01T00:00:00Z') < now").run(
        Names({"now": cel.evaluate("timestamp('2026-06-01T00:00:00Z')")})
    )


@pytest.mark.parametrize(
    ("source", "reads"),
    [
        ("customer.verified && has(variables.asked)", {"customer", "variables.asked"}),
        ("[1].exists(customer, customer > x)", {"x"}),  # a macro's variable is its own
        ("intent.fields.filter(f, type(f) == string).map(f, lower(f))", {"intent", "F.lower"}),
        ('{"a": ask("refund").found ? now : variables["b"]}', {"F.ask", "now", "variables"}),
        ("1u + size(customer_text())", {"F.customer_text"}),  # by cel: its own answer
    ],
)
def test_a_program_says_what_it_reads(source: str, reads: set[str]) -> None:
    assert compile_expression(source).reads == reads


def programs(pack: Path | PolicySet) -> Iterator[Program]:
    loaded = pack if isinstance(pack, PolicySet) else load_policy_set(pack)
    for policy in loaded.policies:
        for check in policy.checks:
            rules = getattr(check, "rules", None)
            if rules is not None:
                yield from getattr(check, "conditions", ())
                yield from (program for _, program in getattr(check, "variables", ()))
                for rule in rules.rules:
                    yield rule.program
        if policy.post is not None and policy.post.when is not None:
            yield policy.post.when


@pytest.mark.parametrize("pack", PACKS, ids=[p.name for p in PACKS])
def test_every_expression_of_the_packs_compiles_to_python(pack: Path) -> None:
    found = list(programs(pack))
    assert found
    assert [p.source for p in found if not p.native] == []


@pytest.mark.parametrize("pack", PACKS, ids=[p.name for p in PACKS])
async def test_the_packs_scenarios_judge_alike_both_ways(
    pack: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every expression run on each labeled write, compiled and interpreted: the same value."""
    runs: list[str] = []
    differ: list[str] = []

    def both(program: Program, run: Run, names: Names, functions: Any = None) -> Any:
        ok, native, interpreted = agree(program, names, functions, run)
        if not ok and not _alike_but_for_order(program, native, interpreted):
            differ.append(f"{program.source}\n  native: {native}\n  cel: {interpreted}")
        runs.append(program.source)
        return run(names, functions)

    policies = load_policy_set(pack)
    for program in programs(policies):
        monkeypatch.setattr(program, "run", functools.partial(both, program, program.run))
    results = await run_all(policies, load_scenarios(pack / "scenarios"))
    assert not [r.problem for r in results if r.problem]
    assert len(runs) > 100
    assert not differ, "\n".join(differ[:5])


def _alike_but_for_order(program: Program, native: Any, interpreted: Any) -> bool:
    """A comprehension over a map visits its keys in cel-rust's random order (CEL leaves it
    unspecified; compiled, in the map's own): the same list in another order, or a message
    joining it, the same once sorted."""
    a, b = native[1], interpreted[1]
    if not (native[0] and interpreted[0] and ".filter(" in program.source):
        return False
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(repr, a)) == sorted(map(repr, b))
    return isinstance(a, str) and isinstance(b, str) and sorted(a) == sorted(b)
