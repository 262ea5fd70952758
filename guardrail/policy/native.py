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

import math
import operator
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

import cel

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
_UINT_MAX = 2**64 - 1
_NO_OVERLOAD = (
    "No such overload: the operation is not defined for the given operand types. CEL does not "
    "coerce between types"
)


class Unsupported(Exception):
    """The expression is outside the subset compiled here: cel runs it."""


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


class Program:
    """A compiled expression: ``run(names, functions)`` is its value, or raises as cel would.
    ``functions``: the object whose methods are the rule function library (None: none)."""

    __slots__ = ("_cel", "_run", "native", "source")

    def __init__(self, source: str, program: Any, library: frozenset[str] = frozenset()) -> None:
        self.source = source
        self._cel = program
        try:
            tree = _Parser(source, library).parse()
            self._run: Callable[[Names, Any], Any] = _generate(tree)
            self.native = True
        except Unsupported:
            self._run = self._interpret
            self.native = False

    def run(self, names: Names, functions: Any = None) -> Any:
        return self._run(names, functions)

    def interpret(self, names: Names, functions: Any = None) -> Any:
        """The value as the ``cel`` interpreter finds it (what an unsupported expression runs)."""
        return self._interpret(names, functions)

    def _interpret(self, names: Names, functions: Any) -> Any:
        variables = {}
        for name in self._cel.variables():
            found, value = names.get_value(name)
            if found:
                variables[name] = value
        library = {n: getattr(functions, n) for n in self._cel.functions() if hasattr(functions, n)}
        return self._cel.execute(cel.Context(variables=variables, functions=library))


