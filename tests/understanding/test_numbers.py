"""Amounts read from cleaned speech and chat (guardrail.understanding.numbers)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind, FactKind
from guardrail.understanding.numbers import bare_amounts, money_in
from guardrail.understanding.text import clean


def _money(said: str) -> list[tuple[Decimal, str | None]]:
    return [(m.value, m.currency) for m in money_in(clean(said))]


@pytest.mark.parametrize(
    ("said", "value", "currency"),
    [
        ("it's a dollar forty a day", Decimal("1.40"), "USD"),
        ("they want one pound sixty for each letter", Decimal("1.60"), "GBP"),
        ("the toll went up to two euros eighty", Decimal("2.80"), "EUR"),
        ("just a buck twenty-five a text", Decimal("1.25"), "USD"),
        ("a dollar and fifteen cents a minute", Decimal("1.15"), "USD"),
        ("it only went up by a quid", Decimal(1), "GBP"),
    ],
)
def test_an_amount_of_one_or_two_said_as_a_word_with_its_money_word_is_money(said, value, currency):
    assert (value, currency) in _money(said)


@pytest.mark.parametrize(
    "said", ["grab a pound of mince on the way", "two pounds of apples", "one euro coin slot"]
)
def test_a_weight_or_a_coin_is_not_read_as_an_amount_said(said):
    assert all(value != Decimal("1.60") for value, _ in _money(said))
    assert (Decimal(2), "GBP") not in _money(said)
    assert (Decimal(1), "GBP") not in _money(said)


@pytest.mark.parametrize(
    ("said", "value", "currency"),
    [
        ("the recharge of ₹449 was taken twice", Decimal(449), "INR"),
        ("they debited Rs 1,250 for nothing", Decimal(1250), "INR"),
        ("i paid rs.75 for the sms pack", Decimal(75), "INR"),
        ("a late fee of seven hundred rupees", Decimal(700), "INR"),
        ("the R240 baggage fee", Decimal(240), "ZAR"),
        ("it came to ninety rand", Decimal(90), "ZAR"),
        ("a C$41.10 resort fee", Decimal("41.10"), "CAD"),
        ("they held A$150 as a bond", Decimal(150), "AUD"),
        ("the 60 AUD transfer fee", Decimal(60), "AUD"),
    ],
)
def test_rupees_rand_and_canadian_and_australian_dollars_are_money_in_their_currency(
    said, value, currency
):
    assert (value, currency) in _money(said)


@pytest.mark.parametrize("said", ["the droid was an R2D2", "seat R12B", "form r45x to fill in"])
def test_a_letter_r_in_a_reference_is_no_rand(said):
    assert _money(said) == []


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("they billed us 1.2k for storage", Decimal(1200)),
        ("the deposit was 3k", Decimal(3000)),
        ("charged 2.75k for the crane", Decimal(2750)),
    ],
)
def test_a_figure_written_in_thousands_in_short_is_that_many_thousand(said, value):
    assert value in [m.value for m in bare_amounts(clean(said))]


@pytest.mark.parametrize("said", ["it's done 5k miles", "a 10 km drive", "the 2k20 model"])
def test_a_distance_or_a_model_name_in_thousands_is_no_amount(said):
    assert all(m.value < 1000 for m in bare_amounts(clean(said)))


def test_a_rate_and_a_sum_in_thousands_said_in_a_call_are_facts_a_note_may_state(read):
    reading = read(
        "c: we got charged 1.6k for a tail lift nobody used",
        "a: That's forty days of storage at a pound ten a day, so the total is forty-four pounds.",
    )
    money = {f.value for f in reading.facts if f.kind is FactKind.MONEY}
    assert {"1600", "1.1", "44"} <= money


@pytest.mark.parametrize(
    ("said", "amounts"),
    [
        ("the charger number four stopped after ten minutes", []),
        ("I'll report charger four to the site team", []),
        ("I parked in bay 3 and the machine took 12", ["12"]),
        ("lane two's lights were out so I want 15 back", ["15"]),
        ("we were at table six, could you take 20 off", ["20"]),
        # a number after a thing that does not label it stays a sum
        ("the charger was 40 and it never worked", ["40"]),
        ("the parking cost 9", ["9"]),
    ],
)
def test_a_number_that_labels_a_thing_is_no_amount(said, amounts):
    assert [str(m.value) for m in bare_amounts(clean(said))] == amounts


def test_a_refund_for_a_failed_charger_session_is_not_read_as_the_chargers_number(read):
    ask = read.ask(
        AskKind.REFUND,
        "c: The session at charger four just stopped. I want the 23.40 back.",
        "a: Sorry. I'll put that through now and report charger four to the team.",
    )
    assert ask is not None
    assert ask.amount == Decimal("23.40")
