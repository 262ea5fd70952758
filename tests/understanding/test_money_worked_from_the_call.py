"""The sum asked worked out from how it is said: so many of a thing at its price, a count
times a price in an answer to an offer, a difference against a quote, a figure said as "two
fifty" settled by the same figure written with its cents, and a formal request that thanks
ahead ("I should be grateful if ... were refunded") asked, not wondered about."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind, AskStatus
from guardrail.understanding.numbers import products
from guardrail.understanding.text import clean

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    ("said", "total"),
    [
        ("just refund the two of the 6.25 ones that leaked", Decimal("12.50")),
        ("four of those $3 candles were snapped", Decimal("12")),
        ("I want back five of the eleven forty tickets", Decimal("57.00")),
    ],
)
def test_so_many_of_the_things_at_a_price_may_ask_their_product(said, total):
    assert [m.high for m in products(clean(said))] == [total]


@pytest.mark.parametrize(
    "said",
    ["I sent back 3 of the 12 mugs", "two of the 5 boxes were empty", "one of the 40 seats"],
)
def test_so_many_of_a_counted_lot_is_no_price(said):
    assert products(clean(said)) == []


def test_so_many_of_the_things_at_a_price_is_asked_at_their_product(read):
    ask = read.ask(
        REFUND,
        "c: Eight candles came and four of them were snapped in half.",
        "a: I'm sorry, those are the 4.25 ones?",
        "c: Yes. I'll keep the good ones, I only want the money back for the four of the four "
        "twenty-five ones that broke.",
    )
    assert ask is not None
    assert max(ask.amounts) == Decimal("17.00")


def test_a_count_times_a_price_answering_an_offer_is_taken_at_the_product(read):
    ask = read.ask(
        REFUND,
        "c: Two of the jars in my order were smashed, 3.80 each.",
        "a: Sorry to hear it! Want a refund for those or a replacement?",
        "c: the cash please, 2 x 3.80",
    )
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_ACCEPTED
    assert ask.amount == Decimal("7.60")


def test_a_difference_asked_against_a_quote_is_the_quote_taken_from_the_charge(read):
    ask = read.ask(
        REFUND,
        "c: The plumber quoted me 90 for the job and then I was charged 150.",
        "a: I see the invoice, sorry about that.",
        "c: I'll pay what was agreed, so give me back the difference between the quote and the "
        "bill please.",
    )
    assert ask is not None
    assert ask.amount == 60


def test_a_figure_said_as_two_numbers_is_settled_by_the_same_written_with_its_cents(read):
    ask = read.ask(
        REFUND,
        "c: the till charged me 3.40 for a carrier bag I never took",
        "a: I can see the bag charge, sorry.",
        "c: can I just get the three forty back",
    )
    assert ask is not None
    assert max(ask.amounts) == Decimal("3.40")


def test_a_figure_said_as_two_numbers_stays_open_to_hundreds_when_nothing_settles_it(read):
    ask = read.ask(REFUND, "c: can I just get the three forty back, you overcharged me")
    assert ask is not None
    assert max(ask.amounts) == 340


@pytest.mark.parametrize(
    "formal",
    [
        "I should be grateful if the three duplicate charges were refunded to my card.",
        "I would be much obliged if the deposit could be returned to me.",
        "It would be appreciated if the overpayment were credited back to my account.",
    ],
)
def test_a_formal_request_that_thanks_ahead_asks_for_the_refund(read, formal):
    ask = read.ask(
        REFUND, f"c: Dear Sir, I closed the account in May and was still billed. {formal}"
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED


def test_a_condition_about_the_world_beside_gratitude_is_still_a_condition(read):
    ask = read.ask(
        REFUND,
        "c: Thanks for your help. If the parcel never turns up, would I get a refund?",
    )
    assert ask is None or ask.status is not AskStatus.ASKED


def test_a_thing_asked_back_by_name_is_at_the_price_the_agent_just_read_for_it(read):
    ask = read.ask(
        REFUND,
        "c: Order 5521, the lamp arrived with the shade torn. The rug is lovely.",
        "a: Sorry! I see the lamp at $42.00 on that order, and the rug at $90.",
        "c: Yes. Refund the lamp please, the rug is fine.",
    )
    assert ask is not None
    assert ask.amount == 42


def test_a_thing_asked_back_that_the_agent_priced_with_nothing_near_it_names_no_price(read):
    ask = read.ask(
        REFUND,
        "c: Order 5521, the lamp arrived with the shade torn.",
        "a: Sorry! Your order total was $132.00.",
        "c: Refund the lamp please.",
    )
    assert ask is not None
    assert ask.amount != 132


def test_money_told_of_as_already_come_back_is_no_ask_and_the_rest_asked_is_what_is_left(read):
    ask = read.ask(
        REFUND,
        "c: The boat trip was called off. I paid $260 altogether and the $60 booking fee came "
        "back to my card on Monday. Can I have the rest please?",
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED
    assert ask.amount == 200


def test_the_rest_of_a_stay_is_no_money_asked(read):
    ask = read.ask(
        REFUND,
        "c: The $60 deposit came back to my card on Monday, thanks. I'll enjoy the rest of "
        "the week now.",
    )
    assert ask is None or ask.status is not AskStatus.ASKED


def test_money_asked_to_come_back_to_the_card_is_asked(read):
    ask = read.ask(
        REFUND,
        "c: You billed me for two lessons that never happened, thirty pounds. Can that come back "
        "to my card?",
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED


@pytest.mark.parametrize("answer", ["c: Just the soup back, love.", "c: Yes. That back please."])
def test_a_thing_asked_back_with_no_verb_is_asked(read, answer):
    ask = read.ask(
        REFUND, "c: The soup was sour.", "a: I see the soup at 6.50 on the order.", answer
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED


@pytest.mark.parametrize("told", ["c: The parcel came back to you.", "c: The box got sent back."])
def test_a_thing_told_of_as_come_back_is_no_ask(read, told):
    assert read.ask(REFUND, "a: How can I help?", told) is None
