"""Dates as said or written, normalised to what they pin down: ISO 8601, partial where the words
are. "The ninth of December" and "9 Dec" are both ``--12-09``; "on the 14th" is ``---14``;
"2026-11-20" is itself; "11/18" is every reading that fits, month first or day first
(``--11-18``). Two dates are the same when nothing one says contradicts the other: the ninth
is the 9 December, the 19th is not.

Read over text with numbers as digits (guardrail.understanding.text.clean for speech), any
case. A holiday on a fixed day is that day ("Boxing Day" is ``--12-26``, "the day after
Boxing Day" ``--12-27``); one that moves with the year (Easter), days of the week and words like
"tomorrow" pin down nothing without a calendar, and are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTHS = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
)  # fmt: skip
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# text2num leaves "first" and "second" as words: they are days only beside a month.
_DAY = r"(?P<day>\d{1,2}(?:st|nd|rd|th)?|first|second)"
_YEAR = r"(?:(?:,?\s+|-)(?P<year>(?:19|20)\d{2}))?\b"
# The forms, the most telling first: where two overlap, the earlier is the one read.
_FORMS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\b(?P<year>\d{4})([-/.])(?P<month>\d{1,2})\2(?P<day>\d{1,2})\b",
        rf"\b{_DAY}(?:\s+of)?(?:\s+|-){_MONTH}\b{_YEAR}",
        rf"\b{_MONTH}(?:\s+|-)(?:the\s+)?{_DAY}\b{_YEAR}",
        r"(?<![\d/])(?P<first>\d{1,2})/(?P<second>\d{1,2})(?:/(?P<year>\d{2}|\d{4}))?(?![\d/])",
        # 09.12.2025, 9-12-25: with its year, else a decimal or a range
        r"(?<![\d.-])(?P<first>\d{1,2})([.-])(?P<second>\d{1,2})\2(?P<year>\d{4}|\d{2})(?![\d.-])",
        # "the 3rd to the 6th", "12th through 15th": either end of a range of days, whatever
        # comes before or after it
        r"\b\d{1,2}(?:st|nd|rd|th)\s*(?:to|through|thru|till|until|-)\s*(?:the\s+)?"
        r"(?P<day>\d{1,2}(?:st|nd|rd|th))\b",
        r"\b(?P<day>\d{1,2}(?:st|nd|rd|th))(?=\s*(?:to|through|thru|till|until|-)\s*"
        r"(?:the\s+)?\d{1,2}(?:st|nd|rd|th)\b)",
        # "on the 14th", "by 3rd", "the 3rd and 10th", "since the 9th from the storm", "taken on
        # the 31st was wrong", "Tuesday 16th": a day of the month alone, after a preposition,
        # another day or a day of the week, before a pause, a joining word, a preposition, a
        # verb or a part of the day; not "the 2nd floor" or "came 3rd"
        r"(?:\b(?:on|by|for|from|to|until|till|since|before|after|of|and|or|the|"
        r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|tues|wed|thu|thur|thurs|fri)"
        r"\.?\s+|[,&-]\s*)"
        r"(?:the\s+)?(?P<day>\d{1,2}(?:st|nd|rd|th))\b(?!\s+(?!(?:and|but|or|so|at|when|as"
        r"|which|because|then|please|i|we|it|you|he|she|they|from|to|until|till|through|thru"
        r"|onwards?|for|with|due|after|before|since|while|without|was|were|is|are|has|had|have"
        r"|will|would|could|should|did|never|got|went|came|morning|afternoon|evening|night)\b)"
        r"[a-z])",
    )
)
# Holidays kept on one day of the year, as callers in the English-speaking world name them.
_NAMED_DAYS = {
    "new year's day": (1, 1), "burns night": (1, 25), "australia day": (1, 26),
    "valentine's day": (2, 14),
    "st david's day": (3, 1), "st patrick's day": (3, 17), "paddy's day": (3, 17),
    "st george's day": (4, 23), "anzac day": (4, 25), "juneteenth": (6, 19),
    "canada day": (7, 1), "halloween": (10, 31), "bonfire night": (11, 5),
    "guy fawkes night": (11, 5), "remembrance day": (11, 11), "armistice day": (11, 11),
    "veterans day": (11, 11), "st andrew's day": (11, 30),
    "christmas eve": (12, 24), "christmas day": (12, 25), "boxing day": (12, 26),
    "new year's eve": (12, 31), "hogmanay": (12, 31),
}  # fmt: skip


def _spelled(name: str) -> str:
    """A holiday's name as written: with or without its apostrophe, "St" with or without a
    full stop."""
    return re.escape(name).replace("'", "['\u2019]?").replace(r"st\ ", r"st\.?\ ")


_HOLIDAYS = {name.replace("'", ""): day for name, day in _NAMED_DAYS.items()}
_HOLIDAY = re.compile(
    r"\b(?:(?:the\s+)?day\s+(?P<side>after|before)\s+)?"
    r"(?P<name>" + "|".join(_spelled(n) for n in _NAMED_DAYS) + r")\b",
    re.IGNORECASE,
)
_ORDINAL = re.compile(r"(\d{1,2})(?:st|nd|rd|th)", re.IGNORECASE)
_ISO = re.compile(r"^(?:(?P<year>\d{4})-|--)(?:(?P<month>\d{2})-|-)(?P<day>\d{2})$")


@dataclass(frozen=True, slots=True)
class DateSaid:
    start: int
    end: int
    readings: tuple[str, ...]  # ISO 8601, partial: "2026-12-09", "--12-09", "---09"


def dates_in(text: str) -> list[DateSaid]:
    """The dates in ``text``, in order, each with every reading that fits it."""
    found = [_holiday(m) for m in _HOLIDAY.finditer(text)]
    for form in _FORMS:
        for m in form.finditer(text):
            if any(m.start() < d.end and d.start < m.end() for d in found):
                continue
            readings = _readings(m.groupdict())
            if readings:  # from its first word that says a date ("on the 3rd": "3rd")
                start = min(m.start(g) for g, v in m.groupdict().items() if v is not None)
                found.append(DateSaid(start, m.end(), readings))
    return sorted(found, key=lambda d: d.start)


def _holiday(m: re.Match[str]) -> DateSaid:
    """A fixed holiday, or the day after or before it, as its month and day (of a year with
    no 29 February between: none of them is near it)."""
    month, day = _HOLIDAYS[re.sub("['\u2019.]", "", m["name"].lower())]
    shift = {"after": 1, "before": -1}.get((m["side"] or "").lower(), 0)
    when = date(2001, month, day) + timedelta(days=shift)
    return DateSaid(m.start(), m.end(), (_iso(None, when.month, when.day),))


def readings_of(value: str) -> tuple[str, ...]:
    """A date as readings, from a fact's value or a date cut out of a text: ISO (whole or
    partial) as it is, a day alone ("14th") as that day, else as read."""
    if _ISO.match(value):
        return (value,)
    if day := _ORDINAL.fullmatch(value.strip()):
        return (_iso(None, None, int(day.group(1))),) if 1 <= int(day.group(1)) <= 31 else ()
    return tuple(r for d in dates_in(value) for r in d.readings)


def same_date(a: str, b: str) -> bool:
    """Whether two readings can be one date: the same day, and the same month and year where
    both say one."""
    x, y = _ISO.match(a), _ISO.match(b)
    if x is None or y is None:
        return False
    return all(
        x.group(part) is None or y.group(part) is None or x.group(part) == y.group(part)
        for part in ("year", "month", "day")
    )


def _readings(groups: dict[str, str | None]) -> tuple[str, ...]:
    year = groups.get("year")
    if year is not None and len(year) == 2:
        year = "20" + year
    pairs: dict[tuple[int | None, int], None]
    if groups.get("first") is not None:  # 11/18: month first or day first, where it fits
        a, b = int(groups["first"] or 0), int(groups["second"] or 0)
        pairs = dict.fromkeys(((a, b), (b, a)))
    else:
        month = groups.get("month")
        pairs = {(_month(month) if month else None, _day(groups["day"] or "")): None}
    return tuple(_iso(year, m, d) for m, d in pairs if (m is None or 1 <= m <= 12) and 1 <= d <= 31)


def _iso(year: str | None, month: int | None, day: int) -> str:
    if month is None:
        return f"---{day:02d}"
    return f"{year or '-'}-{month:02d}-{day:02d}"


def _month(word: str) -> int:
    return int(word) if word.isdigit() else _MONTHS.index(word[:3].lower()) + 1


def _day(word: str) -> int:
    word = word.lower()
    if word in ("first", "second"):
        return 1 if word == "first" else 2
    return int(re.sub(r"\D", "", word) or 0)
