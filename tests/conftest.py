"""Fixtures every test may use (defined in tests.helpers), and the test tiers: each test is
``e2e`` when it starts a server, a stack or a process, else ``unit`` (``pytest -m unit`` runs
the fast tier alone)."""

from __future__ import annotations

import base64
import itertools
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import quote

import phonenumbers
import pytest
from hypothesis import assume
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from playwright.sync_api import Browser, sync_playwright

from guardrail.crm import sfid
from guardrail.understanding.disguise import detection_form
from guardrail.understanding.numbers import luhn
from guardrail.understanding.text import clean
from tests.helpers import (
    _audit_log_outside_the_tree,
    alerts,
    case_pack,
    notes_stack,
    servicenow_stack,
    tier,
    zendesk_stack,
)

__all__ = [
    "_audit_log_outside_the_tree",
    "alerts",
    "case_pack",
    "notes_stack",
    "servicenow_stack",
    "zendesk_stack",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(tier(item))


# -- a real browser for the review page tests ------------------------------------------------
# The browser is each module's, not pytest-playwright's session-wide one: while Playwright
# lives, its thread has a running event loop, and every asyncio test after the module would
# fail to start its own. pytest-playwright still supplies the launch arguments (``--headed``,
# ``--slowmo``), to which Debian's chromium is added.


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's chromium, never a browser downloaded by ``playwright install``."""
    chromium = shutil.which("chromium")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": chromium}


@pytest.fixture(scope="module")
def browser(browser_type_launch_args: dict[str, Any]) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(**browser_type_launch_args)
        yield launched
        launched.close()


# -- card numbers, SSNs and their disguises (hypothesis strategies) ---------------------------

ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
SEPARATORS = [" ", "-", ".", "/", "_", "\u00a0", "\u2009", "\u202f", "\u3000", "\u2013",
              "\u2014", "\u2212", "\u2010", "\u00b7", "\u2022", "*", "|", "  ", " - ", "\n"]  # fmt: skip
ZEROS = [0x30, 0xFF10, 0x660, 0x6F0, 0x966, 0x9E6, 0xE50, 0x1D7CE]  # ASCII, fullwidth, scripts
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


@st.composite
def card_numbers(draw: st.DrawFn) -> str:
    """A Luhn-valid card number of 15 or 16 digits."""
    length = draw(st.sampled_from([15, 16]))
    body = draw(st.sampled_from("3456")) + "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=length - 2, max_size=length - 2))
    )
    return body + next(d for d in "0123456789" if luhn(body + d))


@st.composite
def ssns(draw: st.DrawFn) -> str:
    area = draw(st.integers(1, 899).filter(lambda n: n != 666))
    return f"{area:03d}{draw(st.integers(1, 99)):02d}{draw(st.integers(1, 9999)):04d}"


@st.composite
def disguised(draw: st.DrawFn, digits: str, groups: list[int]) -> str:
    """``digits`` in ``groups``, each digit in some script or a letter standing in for it,
    with invisible characters and combining marks strewn in, the groups apart by any
    separator."""
    if draw(st.integers(0, 5)) == 0:  # spelled out in words
        return draw(st.sampled_from([" ", ", ", " \u00a0"])).join(WORDS[int(d)] for d in digits)
    zero = draw(st.sampled_from(ZEROS))
    out, at = [], 0
    separator = draw(st.sampled_from(SEPARATORS))
    for n, size in enumerate(groups):
        if n:
            out.append(separator if draw(st.booleans()) else draw(st.sampled_from(SEPARATORS)))
        for d in digits[at : at + size]:
            stand_in = {"0": "Oo", "1": "lI"}.get(d)
            if stand_in and draw(st.integers(0, 3)) == 0:
                out.append(draw(st.sampled_from(stand_in)))
            else:
                out.append(chr(zero + int(d)))
            if draw(st.integers(0, 4)) == 0:
                out.append(draw(st.sampled_from([*ZERO_WIDTH, "\u0301", "\u0332", "\u20e3"])))
        at += size
    return "".join(out)


CARD_GROUPS = {15: [[4, 6, 5], [15], [3, 4, 4, 4]], 16: [[4, 4, 4, 4], [16], [2, 6, 4, 4]]}


@st.composite
def disguised_cards(draw: st.DrawFn) -> str:
    card = draw(card_numbers())
    return draw(disguised(card, draw(st.sampled_from(CARD_GROUPS[len(card)]))))


def encoded_cards() -> st.SearchStrategy[str]:
    """A card number percent-encoded (as in a URL) or in base64."""
    return card_numbers().flatmap(encoded)


def card_disguises(card: str) -> st.SearchStrategy[str]:
    """``card`` in any of the disguises above: written oddly, percent-encoded or base64."""
    return st.one_of(*(disguised(card, g) for g in CARD_GROUPS[len(card)]), encoded(card))


