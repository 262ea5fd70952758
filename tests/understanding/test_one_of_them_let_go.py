"""A take-back that points at one of several things ("don't bother with that one") and is
followed by the part kept ("just the twenty-nine") lets that part go, not the whole ask; with
no part kept after it, it still takes the ask back."""

from decimal import Decimal

from guardrail.understanding.model import AskKind, AskStatus

TWO_CHARGES = (
    "c: You charged me 42 for the lamp shade and 11 for the bulbs. I want both refunded.",
    "a: I can refund the 42 and the 11 for the bulbs.",
)


def test_one_let_go_then_the_part_kept_asks_the_part(read):
    ask = read.ask(
        AskKind.REFUND, *TWO_CHARGES, "c: Nah, never mind that one... only the forty-two."
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED
    assert ask.amount == Decimal("42")


def test_a_take_back_with_no_part_kept_after_it_still_takes_the_ask_back(read):
    ask = read.ask(AskKind.REFUND, *TWO_CHARGES, "c: Nah, don't bother. I'll live with it.")
    assert ask is not None
    assert ask.status is AskStatus.RETRACTED
