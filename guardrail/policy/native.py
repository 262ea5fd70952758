"""CEL compiled to Python: a rule's expression becomes a Python function once, when the policy
set loads, so judging a write runs plain Python over plain values, nothing converted.

The ``cel`` package (cel-rust) evaluates a compiled program well, but every value it is given is
converted to its own form first (microseconds a string, hundreds a context), on every write, and
it exposes no syntax tree. So the subset of CEL policies use is parsed here and generated as
Python that keeps cel-rust's semantics, checked against it by a differential test
(tests/policy/test_native.py): int, double and bool distinct (``1 == true`` is false, ``1 + 1.0``
an error, ``1 == 1.0`` true), int overflow, division by zero, a missing key and a wrong type
raise as cel does, so failurePolicy applies; ``&&`` and ``||`` absorb an error the other side
decides (``false && error`` is false); comprehensions stop at their first deciding element or
error, as cel-rust's do. Maps iterate in insertion order (cel-rust's order is a hash's, random
per process; CEL leaves it unspecified). Values this module does not model (timestamps,
durations, bytes) are handed to cel for the one operation, and an expression outside the subset
(uint, bytes literals, macros and functions not listed below) is run by cel whole: every
expression that compiles with cel runs.

Supported: literals (int, double, string, bool, null, lists, maps with string keys), variables,
``.field``, ``[index]``, ``has()``, ``! - * / % + - < <= > >= == != in && || ?:``, the macros
all, exists, exists_one, map, filter; size, int, double, string, type, dyn, the type names,
contains, startsWith, endsWith, matches, and the rule function library (its methods too).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, Protocol

import cel

from guardrail.policy.cel_syntax import TYPES, Parser, Unsupported
from guardrail.policy.cel_values import OPERATORS, RUNTIME, CelType


class Names(dict[str, Any]):
    """The variables a rule sees, by name; a name not among them is CEL's "undefined" error.
    ``fallback`` answers first for the names this one lacks (a policy's names over a write's)."""

    __slots__ = ("fallback",)

    def __init__(self, values: Mapping[str, Any], fallback: Mapping[str, Any] | None = None):
        super().__init__(values)
        self.fallback = fallback

    def __missing__(self, name: str) -> Any:
        if self.fallback is None:
            raise RuntimeError(f"Undefined variable or function: '{name}'")
        return self.fallback[name]

    def get_value(self, name: str) -> tuple[bool, Any]:
        """(found, value): whether ``name`` is defined here or below, and its value."""
        try:
            return True, self[name]
        except RuntimeError:
            return False, None


class Run(Protocol):
    """A program's value on ``names`` and the rule function library ``functions``."""

    def __call__(self, names: Names, functions: Any = None) -> Any: ...


class Program:
    """A compiled expression: ``run(names, functions)`` is its value, or raises as cel would.
    ``functions``: the object whose methods are the rule function library (None: none)."""

    __slots__ = ("_cel", "native", "reads", "run", "source")

    def __init__(self, source: str, program: Any, library: frozenset[str] = frozenset()) -> None:
        self.source = source
        self._cel = program
        # ``run`` is the generated function itself: a write runs some thirty programs
        self.run: Run
        #: What its value depends on: the names it reads (``variables.x`` for a policy
        #: variable), and ``F.f`` for each library function ``f`` it calls.
        self.reads: frozenset[str]
        try:
            tree = Parser(source, library).parse()
            self.run = _generate(tree)
            self.reads = frozenset(_reads(tree, frozenset()))
            self.native = True
        except Unsupported:
            self.run = self._interpret
            self.reads = frozenset(
                {*program.variables(), *(f"F.{f}" for f in program.functions() if f in library)}
            )
            self.native = False

    def interpret(self, names: Names, functions: Any = None) -> Any:
        """The value as the ``cel`` interpreter finds it (what an unsupported expression runs)."""
        return self._interpret(names, functions)

    def _interpret(self, names: Names, functions: Any = None) -> Any:
        variables = {}
        for name in self._cel.variables():
            found, value = names.get_value(name)
            if found:
                variables[name] = value
        library = {n: getattr(functions, n) for n in self._cel.functions() if hasattr(functions, n)}
        return self._cel.execute(cel.Context(variables=variables, functions=library))


