"""The figures a note states besides references and priced amounts, each of its class and
unit: counts ("3 wasp nests"), durations ("12 months", "ten working days") and bare amounts
priced by what is around them ("a charge of 48", "at 24 per month"). A note must say what
the conversation said, so each is grounded in a figure said of the same thing: the same
count of the same things, the same length of time in any unit that converts ("two weeks" is
"14 days"), an amount said.

Read on normalized text (guardrail.context.facts.normalize): lower case, single spaces.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from text_to_num import text2num  # type: ignore[import-untyped]

from guardrail.understanding.numbers import bare_amounts, money_in

_ONES = "(?:one|two|three|four|five|six|seven|eight|nine)"
_WORD = (
    rf"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[ -]{_ONES})?|ten|eleven|"
    rf"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|{_ONES})"
)
# What only the conversation's side may count with: "both nests", "a couple of visits", "a
# week" (a note that writes them states no figure).
_LOOSE = r"|both|a couple(?: of)?|a pair of|a dozen|an?|another|half an?"
_LOOSE_VALUES = {
    "both": 2, "a couple": 2, "a couple of": 2, "a pair of": 2, "a dozen": 12, "a": 1, "an": 1,
    "another": 1,
}  # fmt: skip
# A whole number, never a piece of a decimal, a range, a code or a figure in money.
_NUMBER = (
    r"(?<![\w.,$€£/-])(?<!hundred )(?<!hundred and )(?<!thousand )"
    r"(?P<n>\d{1,3}|{word})(?![\w$€£]|[.,/]\d|-\d)"
)

# A length of time and its base unit, with what one of the unit is in it.
_DURATIONS = {
    "second": ("minute", Decimal(1) / 60), "minute": ("minute", Decimal(1)),
    "min": ("minute", Decimal(1)), "hour": ("minute", Decimal(60)),
    "hr": ("minute", Decimal(60)), "day": ("day", Decimal(1)), "night": ("day", Decimal(1)),
    "week": ("day", Decimal(7)), "fortnight": ("day", Decimal(14)),
    "month": ("month", Decimal(1)), "year": ("month", Decimal(12)),
    "yr": ("month", Decimal(12)),
}  # fmt: skip
_DURATION = (
    r"[ -](?:(?:working|business|calendar|full|whole|more|extra|further|more) )?"
    rf"(?P<unit>{'|'.join(_DURATIONS)})s?\b"
)
# What a year is said as besides its figure ("the annual plan"): the conversation's side.
_YEARLY = re.compile(r"\b(?:annual|annually|yearly|a year's)\b")
# A figure said with what it counts left to the words before it ("you sent thirty, I need
# ninety", "he's seventeen"): a count of whatever the note says it counts.
_ALONE = re.compile(r" ?(?:[.,;:!?)]|$)")
_AGE = re.compile(r"[ -]old\b")
# A whole a part is said of, its unit left to the part ("18 days out of 30").
_OUT_OF = re.compile(r" out of (?:the |a total of |a )?")
# A plural noun within the next words: what is counted ("3 wasp nests", "two of the boxes").
_IRREGULAR = {"children": "child", "people": "person", "men": "man", "women": "woman",
              "mice": "mouse", "feet": "foot", "teeth": "tooth", "geese": "goose"}  # fmt: skip
_NOT_NOUNS = frozenset(
    [
        "as",
        "is",
        "was",
        "has",
        "his",
        "its",
        "this",
        "yes",
        "us",
        "plus",
        "less",
        "always",
        "perhaps",
        "sometimes",
        "thus",
        "does",
        "goes",
        "across",
        "unless",
        "whereas",
        "besides",
        "towards",
        "afterwards",
        "upwards",
        "downwards",
        "yours",
        "ours",
        "hers",
        "theirs",
        "its",
        "whose",
        "news",
        "series",
    ]
)
_FOLLOWING = re.compile(r"(?: [a-z']+){1,5}")
_NOT_BETWEEN = frozenset(
    [
        "and",
        "or",
        "to",
        "at",
        "for",
        "on",
        "in",
        "by",
        "per",
        "from",
        "with",
        "the",
        "a",
        "an",
        "it",
        "was",
        "were",
        "is",
        "are",
        "be",
        "has",
        "had",
        "have",
        "then",
        "than",
        "that",
        "each",
    ]
)
# An amount with no currency priced by its words: a charge, fee, credit, refund, rent, bill
# or payment "of" it, or it "each", "per month", "a month".
_PRICED_BEFORE = re.compile(
    r"\b(?:charges?|charged|fees?|costs?|costing|price[sd]?|paid|pay(?:ing|ment)?|bill(?:ed)?|"
    r"balance|credit(?:ed)?|refund(?:ed)?|rent|deposit|rate|premium|invoiced?|owe[sd]?|owing|"
    r"totall?(?:ing|ed)?|discount(?:ed)?|quote[sd]?|waived?|worth)"
    r"(?: (?:of|at|for|is|was|to|by|now|from|down to|up to|:))?:? ?$"
)
_PRICED_AFTER = re.compile(
    r" ?(?:each|apiece|per\b|an? (?:month|week|year|visit|night|day|unit)\b|/ ?[a-z])"
)
# Or money done with it ("30 already credited", "45 refunded"), where it is more than a few:
# "2 refunded, 1 kept" may count mugs.
_MONEY_DONE_AFTER = re.compile(
    r" (?:(?:was|were|is|has been|have been|had been|already|been) )*(?:credited|refunded|"
    r"reimbursed|paid back|charged|billed|deducted|debited|waived|written off|owed|outstanding)\b"
)
# Or money named by what it is after it ("accepted 20 goodwill credit", "a 15 refund"), where
# it is more than a few: "2 refunds" counts them.
_MONEY_NAMED_AFTER = re.compile(
    r" (?:[a-z]+ )?(?:credit|refund|discount|rebate|compensation|voucher|allowance|reduction|"
    r"goodwill)\b(?!s)"
)
_FEW = 12
_AMOUNT = re.compile(r"(?<![\w.,$€£/-])(\d{1,5}(?:\.\d{1,2})?)(?![\w$€£%]|[.,/]\d|-\d)")
# Words that say a figure was worked out from others ("the £10 difference", "in total").
_WORKED_OUT = re.compile(
    r"\b(?:difference|total|totall?(?:ing|ed)|together|combined|in all|altogether|sum|"
    r"overcharged?|overpaid|overpayment|remaining|the rest|balance|net)\b"
)


@dataclass(frozen=True)
class Quantity:
    """A count or a length of time said: ``value`` of ``unit`` (a duration in its base unit,
    "day" for "2 weeks" as 14; a count in the singular of what is counted, "nest")."""

    kind: str  # "count" or "duration"
    value: Decimal
    unit: str
    start: int
    end: int


def quantities(text: str, said: bool = False) -> Iterator[Quantity]:
    """The counts and durations in normalized ``text``; ``said``: the conversation's side,
    where "both", "a couple of", "another week", "annual" count too, and a number said alone
    is a count of what the words before it name (unit "")."""
    word = _WORD + (_LOOSE if said else "")
    number = re.compile(_NUMBER.replace("{word}", word))
    last: tuple[Quantity, Decimal] | None = None  # the last length of time said, its unit's size
    for m in number.finditer(text):
        value = _value(m["n"])
        if value is None:
            continue
        duration = re.match(_DURATION, text[m.end() :])
        after = m.end() + duration.end() if duration is not None else m.end()
        age = _AGE.match(text, after) if duration is not None else None
        if age is not None:  # an age ("a 17-year-old", "he's 17 years old"): nothing named
            yield Quantity("count", value, "", m.start(), age.end())
            continue
        # "3 full-day outages" count outages; "a 12-month plan" is a length of time
        adjective = duration is not None and not duration.group(0).endswith("s")
        counted = _noun_after(text, after) if duration is None or adjective else None
        found = None
        if counted is not None and counted[0] in _DURATIONS:  # "9 unused days"
            base, size = _DURATIONS[counted[0]]
            found = Quantity("duration", value * size, base, m.start(), counted[1]), size
        elif counted is not None and (value >= 2 or said):
            found = Quantity("count", value, counted[0], m.start(), counted[1]), Decimal(1)
        elif duration is not None:
            base, size = _DURATIONS[duration["unit"]]
            found = Quantity("duration", value * size, base, m.start(), after), size
        elif said and _ALONE.match(text, m.end()):  # "you sent thirty, I need ninety"
            yield Quantity("count", value, "", m.start(), m.end())
            if (elided := _unit_left_before(text, last, value, m)) is not None:
                yield elided
        if found is not None:
            last = found if found[0].kind == "duration" else last
            yield found[0]
            if said and (whole := _whole_of(text, found[0], found[1], number)) is not None:
                yield whole
    if said:
        for m in _YEARLY.finditer(text):
            yield Quantity("duration", Decimal(12), "month", m.start(), m.end())


# A sentence opening on the thing it tells of ("order with dog food, 56 pound", "the second order
# was 42"): the thing, when it is not a word of talk.
_OPENS_ON = re.compile(
    r"^(?:(?:the|my|our|one|another|other|first|second|third|last|next|then)\s+){0,2}"
    r"(?!(?:and|but|you|yes|yeah|that|this|then|there|they|what|when|which|who|how|okay|right|"
    r"sorry|thanks|well|also|just|now|because|plus|total|so)\b)(?P<noun>[a-z]{3,})\b"
)


def listed(said: Sequence[str]) -> Iterator[Quantity]:
    """Things told one sentence each, each at an amount of its own ("order with dog food, 56
    pound. order with cat litter, 42 pound."): so many of that thing, counted, as a note may
    count them ("two orders"). ``said``: the conversation's sentences, cleaned, in order."""
    amounts: dict[str, list[frozenset[Decimal]]] = {}
    for sentence in said:
        opens = _OPENS_ON.match(sentence)
        found = frozenset(m.value for m in (*money_in(sentence), *bare_amounts(sentence)))
        if opens is not None and found:
            amounts.setdefault(opens["noun"], []).append(found)
    for noun, each in amounts.items():
        if len(each) >= 2 and all(a.isdisjoint(b) for a, b in itertools.combinations(each, 2)):
            yield Quantity("count", Decimal(len(each)), noun, 0, 0)


def _unit_left_before(
    text: str, last: tuple[Quantity, Decimal] | None, value: Decimal, m: re.Match[str]
) -> Quantity | None:
    """A figure said alone after a length of time in the same sentence, its unit left to it
    ("charged me for 40 minutes but I parked after 12": 12 minutes)."""
    if last is None or re.search(r"[.!?]", text[last[0].end : m.start()]):
        return None
    return Quantity("duration", value * last[1], last[0].unit, m.start(), m.end())


def _whole_of(text: str, part: Quantity, size: Decimal, number: re.Pattern[str]) -> Quantity | None:
    """The whole a part is said "out of", its unit left to the part ("eighteen days out of
    thirty": 30 days; "two weeks out of the four": 28 days): of the same things or time."""
    out_of = _OUT_OF.match(text, part.end)
    said = number.match(text, out_of.end()) if out_of is not None else None
    if said is None or (value := _value(said["n"])) is None:
        return None
    if _noun_after(text, said.end()) is not None or re.match(_DURATION, text[said.end() :]):
        return None  # "out of thirty people": the whole names its own things
    return Quantity(part.kind, value * size, part.unit, said.start(), said.end())


def priced(text: str) -> Iterator[tuple[int, int, Decimal]]:
    """Bare numbers in normalized ``text`` its words price (start, end, amount)."""
    for m in _AMOUNT.finditer(text):
        value = Decimal(m.group(1))
        done = (
            _MONEY_DONE_AFTER.match(text, m.end()) or _MONEY_NAMED_AFTER.match(text, m.end())
        ) and (value > _FEW or "." in m.group(1))
        if _PRICED_BEFORE.search(text[: m.start()]) or _PRICED_AFTER.match(text, m.end()) or done:
            yield m.start(), m.end(), value


def worked_out(text: str, start: int, end: int) -> bool:
    """Whether the note says the figure at text[start:end] was worked out from others (a
    difference, a total), in the words of its clause around it."""
    before = re.split(r"[.;:!?]", text[max(0, start - 60) : start])[-1]
    after = re.split(r"[.;:!?,]", text[end : end + 30])[0]
    return _WORKED_OUT.search(before) is not None or _WORKED_OUT.search(after) is not None


def _value(said: str) -> Decimal | None:
    if said.isdigit():
        return Decimal(said)
    if said in _LOOSE_VALUES:
        return Decimal(_LOOSE_VALUES[said])
    if said.startswith("half"):
        return Decimal("0.5")
    try:
        return Decimal(text2num(said.replace("-", " "), "en"))
    except ValueError:
        return None


def _noun_after(text: str, at: int) -> tuple[str, int] | None:
    """What the words from ``at`` count, and where its noun ends: the first plural noun, with
    "of" or "of the" and up to two words before it ("3 wasp nests", "two of the boxes");
    else None."""
    following = _FOLLOWING.match(text, at)
    words = following.group(0).split() if following is not None else []
    skip = 2 if words[:2] == ["of", "the"] else 1 if words[:1] == ["of"] else 0
    for i, word in enumerate(words[skip : skip + 3], start=skip + 1):
        single = _singular(word)
        if single is not None:
            return single, at + len(" ".join(words[:i])) + 1
        if word in _NOT_BETWEEN:
            return None
    return None


def _singular(word: str) -> str | None:
    """The singular of a plural noun, None for a word that is not one."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) < 4 or not word.endswith("s") or word in _NOT_NOUNS:
        return None
    if not re.search(r"[aeiouy]", word[:-1]):  # a unit of measure: "mbps", "lbs"
        return None
    if word.endswith(("ss", "us", "is", "'s")):
        return None
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses", "zes")):
        return word[:-2]
    return word[:-1]
