"""Whether the value of a phone field is a phone number, so the sensitive-data rule can leave a
phone alone and still read a card number or SSN put in its place.

The card and SSN finder (guardrail.understanding.sensitive) reads about 1 in 100 valid
international numbers as one: a 13-digit Chinese or German mobile passes the Luhn check as
often as any 13 digits do, and "+992 372 54 1224" has an SSN's grouping. A phone field's value
that is a valid number for its country (Google's libphonenumber: its country code and length,
its range within the national plan) is a phone and nothing else; any other is read as text.
To be one, the value holds only what a number is written with (digits, ``+``, spaces, dashes,
dots, parentheses, a short extension), at most the 15 digits ITU E.164 allows a number, and is
valid in international form (``+`` and its country code) or in the national form of one of
the deployment's ``regions``. No card of 14 digits or more is one (16 and more are too long, and
14 or 15 fit no country's plan as measured); an SSN is no number of the United States, which
has no 9-digit ones. What may be either: a 13-digit card number (Visa's first, no longer
issued) written with a ``+`` as a German or other ``+4x`` number. A national number of a
region not listed is text, read as the finder reads it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import phonenumbers

#: Everything a phone number may be written with, and an extension of a few digits.
_SHAPE = re.compile(
    r"\s*\+?[\d\s().\-]{4,40}?(?:\s*(?:ext\.?|extension|x|#)\s*\d{1,6})?\s*\Z", re.IGNORECASE
)
#: E.164: a number (country code and national number) has at most 15 digits; as written (a
#: national prefix, an exit code), no more either.
_E164_DIGITS = 15


def is_phone_number(text: str, regions: Sequence[str] = ()) -> bool:
    """Whether ``text`` is one valid phone number, written internationally or in the national
    form of one of ``regions`` (ISO 3166 codes, ``US``)."""
    return _is_phone(text, tuple(regions))


# Keyed by the regions as given: the sensitive-data rule asks of each of a write's texts twice
# (is it a phone, is it not), and a key made anew (the regions upper-cased) cost more than
# the answer remembered saved.
@functools.lru_cache(maxsize=4096)
def _is_phone(text: str, regions: tuple[str, ...]) -> bool:
    if not _SHAPE.match(text):
        return False
    for region in (None, *(r.upper() for r in regions)):
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        written = sum(c.isdigit() for c in text) - len(number.extension or "")
        if written <= _E164_DIGITS and phonenumbers.is_valid_number(number):
            return True
    return False


def dialled(phone: str) -> list[str]:
    """A phone number's digits as it is dialled: all of them, and without a leading country
    code ("+1 415 ..." is 415... too), each a text to join to a note."""
    digits = re.sub(r"\D", "", phone)
    if not digits:
        return []
    try:
        national = str(phonenumbers.parse(phone, None).national_number)
    except phonenumbers.NumberParseException:
        return [digits]
    return list(dict.fromkeys((digits, national)))