class _Generator:
    """Python source for a tree, in one of two forms. Exact: ``&&``, ``||``, ``?:`` and the
    comprehensions through helpers that keep CEL's rules to the letter (an error on one side
    of ``&&`` absorbed by false on the other). Fast: the same as Python's ``and``, ``or``,
    ``if``, ``all()``, comprehensions, each operand made a bool or an error, rule functions
    called as methods (one that errs raises as it will). Where the fast
    form returns, it returns what the exact one does (an operand that errs or is no bool
    raises instead), so a program runs the fast form and, only if it raises, the exact."""

    def __init__(self) -> None:
        self.constants: dict[str, Any] = {}
        self.locals = 0
        self.typed = False  # whether a type is a value in it: cel gives back its name
        self.fast = False

    def constant(self, value: Any) -> str:
        name = f"_k{len(self.constants)}"
        self.constants[name] = value
        return name

    def boolean(self, node: tuple[Any, ...], scope: Mapping[str, str]) -> str:
        """``node``'s code, its value a bool or an error."""
        code = self.code(node, scope)
        return code if _boolean(node) else f"_test({code})"

    def code(self, node: tuple[Any, ...], scope: Mapping[str, str]) -> str:
        kind = node[0]
        if kind == "lit":
            value = node[1]
            if value is None or isinstance(value, bool) or type(value) is int:
                return repr(value)
            return self.constant(value)
        if kind == "ident":
            name = node[1]
            if name in scope:
                return scope[name]
            if name in TYPES:
                self.typed = True
                return self.constant(CelType(name))
            return f"N[{name!r}]"
        if kind == "select":  # Python's [] errs wherever CEL's select does
            return f"{self.code(node[1], scope)}[{node[2]!r}]"
        if kind == "has":
            return f"_has({self.code(node[1], scope)}, {node[2]!r})"
        if self.fast and kind == "not" and _boolean(node[1]):
            return f"(not {self.code(node[1], scope)})"
        if kind in ("index", "not", "neg"):  # (kind, operand...)
            return f"_{kind}({', '.join(self.code(n, scope) for n in node[1:])})"
        if kind == "cond":
            test = (
                self.boolean(node[1], scope) if self.fast else f"_test({self.code(node[1], scope)})"
            )
            return f"({self.code(node[2], scope)} if {test} else {self.code(node[3], scope)})"
        if kind == "op":
            return self.operation(node[1], node[2], node[3], scope)
        if kind in ("list", "map"):
            fixed, value = _fixed(node)
            if fixed:
                return self.constant(value)
            if kind == "list":
                return f"[{', '.join(self.code(n, scope) for n in node[1])}]"
            # pairs, not a dict display: Python drops an entry a later one of its key replaces
            # without running it, where CEL runs it (and its error stands)
            entries = "".join(f"({key!r}, {self.code(value, scope)}), " for key, value in node[1])
            return f"dict(({entries}))"
        if kind == "builtin":
            self.typed = self.typed or node[1] == "type"
            args = ", ".join(self.code(n, scope) for n in node[2])
            return f"_{node[1]}({args})"
        if kind == "call":
            if self.fast:  # a function that errs raises, and the exact form says how
                args = ", ".join(self.argument(n, scope) for n in node[2])
                return f"_returned(F.{node[1]}({args}))"
            args = "".join(f", {self.argument(n, scope)}" for n in node[2])
            return f"_call(F, {node[1]!r}{args})"
        if kind == "macro":
            return self.macro(node[1], node[2], node[3], node[4], scope)
        raise Unsupported(kind)

    def argument(self, node: tuple[Any, ...], scope: Mapping[str, str]) -> str:
        """``node``'s code as a library function's argument: a type in it by its name, as cel
        hands it over."""
        typed, self.typed = self.typed, False
        code = self.code(node, scope)
        if self.typed:
            code = f"_result({code})"
        self.typed = self.typed or typed
        return code

    def operation(
        self, op: str, left: tuple[Any, ...], right: tuple[Any, ...], scope: Mapping[str, str]
    ) -> str:
        if op in ("&&", "||"):
            if self.fast:
                word = "and" if op == "&&" else "or"
                return f"({self.boolean(left, scope)} {word} {self.boolean(right, scope)})"
            helper = "_and" if op == "&&" else "_or"
            return f"{helper}(lambda: {self.code(left, scope)}, lambda: {self.code(right, scope)})"
        if op in ("==", "!=") and (typed := _type_test(left, right, scope)):
            # ``type(x) == string``: CelTypes are one instance a name
            value, name = typed
            test = "is" if op == "==" else "is not"
            return f"(_type({self.code(value, scope)}) {test} {self.constant(CelType(name))})"
        a, b = self.code(left, scope), self.code(right, scope)
        if op in ("==", "!=") and (_plain(left) or _plain(right)):
            # a string equals only a string; null, true and false only themselves
            literal = left if _plain(left) else right
            if isinstance(literal[1], str):
                return f"({a} {op} {b})"
            return f"({a} {'is' if op == '==' else 'is not'} {b})"
        if op == "in" and right[0] == "list" and all(_text(n) for n in right[1]):
            return f"({a} in {b})"  # a string list: its items equal only strings, as in Python
        return f"{OPERATORS[op]}({a}, {b})"

    def macro(
        self,
        name: str,
        target: tuple[Any, ...],
        var: str,
        bodies: list[tuple[Any, ...]],
        scope: Mapping[str, str],
    ) -> str:
        local = f"_v{self.locals}"
        self.locals += 1
        inner = {**scope, var: local}
        items = self.code(target, scope)
        if not self.fast:
            lambdas = ", ".join(f"lambda {local}: {self.code(b, inner)}" for b in bodies)
            return f"_{name}({items}, {lambdas})"
        each = f"for {local} in _items({items})"
        if name in ("all", "exists"):
            return f"{'all' if name == 'all' else 'any'}({self.boolean(bodies[0], inner)} {each})"
        if name == "exists_one":
            return f"(sum(1 {each} if {self.boolean(bodies[0], inner)}) == 1)"
        if name == "filter":
            return f"[{local} {each} if {self.boolean(bodies[0], inner)}]"
        if len(bodies) == 1:
            return f"[{self.code(bodies[0], inner)} {each}]"
        return f"[{self.code(bodies[1], inner)} {each} if {self.boolean(bodies[0], inner)}]"


