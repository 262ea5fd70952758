"""The lexical backend reads meaning, not keywords: scopes, amounts, offers, sensitive data."""

from decimal import Decimal

import pytest

from guardrail.understanding.model import (
    SURE,
    AskKind,
    AskStatus,
    Outcome,
    Reason,
    SensitiveKind,
)

REFUND = AskKind.REFUND
CLOSURE = AskKind.ACCOUNT_CLOSURE


@pytest.mark.parametrize(
    "said",
    [
        "could you just put that back on my card",
        "i want my money back",
        "Can I get $15 back for the delivery fee?",
        "you took it out of my account twice, reverse the charge please",
        "why not just refund me the $36?",
    ],
)
def test_an_indirect_ask_for_money_back_is_a_refund_ask(read, said):
    ask = read.ask(REFUND, f"c: {said}")
    assert ask is not None
    assert ask.status is AskStatus.ASKED


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ("I'm not after a refund, I just want to know where it is", AskStatus.DECLINED),
        ("i dont want a refund", AskStatus.DECLINED),
        ("If it's not here by Monday I'll want my money back.", AskStatus.HYPOTHETICAL),
        ("How long do refunds usually take?", AskStatus.QUESTION),
        ("My husband wants his account closed.", AskStatus.THIRD_PARTY),
    ],
)
def test_scopes_say_how_an_ask_stands(read, said, status):
    kind = CLOSURE if "closed" in said else REFUND
    ask = read.ask(kind, f"c: {said}")
    assert ask is not None
    assert ask.status is status
    assert not ask.status.granted


def test_a_refund_taken_back_in_a_later_turn_is_retracted(read):
    ask = read.ask(REFUND, "c: I want a refund please", "a: Sure.", "c: actually never mind")
    assert ask is not None
    assert ask.status is AskStatus.RETRACTED


def test_keeping_the_account_open_after_asking_to_cancel_is_not_a_closure(read):
    ask = read.ask(CLOSURE, "c: close my account... no, leave it open")
    assert ask is not None
    assert not ask.status.granted


def test_an_agent_offer_the_customer_accepts_is_granted_and_one_declined_is_not(read):
    offer = "a: I could refund your shipping if you like?"
    accepted = read.ask(REFUND, "c: my parcel is late", offer, "c: yes please")
    declined = read.ask(REFUND, "c: my parcel is late", offer, "c: thanks, but no need")
    assert accepted is not None
    assert accepted.status is AskStatus.OFFERED_ACCEPTED
    assert declined is not None
    assert declined.status is AskStatus.OFFERED_DECLINED


@pytest.mark.parametrize(
    ("said", "amount", "currency"),
    [
        ("can i have thirty quid back", Decimal(30), "GBP"),
        ("a fiver back would do", Decimal(5), "GBP"),
        ("refund me €15", Decimal(15), "EUR"),
        ("refund the twelve ninety nine", Decimal("12.99"), None),
        ("forty back please... actually twenty is fine", Decimal(20), None),
        ("refund me fifty euros no sorry 10 euros", Decimal(10), "EUR"),
        ("I paid $129.99, can you refund the $30 difference?", Decimal(30), "USD"),
        ("Could I get a refund of $30 for the glasses. And $35 for the jug", Decimal(65), "USD"),
    ],
)
def test_the_amount_asked_is_read_from_words_slang_and_corrections(read, said, amount, currency):
    ask = read.ask(REFUND, f"c: {said}")
    assert ask is not None
    assert (ask.amount, ask.currency) == (amount, currency)


@pytest.mark.parametrize(
    ("said", "amounts"),
    [
        ("can i have two fifty back", (Decimal("2.50"), Decimal(250))),
        ("just refund the one twenty", (Decimal("1.20"), Decimal(120))),
        ("refund the twelve ninety nine", (Decimal("12.99"),)),
        ("can i have £2.50 back", (Decimal("2.50"),)),
    ],
)
def test_an_amount_spoken_ambiguously_keeps_every_plausible_reading(read, said, amounts):
    ask = read.ask(REFUND, f"c: {said}")
    assert ask is not None
    assert ask.amounts == amounts


def test_an_amount_in_the_asking_clause_is_sure_and_one_said_elsewhere_is_not(read):
    named = read.ask(REFUND, "c: it broke, can i get $30 back please")
    paid = read.ask(REFUND, "c: i paid $30 for it, i want my money back")
    assert named is not None
    assert paid is not None
    assert named.amount_confidence >= SURE > paid.amount_confidence


def test_an_amount_in_words_joined_by_and_is_one_amount(read):
    ask = read.ask(REFUND, "c: reimburse the one hundred and twenty bucks please")
    assert ask is not None
    assert ask.amount == Decimal(120)


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        ("it turned up in bits", Reason.DAMAGED),
        ("it should have been here Tuesday", Reason.LATE),
        ("you took it out of my account twice", Reason.BILLING),
    ],
)
def test_a_reason_described_not_named_is_the_refund_reason(read, said, reason):
    ask = read.ask(REFUND, f"c: {said}, I want my money back")
    assert ask is not None
    assert ask.reason is reason


def test_a_problem_the_customer_denies_is_read_as_denied(read):
    issues = read("c: It's not broken or anything, I just don't like the colour.").issues
    assert [(i.reason, i.negated) for i in issues] == [(Reason.DAMAGED, True)]


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("my card is four one one one one one one one one one one one one one one one", "card"),
        ("card number 4111 1111 1111 1111 expiry twelve twenty six", "card"),
        ("my social is one two three four five six seven eight nine", "ssn"),
        ("ssn 219-09-9999", "ssn"),
    ],
)
def test_card_numbers_and_ssns_are_found_in_any_written_form_and_never_kept(read, said, kind):
    found = read(f"c: {said}").sensitive
    assert [s.kind for s in found] == [SensitiveKind(kind)]
    assert all(e.text in ("[CARD]", "[SSN]") for s in found for e in s.evidence)


def test_a_number_that_fails_the_luhn_check_is_not_a_card(read):
    assert read("c: my order is 4111 1111 1111 1112").sensitive == ()


def test_the_outcome_the_transcript_shows_is_read(read):
    reading = read(
        "c: my wifi keeps dropping", "a: I've reset your router.", "c: it's working now, thanks"
    )
    assert reading.outcome is not None
    assert reading.outcome.value is Outcome.RESOLVED


def test_no_outcome_is_read_from_a_call_still_going(read):
    assert read("c: my wifi keeps dropping", "a: let me check").outcome is None


def test_speech_to_text_is_read_like_chat_but_less_surely(read):
    chat = read.ask(REFUND, "c: I was charged twice. I want my money back, it was thirty quid.")
    asr = read.ask(
        REFUND,
        "c: um so yeah i i was charged twice for the the order and uh i want my money back "
        "its like thirty quid",
    )
    assert chat is not None
    assert asr is not None
    assert (asr.status, asr.amount, asr.reason) == (chat.status, chat.amount, chat.reason)
    assert asr.confidence < chat.confidence


def test_evidence_points_at_the_words_in_the_turn(read):
    said = "Hello there. Could you put that back on my card?"
    (ask,) = read(f"c: {said}").asks
    (evidence,) = ask.evidence
    assert said[evidence.start : evidence.end] == evidence.text
    assert "back on my card" in evidence.text
