"""A sum said as a sentence of its own in the turn that spoke of the ask ("Forty-eight.",
"Nineteen, please.", "Twenty-six, sorry."), or the part of a price worked out at a sentence's
end ("it's a 50 lamp so 25"), is the amount the customer means, over a count or a figure the
turn named before it; a few said alone, or a sum in a sentence that says more, keeps the old
reading."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND
OPENING = (
    "c: Four of the mugs in the set came chipped.",
    "a: I'm sorry. They're $12 a mug.",
)


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        ((*OPENING, "c: Could I have all 4 back please. 48.00"), "48"),
        ((*OPENING, "c: I'm keeping the good ones. Refund the four mugs. Forty-eight."), "48"),
        (
            (
                "c: The lamp came with a cracked shade.",
                "a: Sorry about that.",
                "c: I'd like my money back for the shade, twenty-five dollars I think.",
                "a: Let me look.",
                "c: Wait, I have the receipt. The shade was nineteen. Nineteen, please.",
            ),
            "19",
        ),
        (
            (
                "c: The lamp came with a dented base.",
                "a: Sorry! Would you like a new one?",
                "c: No. Just half the money back. It is a 50 lamp so 25.",
            ),
            "25",
        ),
        # near misses: a few said alone counts, and a sum in a longer sentence tells a price
        (
            (*OPENING, "c: I'd like $20 back for two mugs. The set was 90 so 45 for each half."),
            "20",
        ),
        ((*OPENING, "c: I'd like $48 back for the mugs. 4."), "48"),
        ((*OPENING, "c: I'd like $48 back for the mugs. The set was 90 though."), "48"),
    ],
)
def test_a_sum_said_alone_after_the_ask_is_the_amount_asked(read, said, amount):
    ask = read.ask(REFUND, *said)
    assert ask is not None
    assert ask.amount == Decimal(amount)


INK = (
    "c: You sent the wrong ink cartridge.",
    "a: I'm sorry. Would you like anything back?",
    "c: I'd like the refund for it, the thirty dollars.",
    "a: Certainly.",
)


@pytest.mark.parametrize(
    ("last", "status", "amount"),
    [
        (
            "c: Oh wait, hold on, I'm on the wrong line. The ink was twenty-six. Twenty-six, sorry.",
            AskStatus.ASKED,
            Decimal(26),
        ),
        # near miss: a halt with no sum after it still takes the ask back
        ("c: Oh hold on, never mind, I'll just keep it.", AskStatus.RETRACTED, None),
    ],
)
def test_a_sum_said_alone_after_a_halt_repairs_the_ask_rather_than_taking_it_back(
    read, last, status, amount
):
    ask = read.ask(REFUND, *INK, last)
    assert ask is not None
    assert ask.status is status
    if amount is not None:
        assert ask.amount == amount
