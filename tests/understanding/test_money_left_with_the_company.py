"""Money the customer says to leave with the company ("and a hundred as store credit", "leave
the hundred on there") is not asked back: a refund of it with the part asked is more than
asked. Money sent out is still asked ("as a credit to my card")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind, AskStatus

UMBRELLA = (
    "c: The market umbrella I bought has a snapped rib.",
    "a: I'm sorry. It was a hundred and sixty. How would you like to be refunded?",
)


@pytest.mark.parametrize(
    "last",
    [
        "c: I'd like sixty of it back on my card and a hundred as store credit.",
        "c: Sixty back to my card please, and a hundred in credit for the sun lounger.",
        "c: Put sixty back on my card and leave the hundred on the account, I'll order again.",
        "c: Sixty back please, and keep the other hundred as a voucher.",
    ],
)
def test_the_part_left_as_credit_is_not_asked_back(read, amount_judged, last):
    ask = read.ask(AskKind.REFUND, *UMBRELLA, last)
    assert ask is not None
    assert ask.amounts == (Decimal("60"),)
    assert amount_judged([*UMBRELLA, last], 160) != "passes"
    assert amount_judged([*UMBRELLA, last], 60) == "passes"


def test_a_part_in_credit_beside_a_part_back_in_one_clause_is_not_added(read):
    ask = read.ask(
        AskKind.REFUND,
        "c: The rain trousers have a split seam. Fifty for the set. Give me twenty-five back "
        "and twenty-five in credit, I'll buy the gloves with it.",
    )
    assert ask is not None
    assert max(ask.amounts) == Decimal("25")


def test_a_credit_to_the_card_is_money_back_and_is_added(read):
    ask = read.ask(
        AskKind.REFUND,
        "c: The rain trousers have a split seam. Give me twenty-five back and twenty-five as a "
        "credit to my card.",
    )
    assert ask is not None
    assert max(ask.amounts) == Decimal("50")


def test_a_balance_kept_for_later_is_not_asked_back(read):
    ask = read.ask(
        AskKind.REFUND,
        "c: I've a fair bit of credit built up on the gas over summer.",
        "a: Your account is 185 pounds in credit.",
        "c: I'd like eighty-five of it back, and leave the hundred on there for the winter.",
    )
    assert ask is not None
    assert max(ask.amounts) == Decimal("85")


@pytest.mark.parametrize(
    "confirmed",
    [
        "a: Ok, I'll pass that to accounts for a £28 credit.",
        "a: No problem, that's £28 in credit on your account then.",
        "a: Sure, I'll set up the 28 pounds as store credit.",
    ],
)
def test_the_credit_chosen_said_back_with_its_amount_is_no_money_offered(read, confirmed):
    ask = read.ask(
        AskKind.REFUND,
        "c: The ribbons came three days late and we missed the wedding order.",
        "a: Sorry about that. I can refund the £28.",
        "c: Rather not, put it as credit on the account instead, I order every week anyway.",
        confirmed,
        "c: Perfect.",
    )
    assert ask is None or ask.status is not AskStatus.OFFERED_ACCEPTED


def test_a_credit_said_to_go_to_the_card_is_money_offered(read):
    ask = read.ask(
        AskKind.REFUND,
        "c: The ribbons came three days late and we missed the wedding order.",
        "a: Sorry about that. I could do a £28 credit to your card?",
        "c: Perfect.",
    )
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_ACCEPTED
    assert ask.amount == Decimal("28")
