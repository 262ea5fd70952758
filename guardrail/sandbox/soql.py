"""The subset of SOQL agents and the proxy's read-backs use.

``SELECT f1, f2 FROM Object [WHERE f op literal [AND ...]] [LIMIT n] [FOR VIEW | FOR
REFERENCE]`` with ``op`` one of ``=`` and ``!=`` and literals 'text', numbers, true, false and
null; FOR VIEW (REFERENCE) sets each returned record's LastViewedDate (LastReferencedDate), as
Salesforce documents: the same statement reads the records and updates them. Keywords and names are
case-insensitive and text compares case-insensitively, as in Salesforce. Anything else is
Salesforce's ``MALFORMED_QUERY``, so a query that works here is valid SOQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from guardrail.sandbox.errors import ApiError, no_such_column, unsupported_type
from guardrail.sandbox.schema import Field, FieldType, Schema, SObjectType
from guardrail.sandbox.store import Row
from guardrail.sandbox.values import same_value

_TOKEN = re.compile(
    r"\s*(?:(?P<text>'(?:[^'\\]|\\.)*')|(?P<number>-?\d+(?:\.\d+)?)"
    r"|(?P<symbol>!=|<>|=|,)|(?P<word>[A-Za-z_][\w.]*))"
)
_EOF = "<EOF>"
_LITERAL_WORDS = {"true": True, "false": False, "null": None}


@dataclass(frozen=True, slots=True)
class Condition:
    field: Field
    equal: bool
    value: Any

    def holds(self, row: Row) -> bool:
        return same_value(self.field, row[self.field.name], self.value) == self.equal


@dataclass(frozen=True, slots=True)
class Query:
    sobject: SObjectType
    fields: tuple[Field, ...]
    where: tuple[Condition, ...]
    limit: int | None
    #: FOR VIEW or FOR REFERENCE: the date field the query sets on each record it returns.
    stamps: Field | None = None

    def run(self, rows: Iterable[Row]) -> list[Row]:
        """The rows that match, in the order given, up to the limit."""
        found = [row for row in rows if all(c.holds(row) for c in self.where)]
        return found if self.limit is None else found[: self.limit]


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str
    column: int

    def is_word(self, word: str) -> bool:
        return self.kind == "word" and self.text.lower() == word


def parse(text: str, schema: Schema) -> Query:
    """A query, or the ``MALFORMED_QUERY``/``INVALID_TYPE``/``INVALID_FIELD`` it deserves."""
    return _Parser(text, schema).query()


class _Parser:
    def __init__(self, text: str, schema: Schema) -> None:
        self._text = text
        self._schema = schema
        self._tokens = list(_tokenize(text))
        self._at = 0

    def query(self) -> Query:
        self._expect_word("select")
        names = [self._name()]
        while self._peek().text == ",":
            self._next()
            names.append(self._name())
        self._expect_word("from")
        object_name = self._name()
        sobject = self._schema.get(object_name)
        if sobject is None:
            raise unsupported_type(object_name)
        fields = tuple(self._field(sobject, n) for n in names)
        where: list[Condition] = []
        if self._peek().is_word("where"):
            self._next()
            where.append(self._condition(sobject))
            while self._peek().is_word("and"):
                self._next()
                where.append(self._condition(sobject))
        limit = None
        if self._peek().is_word("limit"):
            self._next()
            token = self._next()
            if token.kind != "number" or not token.text.isdigit():
                raise self._unexpected(token)
            limit = int(token.text)
        stamps = self._stamps(sobject) if self._peek().is_word("for") else None
        if self._peek().kind != _EOF:
            raise self._unexpected(self._peek())
        return Query(sobject, fields, tuple(where), limit, stamps)

    def _stamps(self, sobject: SObjectType) -> Field:
        """FOR VIEW or FOR REFERENCE: the date the query sets on what it returns."""
        self._next()
        token = self._next()
        name = _STAMPS.get(token.text.lower()) if token.kind == "word" else None
        field = sobject.field(name) if name else None
        if field is None:
            raise self._unexpected(token)
        return field

    def _condition(self, sobject: SObjectType) -> Condition:
        field = self._field(sobject, self._name())
        operator = self._next()
        if operator.kind != "symbol" or operator.text == ",":
            raise self._unexpected(operator)
        return Condition(field, operator.text == "=", self._literal(field))

    def _literal(self, field: Field) -> Any:
        token = self._next()
        if token.kind == "text":
            value: Any = re.sub(r"\\(.)", r"\1", token.text[1:-1])
        elif token.kind == "number":
            value = float(token.text)
        elif token.kind == "word" and token.text.lower() in _LITERAL_WORDS:
            value = _LITERAL_WORDS[token.text.lower()]
        else:
            raise self._unexpected(token)
        if value is not None and not _fits(field, value):
            quoted = "not " if token.kind == "text" else ""
            raise ApiError(
                400,
                "INVALID_FIELD",
                f"value of filter criterion for field '{field.name}' must be of type "
                f"{field.type.value} and should {quoted}be enclosed in quotes",
            )
        return value

    def _field(self, sobject: SObjectType, name: str) -> Field:
        field = sobject.field(name)
        if field is None:
            raise no_such_column(sobject.name, name)
        return field

    def _name(self) -> str:
        token = self._next()
        if token.kind != "word" or token.text.lower() in _RESERVED:
            raise self._unexpected(token)
        return token.text

    def _expect_word(self, word: str) -> None:
        token = self._next()
        if not token.is_word(word):
            raise self._unexpected(token)

    def _peek(self) -> _Token:
        return self._tokens[self._at]

    def _next(self) -> _Token:
        token = self._tokens[self._at]
        self._at = min(self._at + 1, len(self._tokens) - 1)
        return token

    def _unexpected(self, token: _Token) -> ApiError:
        return ApiError(
            400,
            "MALFORMED_QUERY",
            f"\n{self._text}\n{' ' * (token.column - 1)}^\n"
            f"ERROR at Row:1:Column:{token.column}\nunexpected token: {token.text}",
        )


_RESERVED = frozenset({"select", "from", "where", "and", "limit", "for"})
_STAMPS = {"view": "LastViewedDate", "reference": "LastReferencedDate"}


def _tokenize(text: str) -> Iterator[_Token]:
    position = 0
    while text[position:].strip():
        match = _TOKEN.match(text, position)
        start = len(text) - len(text[position:].lstrip())
        if match is None:
            raise ApiError(
                400,
                "MALFORMED_QUERY",
                f"\n{text}\n{' ' * start}^\nERROR at Row:1:Column:{start + 1}\n"
                f"unexpected token: {text[start:].split()[0]}",
            )
        kind = match.lastgroup or "word"
        yield _Token(kind, match[kind], start + 1)
        position = match.end()
    yield _Token(_EOF, _EOF, len(text) + 1)


def _fits(field: Field, value: Any) -> bool:
    """Whether a literal's type suits the field (text in quotes, numbers and booleans bare)."""
    if field.type.is_number:
        return isinstance(value, float)
    if field.type is FieldType.BOOLEAN:
        return isinstance(value, bool)
    return isinstance(value, str)
