"""CEL source read into a tree, for the subset guardrail.policy.native compiles: tokens, then
recursive descent over CEL's grammar; nodes are tuples ``(kind, ...)``. Anything else raises
Unsupported (cel runs it)."""

from __future__ import annotations

import re
from typing import Any

from guardrail.policy.cel_values import INT_MAX, INT_MIN


class Unsupported(Exception):
    """The expression is outside the subset compiled here: cel runs it."""


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
TYPES = frozenset(
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


class Parser:
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
        # CEL's parser drops negations in pairs: "!!x" and "--x" are x itself, never checked
        # for a type ("!!null" is null), as cel-go and cel-rust read them
        for op, node in (("!", "not"), ("-", "neg")):
            count = 0
            while self.peek() == ("op", op) and not (op == "-" and self._signed_number()):
                self.take()
                count += 1
            if count:
                operand = self.unary()
                return operand if count % 2 == 0 else (node, operand)
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