@st.composite
def encoded(draw: st.DrawFn, card: str) -> str:
    """``card`` percent-encoded (as in a URL) or in base64."""
    shown = " ".join(card[i : i + 4] for i in range(0, len(card), 4))
    if draw(st.booleans()):
        return quote(shown, safe=draw(st.sampled_from(["", "/"])))
    return base64.b64encode(shown.encode()).decode()


@st.composite
def disguised_ssns(draw: st.DrawFn) -> str:
    shown = draw(disguised(draw(ssns()), [3, 2, 4]))
    spelled = shown.startswith(tuple(WORDS))  # nine words are an SSN where one is spoken of
    templates = ["SSN {}", "social security number {}"] + ([] if spelled else ["{}"])
    return draw(st.sampled_from(templates)).format(shown)


ORDINARY = [
    "Order {order} shipped on {date}; refund of ${amount} issued, call back on {phone}.",
    "Customer called at {time} on {date} about order #{order}, paid {amount} EUR.",
    "Tracking 1Z999AA1{order}, invoice INV_{year}_{order}, model X-200, ext. 4410.",
    "Ref {order} / {order2}. Phone {phone}. Due {date} {time}.",
    "Called {phone} twice, order {order} and order {order2}, total ${amount}.",
]

DATES = ["{year}-{month:02d}-{day:02d}", "{day:02d}/{month:02d}/{year}", "{day}.{month}.{year}"]
PHONES = ["(555) 123-4567", "+44 7700 900123", "555.867.5309", "+1-202-555-0143", "0800 123 456"]


@st.composite
def ordinary_notes(draw: st.DrawFn) -> str:
    year = draw(st.integers(2020, 2030))
    month, day = draw(st.integers(1, 12)), draw(st.integers(1, 28))
    return draw(st.sampled_from(ORDINARY)).format(
        order=draw(st.integers(10_000, 99_999_999)),
        order2=draw(st.integers(100, 999_999)),
        year=year,
        date=draw(st.sampled_from(DATES)).format(year=year, month=month, day=day),
        time=f"{draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}",
        amount=f"{draw(st.integers(1, 9999))}.{draw(st.integers(0, 99)):02d}",
        phone=draw(st.sampled_from(PHONES)),
    )


@st.composite
def phone_numbers(draw: st.DrawFn, national: Sequence[str] = ("US",)) -> str:
    """A valid phone number of any country, as a CRM holds one: international (E.164 or
    spaced), or national for a country of ``national``. Drawn from the country's own example
    number with its digits after the first two changed, kept when still valid."""
    region = draw(st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS)))
    kind = draw(st.sampled_from([PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE]))
    example = phonenumbers.example_number_for_type(region, kind)
    assume(example is not None)
    digits = phonenumbers.national_significant_number(example)
    tail = draw(st.text("0123456789", min_size=len(digits) - 2, max_size=len(digits) - 2))
    number = phonenumbers.parse(f"+{example.country_code}{digits[:2]}{tail}")
    assume(phonenumbers.is_valid_number(number))
    forms = [PhoneNumberFormat.E164, PhoneNumberFormat.INTERNATIONAL]
    if region in national:
        forms.append(PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, draw(st.sampled_from(forms)))


@st.composite
def cards_split_at_a_phone(draw: st.DrawFn) -> tuple[str, str, bool]:
    """(card, phone, phone_first): a card number (a scheme's first digit, Luhn-valid) one of
    whose ends is ten digits that make a valid US phone number (most cards have one), written as
    a CRM holds a phone; the rest of the card is the other end. ``phone_first``: the phone is
    the card's start (so its area code starts as a card scheme's numbers do)."""
    phone_first = draw(st.booleans())
    area = draw(st.sampled_from(["312", "415", "512", "617", "646", "212", "303", "503", "404"]))
    rest = draw(st.text("0123456789", min_size=7, max_size=7))
    number = phonenumbers.parse(f"+1{area}{rest}")
    assume(phonenumbers.is_valid_number(number))
    ten = area + rest
    length = draw(st.sampled_from([15, 16]))
    if phone_first:
        body = ten + draw(st.text("0123456789", min_size=length - 11, max_size=length - 11))
        card = body + next(d for d in "0123456789" if luhn(body + d))
    else:
        head = draw(st.sampled_from("3456")) + draw(
            st.text("0123456789", min_size=length - 12, max_size=length - 12)
        )
        card = next(c for d in "0123456789" if luhn(c := head + d + ten))
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    phone = draw(st.sampled_from([national, f"{ten[:3]}-{ten[3:6]}-{ten[6:]}", ten]))
    return card, phone, phone_first


