"""Redaction for anything that leaves the process as text: logs now, audit records later.

Secrets are dropped by key; personal data in values is masked by shape, so a card number in a
case description never reaches a log line whole. Card numbers and SSNs are masked wherever the
sensitive-data rule finds them, however disguised (guardrail.understanding.sensitive: other
scripts' digits, invisible characters, letters for digits, words, percent or base64): the words
a disguised number was written in are masked whole. Any other long digit run is masked too, as
``[NUMBER]``: a masked record still tells what it held (guardrail replay judges card-number
rules on it). A number split between two fields of one write is masked in both: each half
alone reads as no number, so each field is masked at the edge the halves meet.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal
from types import UnionType
from typing import Any, TypeGuard, TypeVar

from guardrail.understanding.disguise import detection_form
from guardrail.understanding.numbers import luhn
from guardrail.understanding.phones import is_phone_number
from guardrail.understanding.sensitive import (
    Edges,
    joined_chains,
    sensitive_kinds,
    sensitive_runs,
)
from guardrail.understanding.text import clean

SECRET_KEYS = re.compile(r"authorization|token|secret|password|cookie|session|api[_-]?key", re.I)
#: A key naming an identifier (an agent token's ``token_id``, an OAuth ``client_id``) is no
#: secret, and logs must show it to be joined to the API and the audit log. Salesforce's
#: ``session_id`` is the session itself, so it stays a secret.
_IDENTIFIER_KEY = re.compile(r"(?<!session)[_-]ids?$", re.I)
REDACTED = "[REDACTED]"


# Remembered: keys are few (field names, log keys), and every record and line asks again.
@functools.lru_cache(maxsize=4096)
def names_secret(key: str) -> bool:
    """Whether a value under ``key`` is a secret (dropped), rather than data or an identifier."""
    return SECRET_KEYS.search(key) is not None and _IDENTIFIER_KEY.search(key) is None


#: What each kind of personal data is masked as; a replayed record's masks stand for the data
#: they replaced (guardrail.context.facts.pii_in).
MASKS = {"card": "[CARD]", "ssn": "[SSN]", "email": "[EMAIL]", "phone": "[PHONE]"}
NUMBER = "[NUMBER]"
#: A card number put in a number field, masked whole: text now, told apart from a text's card
#: (``[CARD]``) so replay judges a number in its place (``stand_ins``).
CARD_AS_NUMBER = "[CARD:NUMBER]"


def _card(match: re.Match[str]) -> str:
    digits = "".join(c for c in match.group(0) if c.isdigit())
    return MASKS["card"] if luhn(digits) else NUMBER


_PATTERNS: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    # Credentials pasted into text: Salesforce session ids and JWTs.
    (re.compile(r"\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]+"), "[SECRET]"),
    (re.compile(r"\beyJ[\w-]+\.[\w-]+\.[\w-]+"), "[SECRET]"),
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), MASKS["email"]),
    (re.compile(r"\b(?:\d[ -]?){12,18}\d\b"), _card),
    (
        re.compile(
            r"(?<!\w)(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])\d{3,4}[ .-]?\d{3,4}\b"
        ),
        MASKS["phone"],
    ),
)


# Every pattern above needs a digit, an "@" or a JWT's "eyJ": text with none (most field
# values: "Billing", "New") is returned without running them.
_MAYBE = re.compile(r"[0-9@]|eyJ")


def mask_card_data(text: str) -> str:
    """``text`` with every card number and SSN the sensitive-data rule finds in it masked."""
    runs = sensitive_runs(text)
    if not runs:
        return text
    pieces: list[str] = []
    at = 0
    for start, end, kind in runs:
        if start < at:  # a run around one masked before: the mask already stands for both
            pieces[-1] = MASKS["card"] if kind == "card" else pieces[-1]
        else:
            pieces += [text[at:start], MASKS[kind]]
        at = max(at, end)
    return "".join([*pieces, text[at:]])


#: Every mask a recorded value may hold in place of what it replaced.
_MASK_TOKENS = (*MASKS.values(), NUMBER, CARD_AS_NUMBER, "[SECRET]", REDACTED)


def stand_ins(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A recorded write's fields as replay judges them: a number masked whole
    (``CARD_AS_NUMBER``) as a card number (a test card's), so the rules that read it find what
    they found in the original: a card, and a number of a card's size (over any refund cap)."""
    return {k: _STAND_IN_CARD if v == CARD_AS_NUMBER else v for k, v in fields.items()}


