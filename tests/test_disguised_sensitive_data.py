"""Card numbers and SSNs disguised in a note, sent through the real proxy to the Zendesk sandbox
with the shipped pack: however a number is written (zero-width characters, other scripts'
digits, O for 0 and l for 1, combining marks, any separator, in words, percent-encoded, in
base64) or split (between two fields of one write, between two comments of one conversation),
the comment is refused by the sensitive-data rule and the sandbox keeps no new comment; while ordinary notes full of order
numbers, phone numbers, dates, times and amounts still land."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from guardrail.cli import main
from guardrail.proxy import DECISION_ID_HEADER
from guardrail.sandbox.zendesk.seed import ACME_ORG, ACME_TICKET, ACME_USER
from guardrail.testing import Stack
from guardrail.understanding.disguise import detection_form
from guardrail.understanding.sensitive import digit_kinds
from guardrail.understanding.text import clean
from tests.conftest import (
    CARD_GROUPS,
    as_a_phone,
    card_digits_read,
    card_disguises,
    card_numbers,
    disguised_cards,
    disguised_ssns,
    encoded_cards,
    ordinary_notes,
    phone_numbers,
    ssns,
)
from tests.helpers import ZendeskAgent

PACK = Path(__file__).parent.parent / "policies" / "zendesk-contact-center"
RULE = "card number or a social security number"


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
@example(card="3000002012000006", cut=6)
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


@settings(SLOW, max_examples=15)
@given(card=card_numbers(), cut=st.integers(4, 12))
def test_a_refused_card_number_split_between_two_fields_is_kept_in_neither_field(
    zendesk_stack: Stack, card: str, cut: int
) -> None:
    head, tail = card[:cut], card[cut:]
    writer = agent(zendesk_stack)
    answer = comment(writer, f"{tail} is the rest", subject=f"Card {head}")
    assert answer.status_code >= 400, (head, tail)
    admin = f"{zendesk_stack.admin_url}/guardrail/v1"
    record = httpx.get(f"{admin}/decisions/{answer.headers[DECISION_ID_HEADER]}", timeout=10)
    history = httpx.get(f"{admin}/conversations/{writer.conversation}", timeout=10)
    for kept in (
        json.dumps([i["fields"] for i in record.json()["intents"]]),  # the audit log
        json.dumps([w["fields"] for w in history.json()["writes"]]),  # the conversation
    ):
        assert head not in card_digits_read(kept), kept
        assert tail not in card_digits_read(kept), kept


@settings(SLOW, max_examples=15)
@given(data=st.data())
def test_a_refused_disguised_card_number_is_kept_nowhere_and_the_record_replays_refused(
    zendesk_stack: Stack, capfd: pytest.CaptureFixture[str], data: st.DataObject
) -> None:
    card = data.draw(card_numbers())
    shown = data.draw(card_disguises(card))
    since = datetime.now(UTC).isoformat()
    capfd.readouterr()
    answer = comment(agent(zendesk_stack), f"Customer confirmed: {shown}. Will follow up.")
    assert answer.status_code >= 400, shown
    assert card not in card_digits_read(answer.text)  # the messages quote none of it
    decision = answer.headers[DECISION_ID_HEADER]
    admin = f"{zendesk_stack.admin_url}/guardrail/v1/decisions/{decision}"
    record = httpx.get(admin, timeout=10).json()
    assert record["decision"] == "block"
    assert card not in card_digits_read(json.dumps(record, ensure_ascii=False)), shown
    assert card not in card_digits_read(capfd.readouterr().out), shown  # the decision log

    dsn = f"sqlite:///{(zendesk_stack.directory / 'audit.db').resolve()}"
    code = main(["replay", "--since", since, "--policies", str(PACK), "--dsn", dsn, "--json"])
    lines = [json.loads(x) for x in capfd.readouterr().out.splitlines() if x.startswith("{")]
    assert code == 0, lines  # judged again from what was kept: refused for the same rules
    assert lines[-1]["replayed"] >= 1


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
    return digit_kinds(clean(text))


@settings(max_examples=300, deadline=None)
@given(number=st.one_of(disguised_cards(), disguised_ssns(), encoded_cards()))
@example(number="33 l\u200b2\u200b2\u200b2\u200b22 2222 2223")  # l for 1 before 3-2-4-like digits
def test_every_disguise_reads_back_as_card_data(number: str) -> None:
    assert card_data(detection_form(f"Customer confirmed: {number}. Will follow up.")), number


@st.composite
def letter_parted(draw: st.DrawFn) -> str:
    """A card in groups, or an SSN in its 3-2-4, with a letter (spaced or glued, or an
    ordinal's two) in at least one gap and a space, dot or dash in the others."""
    digits = draw(st.one_of(card_numbers(), st.just("219099999")))
    sizes = [3, 2, 4] if len(digits) == 9 else draw(st.sampled_from(CARD_GROUPS[len(digits)]))
    if len(sizes) == 1:
        sizes = [8, len(digits) - 8]
    groups, at = [], 0
    for size in sizes:
        groups.append(digits[at : at + size])
        at += size
    lettered = draw(st.integers(1, len(groups) - 1))
    out = groups[0]
    for n, group in enumerate(groups[1:], 1):
        gaps = ["x", " x ", "a ", " b", "th ", "nd "] if n == lettered else [" ", "-", "."]
        out += draw(st.sampled_from(gaps)) + group
    return out


@settings(max_examples=200, deadline=None)
@given(number=letter_parted())
@example(number="4000x 0000 0000 0002")
@example(number="4000th 0000 0000 0002")
def test_a_number_parted_by_a_letter_in_any_one_gap_reads_as_card_data(number: str) -> None:
    assert card_data(detection_form(f"Paid with {number} today.")), number


@pytest.mark.parametrize(
    "note",
    [
        "Call back on 415 555 0143 ext. 1234 after five.",
        "Screen is 1920x1080 at 60 Hz, box 40x30x20 cm.",
        "Logged 20261206T093000, ticket 12 of 34.",
    ],
)
def test_numbers_parted_by_letters_that_are_no_card_stay_clean(note: str) -> None:
    assert card_data(detection_form(note)) == set(), note


@settings(max_examples=300, deadline=None)
@given(note=ordinary_notes())
def test_the_canonical_form_finds_no_card_data_the_note_as_written_lacks(note: str) -> None:
    assert card_data(detection_form(note)) <= card_data(note), note


@settings(SLOW, max_examples=30)
@given(
    number=st.one_of(
        card_numbers().flatmap(as_a_phone),
        ssns().map(lambda s: f"{s[:3]}-{s[3:5]}-{s[5:]}"),
        disguised_cards(),
    ),
    phone=phone_numbers(),
)
def test_a_card_or_ssn_in_a_phone_field_is_refused_and_a_valid_phone_number_lands(
    zendesk_stack: Stack, number: str, phone: str
) -> None:
    """A phone field is read for cards and SSNs unless its value is a valid phone number: what
    a card finder would misread among real numbers lands, a card or SSN put there does not."""
    writer = agent(zendesk_stack)
    refused = writer.write("PUT", f"/api/v2/users/{ACME_USER}.json", {"user": {"phone": number}})
    assert refused.status_code == 422, number
    assert RULE in refused.text
    landed = writer.write("PUT", f"/api/v2/users/{ACME_USER}.json", {"user": {"phone": phone}})
    assert landed.status_code == 200, (phone, landed.text)
    [user] = [u for u in writer.records("user") if u["id"] == ACME_USER]
    assert user["phone"] == phone
