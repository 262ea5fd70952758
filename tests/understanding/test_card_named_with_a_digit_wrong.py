"""A card number the note calls a card, with a digit misheard or mistyped: it fails the Luhn
check, and is the customer's card all the same. Written as a card is (in fours, an Amex's
4-6-5, one run, digit by digit) and named a payment card in the few words before it, it is
card data, found and masked; the same digits named as something else (an order, a loyalty or
gift card), or named nothing, are not. A card split between two texts with a word or two
before its rest is one where the digits joined are a card's number."""

from __future__ import annotations

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from guardrail.policy.functions import RuleFunctions
from guardrail.sinks.redact import mask_text, split_masked
from guardrail.understanding.numbers import card_number, luhn
from guardrail.understanding.sensitive import Edges, joined_chains, sensitive_kinds
from tests.conftest import card_digits_read, cards_of_every_length

from .conftest import facts

MANY = settings(max_examples=200, deadline=None)
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


@st.composite
def cards_with_a_digit_wrong(draw: st.DrawFn) -> str:
    """A card number (``cards_of_every_length``) with one digit other than it is: Luhn fails."""
    card = draw(cards_of_every_length())
    at = draw(st.integers(1, len(card) - 1))
    wrong = card[:at] + str((int(card[at]) + draw(st.integers(1, 9))) % 10) + card[at + 1 :]
    assume(not luhn(wrong))
    return wrong


def written(number: str, form: str) -> str:
    """``number`` as written in ``form``; no part of it a card's number read alone (that is
    card data named or not: ``card_number``)."""
    assume(not sensitive_kinds(f"Note {_written(number, form)}."))
    return _written(number, form)


def _written(number: str, form: str) -> str:
    if form == "amex" and len(number) == 15:
        return f"{number[:4]} {number[4:10]} {number[10:]}"
    if form == "words":
        return " ".join(WORDS[int(d)] for d in number)
    if form == "run":
        return number
    return (" " if form != "dashes" else "-").join(
        number[i : i + 4] for i in range(0, len(number), 4)
    )


FORMS = st.sampled_from(["fours", "dashes", "amex", "run", "words"])
NAMED = [
    "Customer paid by card {}.",
    "Customer card {} for the balance",
    "Visa {} declined twice",
    "Charged to {} today.",
    "Credit card number: {}",
    "Debit card is {}, customer to call back",
    "Amex {} on file",
]


@MANY
@example(number="4539128877610042", form="fours", template=NAMED[0])
@example(number="4532111122223333", form="fours", template=NAMED[1])
@given(number=cards_with_a_digit_wrong(), form=FORMS, template=st.sampled_from(NAMED))
def test_a_card_with_a_digit_wrong_named_a_card_is_found_and_masked(
    number: str, form: str, template: str
) -> None:
    note = template.format(written(number, form))
    assert "card" in sensitive_kinds(note), note
    masked = mask_text(note)
    assert number not in card_digits_read(masked), masked
    assert not sensitive_kinds(masked), masked
    assert masked.startswith(template.split("{}")[0]), masked  # what names it is kept


LOOK_ALIKES = [
    "Loyalty card {} linked to the account.",
    "Gift card {} topped up.",
    "Rewards card {} has points to spend.",
    "Paid by card, order {} shipped.",
    "Card declined. {} is the order number.",
    "Paid by card; tracking {} sent.",
    "Card on file, account {}.",
    "Card replacement request {} raised.",
    "Card fraud claim {} opened.",
    "Customer called about {} yesterday.",
]


@MANY
@given(number=cards_with_a_digit_wrong(), form=FORMS, template=st.sampled_from(LOOK_ALIKES))
def test_the_same_digits_named_as_something_else_or_nothing_are_no_card(
    number: str, form: str, template: str
) -> None:
    note = template.format(written(number, form))
    assert sensitive_kinds(note) == frozenset(), note


@pytest.mark.parametrize(
    "note",
    [
        "Paid by card on 12/03/2026, $1,234.56 for orders 40771 and 40772.",
        "Card declined; customer phone +44 20 7946 0958, call back at 10:30.",
        "Direct debit from GB29 NWBK 6016 1331 9268 19 instead of the card.",
    ],
)
def test_dates_amounts_phones_and_ibans_beside_a_card_named_are_no_card(note: str) -> None:
    assert sensitive_kinds(note) == frozenset(), note


# -- split between two texts, a word or two before its rest --------------------------------------

LEADS = ["remaining", "rest:", "cont.", "the rest", "Remaining digits"]


def split(card: str, cut: int, lead: str) -> dict[str, str]:
    fours = [card[i : i + 4] for i in range(0, len(card), 4)]
    return {
        "Subject": f"Card update {' '.join(fours[:cut])}",
        "Description": f"{lead} {' '.join(fours[cut:])} - customer to use secure form",
    }


def chained(texts: dict[str, str]) -> set[str]:
    return set().union(*(k for _, k in joined_chains([Edges.of(t) for t in texts.values()])))


@MANY
@example(card="4012888888881881", cut=2, lead="remaining")
@given(card=cards_of_every_length(), cut=st.integers(1, 3), lead=st.sampled_from(LEADS))
def test_a_card_split_between_two_texts_with_words_before_its_rest_is_found_and_masked(
    card: str, cut: int, lead: str
) -> None:
    texts = split(card, cut, lead)
    assume(not any(sensitive_kinds(t) for t in texts.values()))
    assert "card" in chained(texts), texts
    masked = split_masked(texts)
    assert card not in card_digits_read("".join(masked.values())), masked
    assert masked["Description"].startswith(f"{lead} [CARD]"), masked


@MANY
@given(card=cards_of_every_length(), cut=st.integers(1, 3), lead=st.sampled_from(LEADS))
def test_two_texts_whose_digits_joined_are_no_card_number_are_not_joined_over_words(
    card: str, cut: int, lead: str
) -> None:
    wrong = card[:-1] + str((int(card[-1]) + 1) % 10)
    assert chained(split(wrong, cut, lead)) == set()
    assert chained(split(card, cut, "order")) == set()  # the rest of another number


@MANY
@given(phone=st.text("0123456789", min_size=9, max_size=9), dollars=st.integers(10, 99))
def test_a_phone_ending_one_text_and_an_amount_after_a_word_in_the_next_are_not_joined(
    phone: str, dollars: int
) -> None:
    phone = "4" + phone
    # a card's number by chance, grouped as none
    amount = next(f"{dollars}{d}" for d in "0123456789" if card_number(f"{phone}{dollars}{d}"))
    texts = {
        "Subject": f"Call back on {phone[:3]} {phone[3:6]} {phone[6:]}",
        "Description": f"Refunded {amount} dollars.",
    }
    assert chained(texts) == set(), texts


def test_the_rule_refuses_a_named_card_with_a_digit_wrong_and_a_card_split_over_words() -> None:
    f = RuleFunctions(facts("c: hi"))
    assert f.sensitive_data("Customer paid by card 4539 1288 7761 0042.") == ["card"]
    assert f.sensitive_data("Customer card 4532 1111 2222 3333 for the balance") == ["card"]
    split = ["Card update 4012 8888", "remaining 8888 1881 - customer to use secure form"]
    assert f.sensitive_data(split) == ["card"]
    assert f.sensitive_data(["Card update 4012 8888", "remaining 8888 1882 - call back"]) == []
