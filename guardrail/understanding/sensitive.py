"""Card numbers and SSNs in text however it is written: the one finder the sensitive-data rule
blocks on (guardrail.policy.functions.sensitive_data) and redaction masks by
(guardrail.sinks.redact), so what a write is refused for is never kept in what is recorded of
it, nor quoted back in a message."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from guardrail.understanding.disguise import STAND_IN_LETTERS, detection_form, shown_orders
from guardrail.understanding.model import SURE
from guardrail.understanding.numbers import (
    OTHER_NUMBER,
    card_grouped,
    card_number,
    sensitive_digits,
)
from guardrail.understanding.text import clean

#: A card number typed as one: 13 to 19 digits, spaced or dashed (a ``card_number`` to be one).
TYPED_CARD = re.compile(r"\b(?:\d[ -]?){12,18}\d\b")
#: 219-09-9999, or 219 09 9999 as speech-to-text writes it (one separator throughout).
TYPED_SSN = re.compile(r"\b\d{3}([- ])\d{2}\1\d{4}\b")
_WORD = re.compile(r"\S+")
# Punctuation a number's words may begin or end with ("(4111 ... 1111);"): never part of it.
_PUNCTUATION = "()[]{}.,;:!?'\""
# An SSN, the shortest, is nine digits, each written with a character at least.
_SHORTEST = 9
_REMEMBERED = 2000


def typed_kinds(text: str) -> set[str]:
    """``card`` and ``ssn`` as typed plainly in ``text``."""
    card = any(card_number(re.sub(r"\D", "", m.group(0))) for m in TYPED_CARD.finditer(text))
    ssn = TYPED_SSN.search(text) is not None
    return {kind for kind, found in (("card", card), ("ssn", ssn)) if found}


def sensitive_kinds(text: str) -> frozenset[str]:
    """``card`` and ``ssn`` in ``text``, however disguised (guardrail.understanding.disguise)."""
    if len(text) < _SHORTEST:
        return frozenset()
    return _remembered(text) if len(text) <= _REMEMBERED else _read(text)


# Bounded, and only texts of a turn's size: every record of a conversation masks the same
# turns again, and reading one costs tens of microseconds.
@functools.lru_cache(maxsize=4096)
def _remembered(text: str) -> frozenset[str]:
    return _read(text)


def _read(text: str) -> frozenset[str]:
    """``sensitive_kinds`` of ``text`` as written, and as a reader may see it laid out right to
    left (``shown_orders``)."""
    found: set[str] = set()
    for shown in (text, *shown_orders(text)):
        seen = counted_out(detection_form(shown))
        cleaned = clean(seen)
        split = {"card"} if _last_digits_apart(cleaned) else set()
        found |= typed_kinds(seen) | digit_kinds(cleaned) | split
    return frozenset(found)


# A card's digits in fours, then its last few said apart after a word or two ("5425 2334 3010,
# ending 9903"): a reference that only masks a card when the rest of it is not there too.
_LAST_APART = re.compile(
    r"(?<![\d.,])(\d{4}(?:[ -]\d{4}){1,3})\W+(?:[a-z]+\W+){1,2}(\d{1,4})(?![\d.,]\d)"
)


def _last_digits_apart(cleaned: str) -> bool:
    """Whether ``cleaned`` holds a card's number with its last digits said apart from the
    rest: grouped in fours as a card is read out, and a card number together."""
    return any(
        card_number(re.sub(r"\D", "", m.group(1)) + m.group(2))
        for m in _LAST_APART.finditer(cleaned)
    )


_DIGIT_NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_NAMES = "|".join(_DIGIT_NAMES)
#: A digit by its name, its plural ("ones", "sixes", "zeroes", "ohs") or itself ("9", "9s").
_DIGITS = {
    **{name: str(d) for d, name in enumerate(_DIGIT_NAMES)},
    **{f"{name}s": str(d) for d, name in enumerate(_DIGIT_NAMES)},
    **{str(d): str(d) for d in range(10)},
    "oh": "0", "ohs": "0", "zeroes": "0", "sixes": "6",
}  # fmt: skip
_TIMES = {
    **{name: n for n, name in enumerate(_DIGIT_NAMES) if n >= 2},
    **{str(n): n for n in range(2, 10)},
    "double": 2,
    "triple": 3,
    "treble": 3,
    "quadruple": 4,
}
# A digit said as a count of it, as a number is read out ("four ones", "two 9s", "three
# zeros", "quadruple nine", "double 8 9 7": guardrail.understanding.text reads double and
# triple too, but not before a digit, as an amount may be said).
_COUNTED_DIGIT = re.compile(
    r"\b(?P<times>two|three|four|five|six|seven|eight|nine|[2-9]) (?P<digits>zeros|zeroes|ohs|"
    r"ones|twos|threes|fours|fives|sixes|sevens|eights|nines|\d(?=s\b))s?\b"
    rf"|\b(?P<repeat>double|triple|treble|quadruple)[ -](?P<digit>oh|{_NAMES}|\d)\b",
    re.IGNORECASE,
)


def counted_out(text: str) -> str:
    """``text`` with each digit said as a count of it written as the digit so many times, and
    a digit named alone among them as the digit: read only where card data is looked for (a
    card's digits need Luhn and a scheme's length, an SSN's its 3-2-4 shape or a mention, so
    "four ones and a twenty" is none)."""

    def digits(m: re.Match[str]) -> str:
        digit = _DIGITS[(m["digits"] or m["digit"]).lower()]
        return " ".join(digit * _TIMES[(m["times"] or m["repeat"]).lower()])

    return _NAMED_DIGITS.sub(_alone_among_digits, _COUNTED_DIGIT.sub(digits, text))


# Digits named in a row between the items of a digit run ("two zeros, one, 2 threes", "4 4
# 4 4, four, two, seven, 0 0", "0 0 - one - 5 5"), which text_to_num leaves as words, as it
# does a number word alone; what parts them is what parts a run's groups.
_NAME = rf"\b(?:{_NAMES})\b"
_APART = r"(?:,? | ?[-/] ?)"
_NAMED_DIGIT = re.compile(_NAME, re.IGNORECASE)
_NAMED_DIGITS = re.compile(rf"{_NAME}(?:{_APART}{_NAME})*", re.IGNORECASE)
_DIGIT_BEFORE = re.compile(rf"\d{_APART}$")
_ITEM_BEFORE = re.compile(r"(?:^|[,:;.!?]| -) ?$")
_DIGIT_AFTER = re.compile(rf"{_APART}\d")
_ITEM_AFTER = re.compile(r"[,:;.!?]| - |$")


def _alone_among_digits(m: re.Match[str]) -> str:
    """Digits named in a row as the digits where they are items of a digit run (digits on one
    side, on the other digits or a list's or sentence's mark); else as written ("4 4, one
    more", "paid 40, two of them")."""
    text, start, end = m.string, m.start(), m.end()
    before = _DIGIT_BEFORE.search(text, 0, start)
    after = _DIGIT_AFTER.match(text, end)
    among = (before and (after or _ITEM_AFTER.match(text, end))) or (
        after and _ITEM_BEFORE.search(text, 0, start)
    )
    return _NAMED_DIGIT.sub(lambda d: _DIGITS[d[0].lower()], m[0]) if among else m[0]


def digit_kinds(cleaned: str) -> set[str]:
    """``card`` and ``ssn`` as sure readings of the digit runs in cleaned text."""
    return {h.kind for h in sensitive_digits(cleaned) if h.confidence >= SURE}


def sensitive_runs(text: str) -> list[tuple[int, int, str]]:
    """Where ``text`` as written holds each card number or SSN ``sensitive_kinds`` finds in it,
    with its kind: the run of whole words it was read from, less punctuation at its ends and
    the words before its first digit that name it. The disguised forms do not map back
    character by character, so the run is the fewest whole words that still read as the
    number; that errs toward masking more, never less."""
    runs: list[tuple[int, int, str]] = []
    words = list(_WORD.finditer(text))
    while words and sensitive_kinds(_joined(text, words)):
        first, last = _widened(text, words, *_narrowed(text, words))
        kind = "card" if "card" in sensitive_kinds(_joined(text, words[first:last])) else "ssn"
        said = _said(text, words[first:last])
        while first < last - 1 and _said(text, words[first + 1 : last]) == said:
            first += 1  # what names it ("paid by card"), which it may need to read as one
        start, end = words[first].start(), words[last - 1].end()
        start += len(text[start:end]) - len(text[start:end].lstrip(_PUNCTUATION))
        end -= len(text[start:end]) - len(text[start:end].rstrip(_PUNCTUATION))
        runs.append((start, end, kind))
        del words[first:last]
    return sorted(runs)


def _widened(text: str, words: list[re.Match[str]], first: int, last: int) -> tuple[int, int]:
    """The run ``words[first:last]`` grown by each word either side that says more digits
    with it ("... five one oh oh": a card's first fourteen digits may read as a card, its
    last two are its digits all the same; its expiry after it is card data too)."""
    said = _said(text, words[first:last])
    while last < len(words) and (more := _said(text, words[first : last + 1])) > said:
        said, last = more, last + 1
    while first > 0 and (more := _said(text, words[first - 1 : last])) > said:
        said, first = more, first - 1
    return first, last


def _said(text: str, words: list[re.Match[str]]) -> int:
    """How many digits the words say, as card-number detection reads them."""
    return sum(c.isdigit() for c in clean(detection_form(_joined(text, words))))


def _joined(text: str, words: list[re.Match[str]]) -> str:
    """The words as they stand in ``text``, with what lies between them (a run taken out
    stands as a mask, so words either side of it never join into a number)."""
    out = [words[0].group(0)]
    for before, word in itertools.pairwise(words):
        gap = text[before.end() : word.start()]
        out += [gap if gap.isspace() else " [MASKED] ", word.group(0)]
    return "".join(out)


def _narrowed(text: str, words: list[re.Match[str]]) -> tuple[int, int]:
    """Where in ``words`` (first, past the last) a shortest run of them reads as card data:
    the first prefix of them that does, then the last start within it that still does (by
    halving; a run that reads with one word more and not without it is one, whatever lies
    past it)."""
    low, high = 0, len(words)  # words[:high] reads as card data; words[:low] does not
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (low, mid) if sensitive_kinds(_joined(text, words[:mid])) else (mid, high)
    first, last = 0, high  # words[first:high] reads; words[last:high] does not
    while last - first > 1:
        mid = (first + last) // 2
        first, last = (
            (mid, last) if sensitive_kinds(_joined(text, words[mid:high])) else (first, mid)
        )
    return first, high


# A number split between two texts: each is read at its edge (a card number spelled out in
# words is some 100 characters); dates and times there are masked, so a note that starts with
# a date does not go on the number the note before ended with.
_EDGE = 160
# What a text's edge may hold past a number's last (or before its first) digit.
_SENTENCE_END = " \t\r\n.,;:!?()[]\"'-"
_STOPS = re.escape(_SENTENCE_END)
_DATE_OR_TIME = re.compile(r"\b\d{1,4}([./-])\d{1,2}\1\d{2,4}\b|\b\d{1,2}:\d{2}(?::\d{2})?\b")
# Letters glued to a half's digits ("1111 1111xyz", "ab4111 1111"; letters standing in for
# digits are digits): dropped where they stand at the text's very start or end, so the half
# still meets the other where they join, and parted from them within it. An ordinal's suffix
# too ("Card 4000th" + "0000 0000 0002", "... 400000000000" + "2nd ..."): that it reads as an
# ordinal lets no card through; a real one ("due the 21st") joins another text's digits only
# where together they are a card's (length, issuer and Luhn), and alone it is read as before.
_LETTERS_AT_START = re.compile(rf"^([{_STOPS}]*)([^\W\d_]+)(?=\d)")
_LETTERS_AT_END = re.compile(rf"(?<=\d)([^\W\d_]+)(?=[{_STOPS}]*$)")
# A text that is a number and nothing else ("1111 1111.", "(09)").
_NUMBER_ALONE = re.compile(rf"[{_STOPS}]*\d[\d\s.,\-/]*[{_STOPS}]*")
# A word or two a number's rest may follow at a text's start ("remaining 8888 1881", "rest:
# 1881", "cont. 0042"), none naming another number (an order's).
# Its last digits named as such ("card ending 3010 9903") are another number only as a card's
# last four are shown: more digits than four after them may be the rest of one split over two
# texts ("card starts 5425 2334" + "typed card ending 3010 9903").
_LONG_ENDING = rf"(?:ending|ends)(?=[{_STOPS}]+(?:in[{_STOPS}]+)?\d(?:[\d\s-]*\d){{4}})"
_LEAD = re.compile(
    rf"[{_STOPS}]*(?:(?:{_LONG_ENDING}|(?!{OTHER_NUMBER})[^\W\d_]+)[{_STOPS}]+){{1,4}}(?=\d)"
)
# What parts one run of a number's digits from the text about it.
_RUN = re.compile(r"[^\d\s-]")
_LETTERS_BY_DIGITS = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def _unglued(text: str) -> str:
    """``text`` less the letters glued to a number at its very start and end."""
    kept = STAND_IN_LETTERS
    text = _LETTERS_AT_START.sub(lambda m: m[0] if set(m[2]) <= kept else m[1], text)
    return _LETTERS_AT_END.sub(lambda m: m[0] if set(m[1]) <= kept else "", text)


@dataclass(frozen=True, slots=True)
class Edges:
    """A text's start and end as sensitive-data detection reads them, to join to another's."""

    head: str
    tail: str

    @property
    def ends(self) -> bool:
        """Ends in a digit, perhaps with a sentence's stop after it ("Card 4111 1111."): a
        number that may go on in the next text."""
        return self.tail.rstrip(_SENTENCE_END)[-1:].isdigit()

    @property
    def starts(self) -> bool:
        """Starts with a digit, perhaps after an opening mark ("(1111 ..."): a number that
        may have begun in the text before."""
        return self.head.lstrip(_SENTENCE_END)[:1].isdigit()

    @property
    def rest(self) -> str | None:
        """Past a word or two at its start, a number's rest (``_LEAD``: "remaining 8888
        1881"), or None."""
        lead = _LEAD.match(self.head)
        return None if lead is None else self.head[lead.end() :]

    @property
    def carries_on(self) -> bool:
        """May carry on a number begun in the text before: it starts with one (``starts``),
        or with a word or two before its rest (``rest``)."""
        return self.starts or self.rest is not None

    @property
    def alone(self) -> bool:
        """A number and nothing else, one edge long: what may stand between two texts a
        number is split over."""
        return self.head == self.tail and _NUMBER_ALONE.fullmatch(self.head) is not None

    @property
    def digits(self) -> int:
        """How many digits it says (of a text that is ``alone``, the number's)."""
        return sum(c.isdigit() for c in self.head)

    @classmethod
    def of(cls, text: str) -> Edges:
        """A text no longer than an edge is one edge, read once."""
        head = _edge(text[:_EDGE])
        return cls(head, head if len(text) <= _EDGE else _edge(text[-_EDGE:]))


# Bounded, and only an edge's worth of text each: every write of a conversation joins its
# texts to the same earlier notes again, and reading an edge costs tens of microseconds.
@functools.lru_cache(maxsize=4096)
def _edge(text: str) -> str:
    edge = _unglued(_DATE_OR_TIME.sub("#", clean(counted_out(detection_form(_unglued(text))))))
    return _LETTERS_BY_DIGITS.sub(" ", edge)


def joined_chains(
    edges: Sequence[Edges], may_join: Callable[[tuple[int, ...]], bool] = lambda _: True
) -> Iterator[tuple[tuple[int, ...], set[str]]]:
    """Each chain of ``edges`` (their indexes, in the order joined) that ``may_join``, with
    the ``card`` and ``ssn`` its texts say together and none says alone: a number split
    between two texts, the first's end and the last's start, or over more, in any order, with
    any number of texts that are nothing but a number between them ("Card 4111" "1111"
    "1111" "1111 ok"; only the digits between are bounded, by a card's longest number). The
    last may start with a word or two before the number's rest ("remaining 8888 1881"): a
    card then only where the digits joined are a card's number (``card_number``).

    The chains grow as a factorial of the texts, and an agent chooses how many texts a write
    has: past ``_MOST_TRIED`` joinings read (the same pieces in the same order are read
    once) or ``_MOST_STEPS`` chains walked, what is left is not read but taken as a card
    (fail closed), one ring through every text a number may touch (each of them masked at
    both edges)."""
    alone = [i for i, e in enumerate(edges) if e.alone]
    digits = {i: edges[i].digits for i in alone}
    lasts = [i for i, e in enumerate(edges) if e.carries_on]
    read: dict[tuple[str, ...], set[str]] = {}
    steps = 0

    def grown(chain: tuple[int, ...], said: int) -> Iterator[tuple[tuple[int, ...], set[str]]]:
        nonlocal steps
        for last in lasts:
            joined = (*chain, last)
            if last in chain or not may_join(joined):
                continue
            steps += 1
            if steps > _MOST_STEPS:
                raise _Untried
            pieces = _pieces([edges[i] for i in joined])
            if (kinds := read.get(pieces)) is None:
                if sum(c.isdigit() for p in pieces for c in p) < _SHORTEST:
                    continue  # too few digits for an SSN, the shortest: nothing to read
                if len(read) >= _MOST_TRIED:
                    raise _Untried
                kinds = read[pieces] = _joined_kinds(pieces)
            if kinds:
                yield joined, kinds
        for i in alone:
            if i not in chain and said + digits[i] <= LONGEST_BETWEEN:
                yield from grown((*chain, i), said + digits[i])

    try:
        for first, edge in enumerate(edges):
            if edge.ends:
                yield from grown((first,), 0)
    except _Untried:
        touching = [i for i, e in enumerate(edges) if e.ends or e.carries_on]
        yield (*touching, touching[0]), {"card"}


class _Untried(Exception):
    """More chains than a write may ask to be tried (``joined_chains``)."""


#: Joinings read for one write (each some ten microseconds), and chains walked (each about
#: one), before the rest is taken as a card.
_MOST_TRIED = 256
_MOST_STEPS = 1024
#: The digits the texts between a number's first and last may say together: a card's
#: longest number less one at either end.
LONGEST_BETWEEN = 17


def piece_digits(text: str) -> int | None:
    """How many digits ``text`` says if it is a number and nothing else (what a number split
    over many texts may run through), else None."""
    edges = Edges.of(text)
    return edges.digits if edges.alone else None


def _pieces(chain: Sequence[Edges]) -> tuple[str, ...]:
    """What is read of a chain: the first's end, the numbers between, the last's start (or,
    after a word or two, its rest: then marked by a last piece of its own, ``_LED``)."""
    first, *between, last = chain
    start = (last.head,) if last.starts else (last.rest or "", _LED)
    return (first.tail, *(e.head for e in between), *start)


# Marks the pieces of a chain whose last text has a word or two before the number's rest.
_LED = "\0"


def _joined_kinds(pieces: Sequence[str]) -> set[str]:
    """What the pieces of a chain (``_pieces``) say together only: after words between, only
    a card's number, grouped as one (``card_grouped``), the first's last run, the numbers
    between and the last's first run joined (words say a number may go on, but a phone at
    a note's end and "refunded 250" in the next are as likely two numbers, so it is the
    number that must say it is one)."""
    if pieces[-1] == _LED:
        first, *between, last = pieces[:-1]
        runs = (_RUN.split(first.rstrip(_SENTENCE_END))[-1], *between, _RUN.split(last)[0])
        card = card_grouped(runs) and card_number(re.sub(r"\D", "", "".join(runs)))
        joined = {"card"} if card else set()
        return joined - set().union(*map(_edge_kinds, pieces[:-1]))
    return digit_kinds("\n".join(pieces)) - set().union(*map(_edge_kinds, pieces))


# Bounded, as _edge: each edge is joined to every other of its write and the last few.
@functools.lru_cache(maxsize=4096)
def _edge_kinds(edge: str) -> frozenset[str]:
    return frozenset(digit_kinds(edge))
