"""The sum a customer works out says what they want back whole ("fourteen pounds each, so
twenty-eight in all. I'd like that refunded": 28, not the price each), and another thing the
agent offers back as well ("would you like that one back too?"), taken, adds its price to the
sum asked rather than replacing it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "said",
    [
        "c: My son missed two lessons. Each lesson is fourteen pounds, so twenty-eight in all. "
        "I would like that refunded.",
        "c: Two lessons missed at £14 each, 28 altogether. Can I have that back?",
    ],
)
def test_a_whole_worked_out_is_the_sum_asked(read, said):
    ask = read.ask(REFUND, "a: How can I help?", said)
    assert ask is not None
    assert ask.amount == Decimal(28)


@pytest.mark.parametrize(
    "said",
    [
        "c: They were fourteen pounds each, so twenty-eight in all, but I only want the broken "
        "one refunded.",
        "c: They were fourteen pounds each, so twenty-eight in all. I only want the broken one "
        "refunded.",
    ],
)
def test_one_thing_of_a_whole_worked_out_is_its_price(read, said):
    ask = read.ask(REFUND, "a: How can I help?", said)
    assert ask is not None
    assert ask.amount == Decimal(14)


def test_a_count_in_all_is_no_sum(read):
    ask = read.ask(
        REFUND, "a: Hi.", "c: I bought six mugs at £5 each, 3 in all broke. Refund please."
    )
    assert ask is not None
    assert ask.amount != Decimal(3)


def test_another_thing_offered_back_as_well_adds_its_price(read):
    ask = read.ask(
        REFUND,
        "c: my shop came this morning and there were no eggs. on the receipt tho. £3.20",
        "a: I can refund the £3.20 for the eggs, would that help?",
        "c: yes please",
        "a: Done.",
        "c: oh and the greek yoghurt's split all over the cheese. that was £2.85",
        "a: Ugh, sorry. Would you like that one back too?",
        "c: yes please, the 2.85",
    )
    assert ask.amount == Decimal("6.05")


def test_the_same_thing_offered_again_at_another_sum_replaces_it(read):
    ask = read.ask(
        REFUND,
        "c: The eggs were missing, £3.20. I'd like that back.",
        "a: I can refund £3 for them, would that help?",
        "c: yes please",
    )
    assert ask.amount == Decimal(3)


@pytest.mark.parametrize(
    "opening", ["c: While you're there.", "c: One more thing.", "c: Separately,"]
)
def test_another_thing_raised_in_a_later_turn_adds_its_sum(read, opening):
    ask = read.ask(
        REFUND,
        "c: My son missed two lessons, so twenty-eight pounds. I would like that refunded.",
        "a: I'm refunding twenty-eight pounds.",
        f"{opening} At renewal you charged the registration fee again, thirty pounds. I want "
        "that back please.",
    )
    assert ask.amount == Decimal(58)