_BOOLEAN_OPERATORS = frozenset({"==", "!=", "<", "<=", ">", ">=", "in", "&&", "||"})


def _boolean(node: tuple[Any, ...]) -> bool:
    """Whether ``node``'s value, if it has one, is a bool."""
    kind = node[0]
    return (
        (kind == "op" and node[1] in _BOOLEAN_OPERATORS)
        or kind in ("not", "has")
        or (kind == "macro" and node[1] in ("all", "exists", "exists_one"))
        or (kind == "builtin" and node[1] in ("contains", "startsWith", "endsWith", "matches"))
        or (kind == "lit" and isinstance(node[1], bool))
    )


def _type_test(
    left: tuple[Any, ...], right: tuple[Any, ...], scope: Mapping[str, str]
) -> tuple[tuple[Any, ...], str] | None:
    """Of the operands of ``==`` or ``!=``: the value whose type is compared with a type named
    (``type(x) == string``, either way round) and the type's name; else None."""
    for of, named in ((left, right), (right, left)):
        if (
            of[0] == "builtin" and of[1] == "type" and len(of[2]) == 1
            and named[0] == "ident" and named[1] in TYPES and named[1] not in scope
        ):  # fmt: skip
            return of[2][0], named[1]
    return None


def _text(node: tuple[Any, ...]) -> bool:
    return node[0] == "lit" and isinstance(node[1], str)


def _plain(node: tuple[Any, ...]) -> bool:
    """Whether ``node`` is a string, null or bool literal: what Python's == compares as CEL."""
    return node[0] == "lit" and (node[1] is None or isinstance(node[1], str | bool))


def _fixed(node: tuple[Any, ...]) -> tuple[bool, Any]:
    """Whether a literal list or map holds only literals, and its value: made once."""
    if node[0] == "lit":
        return True, node[1]
    if node[0] == "list":
        items = [_fixed(n) for n in node[1]]
        return all(f for f, _ in items), [v for _, v in items]
    if node[0] == "map":
        entries = [(key, *_fixed(n)) for key, n in node[1]]
        return all(f for _, f, _ in entries), {k: v for k, _, v in entries}
    return False, None


def _reads(node: tuple[Any, ...], bound: frozenset[str]) -> set[str]:
    """The free names ``node`` reads (a macro's variable is bound in its bodies), a policy
    variable as ``variables.x``, and ``F.f`` for each library function ``f`` it calls."""
    kind = node[0]
    if kind == "lit":
        return set()
    if kind == "ident":
        return set() if node[1] in bound or node[1] in TYPES else {node[1]}
    if kind in ("select", "has") and node[1] == ("ident", "variables") and "variables" not in bound:
        return {f"variables.{node[2]}"}
    if kind in ("select", "has"):
        return _reads(node[1], bound)
    if kind == "macro":
        inner = bound | {node[3]}
        return _reads(node[2], bound).union(*(_reads(b, inner) for b in node[4]))
    if kind == "map":
        return set().union(*(_reads(value, bound) for _, value in node[1]))
    if kind == "list":
        return set().union(*(_reads(n, bound) for n in node[1]))
    if kind in ("call", "builtin"):
        called = {f"F.{node[1]}"} if kind == "call" else set()
        return called.union(*(_reads(n, bound) for n in node[2]))
    if kind == "op":
        return _reads(node[2], bound) | _reads(node[3], bound)
    return set().union(*(_reads(n, bound) for n in node[1:]))  # cond, not, neg, index


def _generate(tree: tuple[Any, ...]) -> Run:
    generator = _Generator()
    exact = generator.code(tree, {})
    generator.fast = True
    fast = generator.code(tree, {})
    if generator.typed:
        exact, fast = f"_result({exact})", f"_result({fast})"
    source = f"def run(N, F=None):\n    return {exact}\n"
    if fast != exact:
        source = (
            f"def run(N, F=None):\n    try:\n        return {fast}\n"
            f"    except Exception:\n        return {exact}\n"
        )
    namespace: dict[str, Any] = {**RUNTIME, **generator.constants}
    with warnings.catch_warnings():  # ``1 is None``, ``1["a"]``: what CEL finds false, or errs
        warnings.simplefilter("ignore", SyntaxWarning)
        exec(compile(source, "<cel>", "exec"), namespace)  # noqa: S102
    run: Run = namespace["run"]
    return run