# --- parsing ---------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<space>\s+|//[^\n]*)
    |(?P<float>(?:[0-9]+\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+|\.[0-9]+(?:[eE][+-]?[0-9]+)?)(?![A-Za-z_0-9]))
    |(?P<hex>0x[0-9a-fA-F]+(?![A-Za-z_0-9.]))
    |(?P<int>[0-9]+(?![A-Za-z_0-9]))
    |(?P<string>[rR]?(?:\"\"\"|'''|"|'))
    |(?P<ident>[A-Za-z_][A-Za-z_0-9]*)
    |(?P<op>&&|\|\||==|!=|<=|>=|[<>!+\-*/%?:.,()\[\]{}])""",
    re.VERBOSE,
)
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_ESCAPES.update({c: c for c in "\\\"'`?"})
_TYPES = frozenset(
    {"int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type"}
)
_MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})
_STRING_TESTS = frozenset({"contains", "startsWith", "endsWith"})


def _tokens(source: str) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    at = 0
    while at < len(source):
        match = _TOKEN.match(source, at)
        if match is None:
            raise Unsupported(source[at:])
        kind, text = match.lastgroup, match.group()
        at = match.end()
        if kind == "space":
            continue
        if kind == "string":
            value, at = _string_literal(source, at, text)
            found.append(("lit", value))
        elif kind == "float":
            found.append(("lit", float(text)))
        elif kind in ("int", "hex"):
            found.append(("int", int(text, 16 if kind == "hex" else 10)))
        elif kind == "ident" and text in ("true", "false", "null"):
            found.append(("lit", {"true": True, "false": False, "null": None}[text]))
        elif kind == "ident" and text == "in":
            found.append(("op", "in"))
        else:
            found.append((str(kind), text))
    found.append(("end", ""))
    return found


def _string_literal(source: str, at: int, opening: str) -> tuple[str, int]:
    """The string literal whose opening (``r"``, ``'''``...) ends at ``at``, and where it ends."""
    raw, quote = opening[0] in "rR", opening.lstrip("rR")
    out: list[str] = []
    while True:
        if at >= len(source):
            raise Unsupported("unterminated string")
        if source.startswith(quote, at):
            return "".join(out), at + len(quote)
        c = source[at]
        if c != "\\" or raw:
            out.append(c)
            at += 1
            continue
        e = source[at + 1 : at + 2]
        if e in _ESCAPES:
            out.append(_ESCAPES[e])
            at += 2
        elif e in "xuU" and e:
            width = {"x": 2, "u": 4, "U": 8}[e]
            digits = source[at + 2 : at + 2 + width]
            if not re.fullmatch(f"[0-9a-fA-F]{{{width}}}", digits):
                raise Unsupported("escape")
            out.append(chr(int(digits, 16)))
            at += 2 + width
        elif re.fullmatch("[0-3][0-7][0-7]", source[at + 1 : at + 4]):
            out.append(chr(int(source[at + 1 : at + 4], 8)))
            at += 4
        else:
            raise Unsupported("escape")


class _Parser:
    """Recursive descent over CEL's grammar; nodes are tuples ``(kind, ...)``."""

    def __init__(self, source: str, library: frozenset[str]) -> None:
        self.tokens = _tokens(source)
        self.library = library
        self.at = 0

    def parse(self) -> tuple[Any, ...]:
        node = self.expr()
        if self.peek() != ("end", ""):
            raise Unsupported("trailing input")
        return node

    def peek(self) -> tuple[str, Any]:
        return self.tokens[self.at]

    def take(self, op: str | None = None) -> tuple[str, Any]:
        token = self.tokens[self.at]
        if op is not None and token != ("op", op):
            raise Unsupported(f"expected {op}")
        self.at += 1
        return token

    def accept(self, op: str) -> bool:
        if self.tokens[self.at] == ("op", op):
            self.at += 1
            return True
        return False

    def expr(self) -> tuple[Any, ...]:
        test = self.binary(0)
        if not self.accept("?"):
            return test
        then = self.binary(0)
        self.take(":")
        return ("cond", test, then, self.expr())

    _LEVELS: tuple[tuple[str, ...], ...] = (
        ("||",),
        ("&&",),
        ("==", "!=", "<", "<=", ">", ">=", "in"),
        ("+", "-"),
        ("*", "/", "%"),
    )

    def binary(self, level: int) -> tuple[Any, ...]:
        if level == len(self._LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        while self.peek()[0] == "op" and self.peek()[1] in self._LEVELS[level]:
            op = self.take()[1]
            node = ("op", op, node, self.binary(level + 1))
        return node

    def unary(self) -> tuple[Any, ...]:
        if self.accept("!"):
            return ("not", self.unary())
        if self.peek() == ("op", "-") and not self._signed_number():
            self.take()
            return ("neg", self.unary())
        return self.member()

    def _signed_number(self) -> bool:
        """Whether a ``-`` starts a number literal: ``-1.x`` selects from -1, as in CEL."""
        kind, value = self.tokens[self.at + 1]
        return kind == "int" or (kind == "lit" and type(value) is float)

    def member(self) -> tuple[Any, ...]:
        node = self.primary()
        while True:
            if self.accept("."):
                kind, name = self.take()
                if kind != "ident":
                    raise Unsupported("member")
                if self.accept("("):
                    node = self.method(node, name, self.arguments(")"))
                else:
                    node = ("select", node, name)
            elif self.accept("["):
                node = ("index", node, self.expr())
                self.take("]")
            else:
                return node

    def arguments(self, close: str) -> list[tuple[Any, ...]]:
        found: list[tuple[Any, ...]] = []
        while not self.accept(close):
            found.append(self.expr())
            if not self.accept(","):
                self.take(close)
                break
        return found

    def primary(self) -> tuple[Any, ...]:
        kind, value = self.take()
        if (kind, value) == ("op", "-"):  # a negative number (unary() saw to it)
            kind, value = self.take()
            value = -value
            if kind == "int" and value < INT_MIN:
                raise Unsupported("int literal")
            return ("lit", value)
        if kind == "lit":
            return ("lit", value)
        if kind == "int":
            if value > INT_MAX:
                raise Unsupported("int literal")
            return ("lit", value)
        if kind == "ident":
            if self.accept("("):
                return self.call(value, self.arguments(")"))
            return ("ident", value)
        if (kind, value) == ("op", "("):
            node = self.expr()
            self.take(")")
            return node
        if (kind, value) == ("op", "["):
            return ("list", self.arguments("]"))
        if (kind, value) == ("op", "{"):
            return self.map()
        raise Unsupported(f"{kind} {value}")

    def map(self) -> tuple[Any, ...]:
        entries: list[tuple[str, tuple[Any, ...]]] = []
        while not self.accept("}"):
            key = self.expr()
            if key[0] != "lit" or not isinstance(key[1], str):
                raise Unsupported("a map key that is not a string literal")
            self.take(":")
            entries.append((key[1], self.expr()))
            if not self.accept(","):
                self.take("}")
                break
        return ("map", entries)

    def call(self, name: str, args: list[tuple[Any, ...]]) -> tuple[Any, ...]:
        if name == "has":
            if len(args) != 1 or args[0][0] != "select":
                raise Unsupported("has")
            return ("has", args[0][1], args[0][2])
        if name in ("size", "int", "double", "string", "type", "dyn") and len(args) == 1:
            return ("builtin", name, args)
        if name not in self.library:
            raise Unsupported(name)
        return ("call", name, args)

    def method(self, target: tuple[Any, ...], name: str, args: list[Any]) -> tuple[Any, ...]:
        if name in _MACROS:
            if not (len(args) in (2, 3) and args[0][0] == "ident") or (
                len(args) == 3 and name != "map"
            ):
                raise Unsupported(name)
            return ("macro", name, target, args[0][1], args[1:])
        if name == "size" and not args:
            return ("builtin", "size", [target])
        if name in _STRING_TESTS or name == "matches":
            if len(args) != 1:
                raise Unsupported(name)
            return ("builtin", name, [target, *args])
        if name not in self.library:
            raise Unsupported(name)
        return ("call", name, [target, *args])


# --- code generation -------------------------------------------------------------------------


class _Generator:
    """Python source for a tree, in one of two forms. Exact: ``&&``, ``||``, ``?:`` and the
    comprehensions through helpers that keep CEL's rules to the letter (an error on one side
    of ``&&`` absorbed by false on the other). Fast: the same as Python's ``and``, ``or``,
    ``if``, ``all()``, comprehensions, each operand made a bool or an error. Where the fast
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
            if name in _TYPES:
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
            args = "".join(f", {self.code(n, scope)}" for n in node[2])
            return f"_call(F, {node[1]!r}{args})"
        if kind == "macro":
            return self.macro(node[1], node[2], node[3], node[4], scope)
        raise Unsupported(kind)

    def operation(
        self, op: str, left: tuple[Any, ...], right: tuple[Any, ...], scope: Mapping[str, str]
    ) -> str:
        if op in ("&&", "||"):
            if self.fast:
                word = "and" if op == "&&" else "or"
                return f"({self.boolean(left, scope)} {word} {self.boolean(right, scope)})"
            helper = "_and" if op == "&&" else "_or"
            return f"{helper}(lambda: {self.code(left, scope)}, lambda: {self.code(right, scope)})"
        a, b = self.code(left, scope), self.code(right, scope)
        if op in ("==", "!=") and (_plain(left) or _plain(right)):
            # a string equals only a string; null, true and false only themselves
            literal = left if _plain(left) else right
            if isinstance(literal[1], str):
                return f"({a} {op} {b})"
            return f"({a} {'is' if op == '==' else 'is not'} {b})"
        if op == "in" and right[0] == "list" and all(_text(n) for n in right[1]):
            return f"({a} in {b})"  # a string list: its items equal only strings, as in Python
        return f"{_OPERATORS[op]}({a}, {b})"

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


def _generate(tree: tuple[Any, ...]) -> Callable[[Names, Any], Any]:
    generator = _Generator()
    exact = generator.code(tree, {})
    generator.fast = True
    fast = generator.code(tree, {})
    if generator.typed:
        exact, fast = f"_result({exact})", f"_result({fast})"
    source = f"def run(N, F):\n    return {exact}\n"
    if fast != exact:
        source = (
            f"def run(N, F):\n    try:\n        return {fast}\n"
            f"    except Exception:\n        return {exact}\n"
        )
    namespace: dict[str, Any] = {**_RUNTIME, **generator.constants}
    with warnings.catch_warnings():  # ``1 is None``, ``1["a"]``: what CEL finds false, or errs
        warnings.simplefilter("ignore", SyntaxWarning)
        exec(compile(source, "<cel>", "exec"), namespace)  # noqa: S102
    run: Callable[[Names, Any], Any] = namespace["run"]
    return run


# --- runtime ---------------------------------------------------------------------------------


class CelType:
    """A CEL type as a value (``type(x) == string``); cel gives back its name."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CelType) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return self.name


_TYPE_OF: dict[type, CelType] = {
    bool: CelType("bool"),
    int: CelType("int"),
    float: CelType("double"),
    str: CelType("string"),
    type(None): CelType("null_type"),
    list: CelType("list"),
    tuple: CelType("list"),
    dict: CelType("map"),
    CelType: CelType("type"),
    bytes: CelType("bytes"),
    datetime: CelType("timestamp"),
    timedelta: CelType("duration"),
}
_EXOTIC = (datetime, timedelta, bytes)
_LIST = (list, tuple)


def _no_overload() -> TypeError:
    return TypeError(_NO_OVERLOAD)


@cache
def _cel_operation(source: str) -> Any:
    return cel.compile(source)


def _by_cel(source: str, **values: Any) -> Any:
    """An operation on values this module does not model (timestamps...), as cel does it."""
    if any(isinstance(v, CelType) for v in values.values()):
        raise _no_overload()
    return _cel_operation(source).execute(values)


def _result(value: Any) -> Any:
    if type(value) is CelType:
        return value.name
    if isinstance(value, _LIST):
        return [_result(v) for v in value]
    if type(value) is dict:
        return {k: _result(v) for k, v in value.items()}
    return value


def _checked(value: int) -> int:
    if value < INT_MIN or value > INT_MAX:
        raise OverflowError("Arithmetic overflow")
    return value


def _returned(value: Any) -> Any:
    """A library function's result as cel would take it."""
    kind = type(value)
    if kind is int:
        if INT_MIN <= value <= _UINT_MAX:
            return value
        return float(value)
    if kind is tuple:
        return list(value)
    if kind is Decimal:
        return float(value)
    return value


def _call(functions: Any, name: str, *args: Any) -> Any:
    function = getattr(functions, name, None) if functions is not None else None
    if function is None:
        raise RuntimeError(f"Undefined variable or function: '{name}'")
    try:
        value = function(*args)
    except Exception as exc:
        raise RuntimeError(
            f"Function '{name}' error: Python function call failed: {type(exc).__name__}: {exc}"
        ) from None
    return _returned(value)


def _logical(absorbing: bool) -> Callable[[Callable[[], Any], Callable[[], Any]], bool]:
    """``&&`` (``absorbing`` false) or ``||`` (true): either side that is ``absorbing``
    decides, the other's error or non-bool value notwithstanding; the right side is run only
    when the left does not decide."""
    other = not absorbing

    def logical(left: Callable[[], Any], right: Callable[[], Any]) -> bool:
        try:
            a: object = left()
        except Exception:
            if right() is absorbing:
                return bool(absorbing)
            raise
        if a is absorbing:
            return absorbing
        b: object = right()
        if b is absorbing or (a is other and b is other):
            return bool(b)
        raise _no_overload()

    return logical


_and, _or = _logical(False), _logical(True)


def _test(value: Any) -> bool:
    if value is True or value is False:
        return value
    raise _no_overload()


def _not(value: Any) -> bool:
    if value is True or value is False:
        return not value
    raise _no_overload()


def _neg(value: Any) -> Any:
    kind = type(value)
    if kind is int:
        return value if value == INT_MIN else -value  # cel-rust wraps the one int it cannot negate
    if kind is float:
        return -value
    if kind is bool:
        return not value  # cel-rust negates a bool as ``!`` does
    if isinstance(value, _EXOTIC):
        return _by_cel("-a", a=value)
    raise _no_overload()


def _has(value: Any, field: str) -> bool:
    if type(value) is dict or isinstance(value, Mapping):
        return field in value
    raise _no_overload()


def _key(key: Any) -> None:
    """Raise for a value cel cannot use as a map key."""
    if not isinstance(key, str | int):  # bool is an int
        raise TypeError(f"Value of type {_type(key).name} cannot be used as a map key")


def _find(mapping: Mapping[Any, Any], key: Any) -> tuple[bool, Any]:
    if type(key) is str:
        if key in mapping:
            return True, mapping[key]
        return False, None
    _key(key)
    for k, v in mapping.items():  # 1 and true are one key to Python, two to CEL
        if type(k) is type(key) and k == key:
            return True, v
    return False, None


def _index(container: Any, key: Any) -> Any:
    if isinstance(container, _LIST):
        if type(key) is not int:
            raise TypeError(f"Unexpected type: got '{_type(key).name}', want 'int|uint'.")
        if 0 <= key < len(container):
            return container[key]
        raise IndexError(f"index out of bounds: {key}")
    if type(container) is dict or isinstance(container, Mapping):
        found, value = _find(container, key)
        if found:
            return value
        raise KeyError(key)
    raise _no_overload()


def _in(item: Any, container: Any) -> bool:
    if type(container) is list:
        if type(item) is str:
            return item in container  # a string equals only a string
        return any(_eq(item, x) for x in container)
    if type(container) is dict or isinstance(container, Mapping):
        return _find(container, item)[0]
    if isinstance(container, _LIST):
        return any(_eq(item, x) for x in container)
    raise _no_overload()


def _number(value: Any) -> bool:
    kind = type(value)
    return kind is int or kind is float


def _eq(a: Any, b: Any) -> bool:
    kind = type(a)
    if kind is type(b) and (kind is str or kind is int or kind is bool or a is None):
        return bool(a == b)
    if a is None or b is None:
        return a is None and b is None
    if _number(a) and _number(b):
        return float(a) == float(b)
    if isinstance(a, _LIST) and isinstance(b, _LIST):
        return len(a) == len(b) and all(_eq(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        if len(a) != len(b):
            return False
        for k, v in a.items():
            found, other = _find(b, k)
            if not found or not _eq(v, other):
                return False
        return True
    if kind is CelType or type(b) is CelType:
        return bool(a == b)
    if isinstance(a, _EXOTIC) or isinstance(b, _EXOTIC):
        return bool(_by_cel("a == b", a=a, b=b))
    return False


def _ne(a: Any, b: Any) -> bool:
    return not _eq(a, b)


_ORDERED = (int, float, str, bool)


def _comparison(op: str) -> Callable[[Any, Any], bool]:
    compare = _COMPARE[op]

    def compared(a: Any, b: Any) -> bool:
        if type(a) is type(b) and type(a) in _ORDERED:
            return bool(compare(a, b))
        return _compare(a, b, op)

    return compared


def _compare(a: Any, b: Any, op: str) -> bool:
    """``a op b`` across types: an int and a double compare as doubles (as cel-rust does);
    timestamps and durations as cel does; anything else has no order."""
    if _number(a) and _number(b):
        return bool(_COMPARE[op](float(a), float(b)))
    if isinstance(a, _EXOTIC) and isinstance(b, _EXOTIC):
        return bool(_by_cel(f"a {op} b", a=a, b=b))
    raise _no_overload()


_COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_lt, _le, _gt, _ge = (_comparison(op) for op in _COMPARE)


def _arithmetic(op: str) -> Callable[[Any, Any], Any]:
    """``a op b`` for + - *: ints checked for overflow, doubles as IEEE floats, ``+`` joins
    strings and lists; timestamps and durations as cel does; nothing across types."""
    apply = {"+": operator.add, "-": operator.sub, "*": operator.mul}[op]

    def arithmetic(a: Any, b: Any) -> Any:
        kind = type(a)
        if kind is type(b):
            if kind is int:
                return _checked(apply(a, b))
            if kind is float or (kind is str and op == "+"):
                return apply(a, b)
        if op == "+" and isinstance(a, _LIST) and isinstance(b, _LIST):
            return [*a, *b]
        if isinstance(a, _EXOTIC) or isinstance(b, _EXOTIC):
            return _by_cel(f"a {op} b", a=a, b=b)
        raise _no_overload()

    return arithmetic


_add, _sub, _mul = (_arithmetic(op) for op in "+-*")


def _div(a: Any, b: Any) -> Any:
    kind = type(a)
    if kind is type(b) and kind is int:
        if b == 0:
            raise ZeroDivisionError("division by zero in CEL expression")
        quotient = abs(a) // abs(b)
        return _checked(quotient if (a < 0) == (b < 0) else -quotient)
    if kind is type(b) and kind is float:
        if b == 0.0:
            if a == 0.0 or math.isnan(a):
                return math.nan
            return math.copysign(math.inf, a) * math.copysign(1.0, b)
        return a / b
    if isinstance(a, _EXOTIC) or isinstance(b, _EXOTIC):
        return _by_cel("a / b", a=a, b=b)
    raise _no_overload()


def _mod(a: Any, b: Any) -> Any:
    if type(a) is int and type(b) is int:
        if b == 0:
            raise ZeroDivisionError("modulo by zero in CEL expression")
        if a == INT_MIN and b == -1:
            raise OverflowError("Arithmetic overflow in 'rem'")
        rest = abs(a) % abs(b)
        return -rest if a < 0 else rest
    raise _no_overload()


_OPERATORS = {
    "==": "_eq", "!=": "_ne", "<": "_lt", "<=": "_le", ">": "_gt", ">=": "_ge", "in": "_in",
    "+": "_add", "-": "_sub", "*": "_mul", "/": "_div", "%": "_mod",
}  # fmt: skip


def _size(value: Any) -> int:
    if type(value) is str:
        return len(value) if value.isascii() else len(value.encode())  # cel counts UTF-8 bytes
    if isinstance(value, (*_LIST, Mapping, bytes)):
        return len(value)
    raise RuntimeError("Undefined variable or function: 'size'")


def _string(value: Any) -> str:
    kind = type(value)
    if kind is str or kind is int:
        return str(value)
    if kind is float:
        return _float_text(value)
    return str(_converted("string", value))


def _float_text(value: float) -> str:
    """A double as cel-rust writes it (Rust's ``Display``: shortest digits, no exponent)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


_INT_TEXT = re.compile(r"[+-]?[0-9]+")
_DOUBLE_TEXT = re.compile(
    r"[+-]?(?:inf|infinity|nan|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)", re.IGNORECASE
)


def _int(value: Any) -> int:
    kind = type(value)
    if kind is int:
        return int(value)
    if kind is float:
        if not -(2.0**63) < value < 2.0**63:
            raise OverflowError("Function 'int' error: integer overflow.")
        return int(value)
    if kind is str:
        if not (value.isascii() and _INT_TEXT.fullmatch(value)):
            raise RuntimeError("Function 'int' error: string parse error: invalid digit found")
        number = int(value)
        if not INT_MIN <= number <= INT_MAX:
            raise RuntimeError("Function 'int' error: string parse error: number too large")
        return number
    return int(_converted("int", value))


def _double(value: Any) -> float:
    kind = type(value)
    if kind is float or kind is int:
        return float(value)
    if kind is str:
        if not (value.isascii() and _DOUBLE_TEXT.fullmatch(value)):
            raise RuntimeError("Function 'double' error: string parse error: invalid float literal")
        return float(value)
    return float(_converted("double", value))


def _converted(name: str, value: Any) -> Any:
    """``name(value)`` of a value this module does not model, as cel does it, else cel's
    error for a conversion it lacks."""
    if isinstance(value, _EXOTIC):
        return _by_cel(f"{name}(a)", a=value)
    raise RuntimeError(f"Undefined variable or function: '{name}'")


def _type(value: Any) -> CelType:
    found = _TYPE_OF.get(type(value))
    if found is not None:
        return found
    if isinstance(value, Mapping):
        return _TYPE_OF[dict]
    raise TypeError(f"Unsupported value {type(value).__name__}")


def _dyn(value: Any) -> Any:
    return value


def _strings(text: Any, other: Any) -> tuple[str, str]:
    if type(text) is str and type(other) is str:
        return text, other
    raise _no_overload()


def _contains(text: Any, other: Any) -> bool:
    a, b = _strings(text, other)
    return b in a


def _startsWith(text: Any, other: Any) -> bool:
    a, b = _strings(text, other)
    return a.startswith(b)


def _endsWith(text: Any, other: Any) -> bool:
    a, b = _strings(text, other)
    return a.endswith(b)


def _matches(text: Any, pattern: Any) -> bool:
    """cel's own (Rust regex syntax, not Python's)."""
    return bool(_by_cel("a.matches(b)", a=text, b=pattern))


def _items(target: Any) -> Sequence[Any]:
    if isinstance(target, _LIST):
        return target
    if type(target) is dict or isinstance(target, Mapping):
        return list(target)
    raise _no_overload()


def _all(target: Any, test: Callable[[Any], Any]) -> bool:
    return all(_test(test(item)) for item in _items(target))


def _exists(target: Any, test: Callable[[Any], Any]) -> bool:
    return any(_test(test(item)) for item in _items(target))


def _exists_one(target: Any, test: Callable[[Any], Any]) -> bool:
    return sum(_test(test(item)) for item in _items(target)) == 1


def _filter(target: Any, test: Callable[[Any], Any]) -> list[Any]:
    return [item for item in _items(target) if _test(test(item))]


def _map(
    target: Any, first: Callable[[Any], Any], second: Callable[[Any], Any] | None = None
) -> list[Any]:
    if second is None:
        return [first(item) for item in _items(target)]
    return [second(item) for item in _items(target) if _test(first(item))]


_RUNTIME: dict[str, Any] = {
    name: value for name, value in globals().items() if name.startswith("_") and callable(value)
}
