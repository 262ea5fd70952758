"""Card numbers and SSNs disguised in a note, sent through the real proxy to the Zendesk sandbox
with the shipped pack: however a number is written (zero-width characters, other scripts'
digits, O for 0 and l for 1, combining marks, any separator, in words, percent-encoded, in
base64) or split (between two fields of one write, between two comments of one conversation),
the comment is refused by the sensitive-data rule and the sandbox keeps no new comment; while ordinary notes full of order
numbers, phone numbers, dates, times and amounts still land."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guardrail.sandbox.zendesk.seed import ACME_ORG, ACME_TICKET, ACME_USER
from guardrail.testing import Stack
from guardrail.understanding.disguise import detection_form
from guardrail.understanding.model import SURE
from guardrail.understanding.numbers import luhn, sensitive_digits
from guardrail.understanding.text import clean
from tests.helpers import ZendeskAgent

PACK = Path(__file__).parent.parent / "policies" / "zendesk-contact-center"
RULE = "card number or a social security number"

ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
SEPARATORS = [" ", "-", ".", "/", "_", "\u00a0", "\u2009", "\u202f", "\u3000", "\u2013",
              "\u2014", "\u2212", "\u2010", "\u00b7", "\u2022", "*", "|", "  ", " - ", "\n"]  # fmt: skip
ZEROS = [0x30, 0xFF10, 0x660, 0x6F0, 0x966, 0x9E6, 0xE50, 0x1D7CE]  # ASCII, fullwidth, scripts
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def agent(zendesk_stack: Stack) -> ZendeskAgent:
    customer = {"account_ids": [str(ACME_ORG)], "contact_ids": [str(ACME_USER)]}
    return ZendeskAgent(zendesk_stack, customer, reads=(f"/api/v2/tickets/{ACME_TICKET}.json",))


def comment(agent: ZendeskAgent, body: str, **ticket: Any) -> httpx.Response:
    return agent.write(
        "PUT",
        f"/api/v2/tickets/{ACME_TICKET}.json",
        {"ticket": {"comment": {"body": body, "public": True}, **ticket}},
    )


def comments(agent: ZendeskAgent) -> list[str]:
    return [c["body"] for c in agent.records("comment")]


# -- numbers and their disguises --------------------------------------------------------------


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


@st.composite
def encoded_cards(draw: st.DrawFn) -> str:
    """A card number percent-encoded (as in a URL) or in base64."""
    card = draw(card_numbers())
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


SLOW = settings(
    max_examples=40, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip


@SLOW
@given(number=st.one_of(disguised_cards(), disguised_ssns(), encoded_cards()))
def test_a_disguised_card_number_or_ssn_in_a_comment_is_refused_and_nothing_lands(
    zendesk_stack: Stack, number: str
) -> None:
    writer = agent(zendesk_stack)
    before = comments(writer)
    answer = comment(writer, f"Customer confirmed: {number}. Will follow up.")
    assert answer.status_code >= 400, number
    assert RULE in answer.text
    assert comments(writer) == before


@SLOW
@given(card=card_numbers(), cut=st.integers(4, 11))
def test_a_card_number_split_between_two_fields_or_two_comments_is_refused(
    zendesk_stack: Stack, card: str, cut: int
) -> None:
    writer = agent(zendesk_stack)
    head, tail = card[:cut], card[cut:]
    for subject, body in ((f"Card {head}", f"{tail} is the rest"), (tail, f"Card {head}")):
        answer = comment(writer, body, subject=subject)
        assert answer.status_code >= 400, (subject, body)
        assert RULE in answer.text
    before = comments(writer)
    comment(writer, f"First part {head}").raise_for_status()
    answer = comment(writer, f"{tail} is the rest")
    assert answer.status_code >= 400, (head, tail)
    assert RULE in answer.text
    assert len(comments(writer)) == len(before) + 1


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


@SLOW
@given(note=ordinary_notes())
def test_an_ordinary_comment_full_of_numbers_lands(zendesk_stack: Stack, note: str) -> None:
    writer = agent(zendesk_stack)
    answer = comment(writer, note)
    assert answer.status_code == 200, (note, answer.text)
    assert comments(writer)[-1] == note


@SLOW
@given(notes=st.lists(ordinary_notes(), min_size=2, max_size=4))
def test_ordinary_comments_one_after_another_all_land(
    zendesk_stack: Stack, notes: list[str]
) -> None:
    writer = agent(zendesk_stack)
    for note in notes:  # the edges of one and the next are read together: none makes a card
        answer = comment(writer, note)
        assert answer.status_code == 200, (notes, answer.text)


# -- the canonical form alone, many more examples (no stack) -----------------------------------


def card_data(text: str) -> set[str]:
    return {h.kind for h in sensitive_digits(clean(text)) if h.confidence >= SURE}


@settings(max_examples=300, deadline=None)
@given(number=st.one_of(disguised_cards(), disguised_ssns(), encoded_cards()))
def test_every_disguise_reads_back_as_card_data(number: str) -> None:
    assert card_data(detection_form(f"Customer confirmed: {number}. Will follow up.")), number


@settings(max_examples=300, deadline=None)
@given(note=ordinary_notes())
def test_the_canonical_form_finds_no_card_data_the_note_as_written_lacks(note: str) -> None:
    assert card_data(detection_form(note)) <= card_data(note), note
