"""The subset of SOQL agents and the proxy's read-backs use.

``SELECT c1, c2 FROM Object [WHERE f op literal [AND ...]] [LIMIT n] [FOR VIEW | FOR
REFERENCE]`` with ``op`` one of ``=`` and ``!=`` and literals 'text', numbers, true, false and
null; FOR VIEW (REFERENCE) sets each returned record's LastViewedDate (LastReferencedDate), as
Salesforce documents: the same statement reads the records and updates them. A column is a
field, or ``FORMAT(f)``, ``toLabel(f)`` or ``convertCurrency(f)`` with an optional alias the
row shows it under (as Salesforce documents; an alias on a bare field is its "Only aggregate
expressions use field aliasing"): FORMAT gives a number, currency or date in the en_US
locale's text, toLabel a picklist value's label (here the value itself, as in an org without
translations), convertCurrency an amount in the user's currency (this org has one). Keywords
and names are case-insensitive and text compares case-insensitively, as in Salesforce. Anything
else is Salesforce's ``MALFORMED_QUERY``, so a query that works here is valid SOQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from guardrail.sandbox.errors import ApiError, no_such_column, unsupported_type
from guardrail.sandbox.schema import Field, FieldType, Schema, SObjectType
from guardrail.sandbox.store import Row
from guardrail.sandbox.values import same_value

_TOKEN = re.compile(
    r"\s*(?:(?P<text>'(?:[^'\\]|\\.)*')|(?P<number>-?\d+(?:\.\d+)?)"
    r"|(?P<symbol>!=|<>|=|,|\(|\))|(?P<word>[A-Za-z_][\w.]*))"
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
class Column:
    """What a row shows under ``key``: ``field``, or what ``function`` makes of it."""

    key: str
    field: Field
    function: str = ""

    def value(self, row: Row) -> Any:
        value = row[self.field.name]
        if self.function != "format" or value is None:
            return value  # toLabel: labels are the values; convertCurrency: one currency
        return _formatted(self.field, value)


@dataclass(frozen=True, slots=True)
class Query:
    sobject: SObjectType
    columns: tuple[Column, ...]
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
        wanted = [self._column()]
        while self._peek().text == ",":
            self._next()
            wanted.append(self._column())
        self._expect_word("from")
        object_name = self._name()
        sobject = self._schema.get(object_name)
        if sobject is None:
            raise unsupported_type(object_name)
        columns = tuple(self._resolve(sobject, *c) for c in wanted)
        keys = [c.key.lower() for c in columns]
        twice = next((c.key for n, c in enumerate(columns) if c.key.lower() in keys[:n]), None)
        if twice is not None:
            raise ApiError(400, "MALFORMED_QUERY", f"duplicate field selected: {twice}")
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
        return Query(sobject, columns, tuple(where), limit, stamps)

    def _column(self) -> tuple[str, str, str | None, _Token]:
        """(function or "", field name, alias or None, where it starts) of a column."""
        start = self._peek()
        name = self._name()
        function = ""
        if self._peek().text == "(" and name.lower() in _FUNCTIONS:
            self._next()
            function, name = name.lower(), self._name()
            if self._next().text != ")":
                raise self._unexpected(self._tokens[self._at - 1])
        alias = None
        if self._peek().kind == "word" and not self._peek().is_word("from"):
            if not function:
                raise ApiError(
                    400, "MALFORMED_QUERY", "Only aggregate expressions use field aliasing"
                )
            alias = self._name()
        return function, name, alias, start

    def _resolve(
        self, sobject: SObjectType, function: str, name: str, alias: str | None, start: _Token
    ) -> Column:
        field = self._field(sobject, name)
        if function and field.type not in _FUNCTIONS[function]:
            raise ApiError(
                400,
                "INVALID_FIELD",
                f"\n{self._text}\n{' ' * (start.column - 1)}^\nERROR at Row:1:Column:"
                f"{start.column}\n{start.text}() cannot be applied to the field {field.name}",
            )
        return Column(alias or field.name, field, function)

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
        if operator.kind != "symbol" or operator.text in (",", "(", ")"):
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
_FUNCTIONS = {
    "format": frozenset(
        {FieldType.CURRENCY, FieldType.DOUBLE, FieldType.INT, FieldType.DATE, FieldType.DATETIME}
    ),
    "tolabel": frozenset({FieldType.PICKLIST}),
    "convertcurrency": frozenset({FieldType.CURRENCY}),
}


def _formatted(field: Field, value: Any) -> str:
    """A value as FORMAT() shows it in the en_US locale, in US dollars."""
    if field.type is FieldType.CURRENCY:
        return f"${value:,.2f}"
    if field.type is FieldType.INT:
        return f"{int(value):,}"
    if field.type is FieldType.DOUBLE:
        return f"{value:,}"
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00").replace("+0000", "+00:00"))
    if field.type is FieldType.DATE:
        return f"{moment.month}/{moment.day}/{moment.year}"
    hour = moment.hour % 12 or 12
    noon = "AM" if moment.hour < 12 else "PM"
    return f"{moment.month}/{moment.day}/{moment.year}, {hour}:{moment.minute:02d} {noon}"


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