@st.composite
def cards_of_every_length(draw: st.DrawFn) -> str:
    """A Luhn-valid card number of 14 to 19 digits with a card scheme's prefix."""
    prefix, length = draw(st.sampled_from([("4", 16), ("4", 19), ("51", 16), ("2221", 16),
                                           ("34", 15), ("37", 15), ("36", 14), ("6011", 16),
                                           ("62", 19), ("3528", 17)]))  # fmt: skip
    body = prefix + draw(st.text("0123456789", min_size=length - len(prefix) - 1,
                                 max_size=length - len(prefix) - 1))  # fmt: skip
    return body + next(d for d in "0123456789" if luhn(body + d))


def as_a_phone(digits: str) -> st.SearchStrategy[str]:
    """``digits`` written as a phone number might be: plain, in groups of four or three, with
    dashes, dots, a leading + or a country code."""
    fours = [digits[i : i + 4] for i in range(0, len(digits), 4)]
    threes = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return st.sampled_from([
        digits, " ".join(fours), "-".join(fours), ".".join(threes), f"+{digits}",
        f"+{' '.join(fours)}", f"+1 {digits}", f"+1 {'-'.join(threes)}",
    ])  # fmt: skip


def card_digits_read(text: str) -> str:
    """Every digit ``text`` says, however written (as card-number detection reads it), in one
    string: a card number is recoverable from ``text`` when its digits are in it."""
    return re.sub(r"\D", "", clean(detection_form(text)))


#: Letters a record id holds that no finder reads as a digit (O, o, I and l stand in for 0, 1).
ID_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz"


@st.composite
def cards_in_id_shapes(draw: st.DrawFn, length: int | None = None) -> tuple[str, str]:
    """(card, value): a card number (``cards_of_every_length``) with letters added before it,
    after it or both, to the shape of a record id: 15 or 18 letters and digits (a Salesforce
    id's), or 32 lower-case hexadecimal characters (a ServiceNow sys_id's); ``length`` one of
    those, else any that holds the card."""
    card = draw(cards_of_every_length())
    size = length or draw(st.sampled_from([n for n in (15, 18, 32) if n > len(card)]))
    assume(size > len(card))
    letters = "abcdef" if size == 32 else ID_LETTERS
    pad = draw(st.text(letters, min_size=size - len(card), max_size=size - len(card)))
    cut = draw(st.integers(0, len(pad)))
    return card, f"{pad[:cut]}{card}{pad[cut:]}"


@st.composite
def glued_to_letters(draw: st.DrawFn) -> tuple[str, str, str]:
    """(digits, written, value): a card number (``cards_of_every_length``) or an SSN
    (``ssns``) written in groups (a card in fours or in runs, an SSN 3-2-4) with one separator
    or none, and letters no finder reads as digits glued to it before (or a dot after them),
    after or both, as an id, a code or a user name is spelled (``AB4111-1111-1111-1111``,
    ``X219-09-9999Y``, ``user.219-09-9999``); an SSN's groups apart
    (nine digits alone are an SSN only where one is spoken of)."""
    ssn = draw(st.booleans())
    digits = draw(ssns() if ssn else cards_of_every_length())
    cuts = [3, 5] if ssn else draw(st.sampled_from([list(range(4, len(digits), 4)),
                                                    sorted(draw(st.sets(st.integers(1, len(digits) - 1),
                                                                        max_size=4)))]))  # fmt: skip
    separator = draw(st.sampled_from(["-", " "] if ssn else ["", "-", " "]))
    bounds = [0, *cuts, len(digits)]
    written = separator.join(digits[a:b] for a, b in itertools.pairwise(bounds))
    letters = st.text(ID_LETTERS, min_size=1, max_size=6)
    before, after = draw(st.sampled_from([(True, False), (False, True), (True, True)]))
    joined = draw(st.sampled_from(["", "."]))  # a dot after a word is no boundary either
    value = (draw(letters) + joined if before else "") + written + (draw(letters) if after else "")
    return digits, written, value


@st.composite
def salesforce_ids(draw: st.DrawFn, prefix: str) -> str:
    """An 18-character Salesforce id with key prefix ``prefix`` and its checksum; where the
    prefix is digits, often one whose first fifteen characters are digits that read as a card
    number (a Case's, 500...: a finder reading it as text would find one)."""
    if prefix.isdigit() and draw(st.booleans()):
        body = prefix + draw(st.text("0123456789", min_size=11, max_size=11))
        id15 = body + next(d for d in "0123456789" if luhn(body + d))
    else:
        alphabet = "0123456789" + ID_LETTERS + "OoIl"
        id15 = prefix + draw(st.text(alphabet, min_size=12, max_size=12))
    return sfid.to18(id15)


def sys_ids() -> st.SearchStrategy[str]:
    """A ServiceNow sys_id: 32 hexadecimal characters, often with a card number in them."""
    return st.one_of(
        st.text("0123456789abcdef", min_size=32, max_size=32),
        cards_in_id_shapes(32).map(lambda found: found[1]),
    )
