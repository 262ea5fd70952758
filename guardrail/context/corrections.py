"""Numbers the customer corrected: the agent reads one back ("Order 5272, is that right?", "I
heard K7449B"), the customer answers no with another like it ("No, fifty-five twenty-seven"),
so the one read back was misheard. A note that keeps it misstates the customer, though the
number is in the transcript: it is no support for a note, unless someone says it elsewhere.

Only what the correction can be told to replace is refuted: a number of three digits or more
read back by the agent, answered by the customer's no naming a number of about its length and
digits (a misheard digit or two, two swapped). A no that names nothing, or a number unlike it
("no, and my phone is 07700 900123"), refutes nothing."""

from __future__ import annotations

import re
from collections.abc import Sequence

from guardrail.context.model import Turn
from guardrail.understanding.numbers import said_numbers

# The customer's answer opens with a no ("no", "nope", "not quite", "that's wrong").
_NO = re.compile(
    r"^\W*(?:no|nope|nah|not quite|not right|not exactly|wrong|incorrect|that's wrong|"
    r"that's not (?:it|right|correct)|that is not (?:it|right|correct))\b"
)
# A reference with letters about its digits ("K7449B", "INV-20931"), whose digits cleaning
# leaves whole but said_numbers may not read.
_LETTERED = re.compile(r"[A-Za-z]*[-#]?\d[\d\-]*\d[A-Za-z]*")
_MIN_DIGITS = 3


def refuted(turns: Sequence[Turn], cleaned: Sequence[str]) -> frozenset[str]:
    """The digits of every number an agent read back that the customer's next turn corrected,
    less those said in any other turn; ``cleaned``: each turn's text as clean() has it, which
    the caller has already. A turn's numbers are read only once a no makes them matter: most
    calls hold no correction, and reading them is most of the cost."""
    said: dict[int, frozenset[str]] = {}

    def numbers(i: int) -> frozenset[str]:
        if i not in said:
            said[i] = _numbers(turns[i].text, cleaned[i])
        return said[i]

    wrong: set[str] = set()
    read_back: set[int] = set()
    for i in range(len(turns) - 1):
        agent, answer = turns[i], turns[i + 1]
        if agent.role != "agent" or answer.role != "customer":
            continue
        if not _NO.match(cleaned[i + 1]) or not (corrected := numbers(i + 1)):
            continue
        misheard = {d for d in numbers(i) - corrected if any(_alike(d, c) for c in corrected)}
        if misheard:
            wrong |= misheard
            read_back.add(i)
    if not wrong:
        return frozenset()
    elsewhere = {d for j in range(len(turns)) if j not in read_back for d in numbers(j)}
    return frozenset(wrong - elsewhere)


def _numbers(text: str, cleaned: str) -> frozenset[str]:
    lettered = (re.sub(r"\D", "", m.group(0)) for m in _LETTERED.finditer(text))
    return frozenset(d for d in (*said_numbers(cleaned), *lettered) if len(d) >= _MIN_DIGITS)


def _alike(heard: str, meant: str) -> bool:
    """Whether ``meant`` is what ``heard`` could be a mishearing of: about as long, at most two
    digits apart (a swap is two)."""
    return abs(len(heard) - len(meant)) <= 1 and _distance(heard, meant) <= 2


def _distance(a: str, b: str) -> int:
    """Levenshtein distance."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        diagonal, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (x != y))
    return row[-1]