_STAND_IN_CARD = 4000000000000002


def holds_mask(value: Any) -> bool:
    """Whether a recorded value (a replayed write's field) holds a mask: its shape (length,
    pattern, format) is no longer the shape of the value that was judged."""
    if isinstance(value, str):
        return any(token in value for token in _MASK_TOKENS)
    if isinstance(value, Mapping):
        return any(holds_mask(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(holds_mask(v) for v in value)
    return False


def mask_text(text: str) -> str:
    """``text`` with credentials, emails, card numbers and SSNs (in any form), phone-shaped
    and other long numbers masked; a text that is one valid phone number, as a phone (the
    sensitive-data rule reads none in it: guardrail.understanding.phones)."""
    return _remembered(text) if len(text) <= _REMEMBERED else _masked(text)


# Bounded, and only texts of a field's or a turn's size: a write's values are masked again for
# its conversation's context and by every later record naming them, picklist values and
# subjects repeat across records, and masking a short value costs ~5 us, a turn tens.
_REMEMBERED = 2000


@functools.lru_cache(maxsize=4096)
def _remembered(text: str) -> str:
    return _masked(text)


def _masked(text: str) -> str:
    if is_phone_number(text):
        return MASKS["phone"]
    text = mask_card_data(text)
    if _MAYBE.search(text) is None:
        return text
    for pattern, label in _PATTERNS:
        text = pattern.sub(label, text)
    return text


_SCALARS = frozenset({bool, int, float})


def mask_value(value: Any) -> Any:
    """A JSON value with every string masked (recursively); secrets by key are dropped."""
    if isinstance(value, str):
        return mask_text(value)
    if value is None or type(value) in _SCALARS:  # no walk of the ABCs for these
        return value
    if isinstance(value, Mapping):
        return {k: REDACTED if names_secret(str(k)) else mask_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(v) for v in value]
    return value


def is_number(value: object, kind: type | UnionType = int | float) -> TypeGuard[int | float]:
    """Whether a value is a number (of ``kind``) as JSON has them: Python's bool is an int,
    and a boolean is no number."""
    return isinstance(value, kind) and not isinstance(value, bool)


#: The least number of a card's length (13 digits).
_CARD_SIZED = 10**12


def is_card_number(value: object) -> bool:
    """Whether a number (a number field's value) is a card number whole: no count, duration
    or amount is a card's length, Luhn-valid and with a card's prefix. A number in a field
    that holds ids is never asked (``number_fields``, ``mask_fields``): Zendesk's are numbers
    of a card's length, and some read as one."""
    if not is_number(value) or abs(value) < _CARD_SIZED:
        return False
    return any("card" in sensitive_kinds(d) for d in number_digits(value))


def number_digits(value: object) -> list[str]:
    """A whole number's digits as a number field stores them (a JSON 11111111.0 is saved as
    11111111); none for a fraction, a boolean or anything not a number."""
    number = finite_number(value) if is_number(value) else None
    if number is None or number != number.to_integral_value():
        return []
    return [str(abs(int(number)))]


def finite_number(value: object) -> Decimal | None:
    """A value as a finite number, if it reads as one (a number field's, a field read's text,
    a backend's fact); an infinity or NaN is none, as no amount or digits are."""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


_WORD = re.compile(r"\S+")
Key = TypeVar("Key")


def number_fields(fields: Mapping[Key, Any], id_fields: Collection[Key]) -> dict[Key, Any]:
    """A write's numbers (CEL ``number_fields()``): every number field but one that holds
    record ids by its type (Zendesk's are numbers), as ``text_fields`` leaves those out."""
    return {k: v for k, v in fields.items() if is_number(v) and k not in id_fields}


def _holds_ids(value: Any) -> bool:
    """A value a field that holds ids keeps unmasked: an id (a text, a number) or a list of
    numbers (Zendesk's CCs); a text in a list is masked as any text is."""
    if isinstance(value, list):
        return all(is_number(v, int) for v in value)
    return isinstance(value, str) or is_number(value, int)


def text_fields(fields: Mapping[Key, Any], id_fields: Collection[Key]) -> dict[Key, str]:
    """A write's texts, as the sensitive-data rule reads them (CEL ``text_fields()``) and
    masking masks them: every string field, whatever its shape, but one that holds record ids
    by its type (``id_fields``: WriteIntent.id_fields). An id is never read for digits, which
    could read as a card or join a neighbour's into one; text shaped like an id (a card number
    and two letters) is text. One predicate for both, so a masked record reads as the raw one
    was read when it is judged again (replay)."""
    return {k: v for k, v in fields.items() if isinstance(v, str) and k not in id_fields}


def mask_fields(fields: Mapping[str, Any], id_fields: Collection[str]) -> dict[str, Any]:
    """A write's fields masked as ``mask_value`` masks them, and a card number or SSN split
    between two of its texts masked in both (``split_masked``), a card number put whole in a
    number field as ``CARD_AS_NUMBER``; the values of its ``id_fields`` are kept as they are
    (``text_fields``), secrets by key dropped all the same."""
    texts = {k: v for k, v in text_fields(fields, id_fields).items() if not names_secret(k)}
    split = split_masked(texts) if len(texts) > 1 else texts  # one text splits with none
    masked: dict[str, Any] = {}
    for key, value in fields.items():  # in one pass: mask_value's, split texts and ids in it
        if names_secret(str(key)):
            masked[key] = REDACTED
        elif key in split:
            masked[key] = mask_text(split[key])
        elif key in id_fields and _holds_ids(value):
            masked[key] = value
        elif is_card_number(value):  # a number field's, where a card number is one whole
            masked[key] = CARD_AS_NUMBER
        else:
            masked[key] = mask_value(value)
    return masked


def id_values(fields: Mapping[str, Any], id_fields: Collection[str]) -> dict[str, str]:
    """The ids a write's ``id_fields`` hold, which masking keeps as they are (``text_fields``);
    a secret-named field's value is dropped all the same."""
    return {
        k: v
        for k, v in fields.items()
        if isinstance(v, str) and k in id_fields and not names_secret(k)
    }


def split_masked(texts: Mapping[Key, str]) -> dict[Key, str]:
    """``texts`` with a card number or SSN split between two or more of them masked in each:
    no piece alone reads as the number, so each is masked at the edge where they meet (a
    text between two is the number alone, masked whole)."""
    values = tuple(texts.values())
    remembered = sum(map(len, values)) <= _REMEMBERED
    return dict(zip(texts, (_split_remembered if remembered else _split)(values), strict=True))


# Bounded, and only texts of a field's size together (as ``_remembered``): a write's texts are
# masked again for the record and the decision log, and picklist values repeat across writes;
# joining even two texts' edges costs several microseconds. The answer is the texts' alone.
@functools.lru_cache(maxsize=4096)
def _split_remembered(texts: tuple[str, ...]) -> tuple[str, ...]:
    return _split(texts)


def _split(texts: tuple[str, ...]) -> tuple[str, ...]:
    """``texts`` with a number split between them masked in each (``split_masked``)."""
    ends: dict[int, str] = {}
    starts: dict[int, str] = {}
    for chain, kinds in joined_chains([Edges.of(text) for text in texts]):
        mask = MASKS["card"] if "card" in kinds else MASKS["ssn"]
        for at in chain[:-1]:  # the texts between the first and last are the number alone
            ends.setdefault(at, mask)
        for at in chain[1:]:
            starts.setdefault(at, mask)
    if not ends and not starts:
        return texts
    return tuple(_edges_masked(t, starts.get(n), ends.get(n)) for n, t in enumerate(texts))


def _edges_masked(text: str, start: str | None, end: str | None) -> str:
    """``text`` with the number words it starts with (after any words before them,
    "remaining 8888 1881") masked as ``start``, and those it ends with as ``end`` (either may
    be None: that edge is kept)."""
    if start is None and end is None:  # nothing split here: the text as it is, unread
        return text
    words = list(_WORD.finditer(text))
    numeric = [any(c.isdigit() for c in clean(detection_form(w.group(0)))) for w in words]
    lead = next((i for i, n in enumerate(numeric) if n), 0) if start else 0
    first = next((i for i in range(lead, len(words)) if not numeric[i]), len(words))
    last = next((i for i in range(len(words) - 1, -1, -1) if not numeric[i]), -1)
    cut_start = words[first - 1].end() if start and first else 0
    cut_end = words[last + 1].start() if end and last + 1 < len(words) else len(text)
    kept = text[: words[lead].start()] if lead else ""
    if cut_start >= cut_end:  # all of it is the number
        return kept + (start or end or text)
    head = start if cut_start else ""
    tail = end if cut_end < len(text) else ""
    return f"{kept}{head}{text[cut_start:cut_end]}{tail}"
