"""A second thing's money asked after the first ask is more, not a change of mind: a problem
told since the ask (a crack found once the lateness was refunded), its sum said as another ("that's
another 18") or as one too ("twenty for that too"), or offered back as well at the sum the
customer named. The rest of a sum the agent pays in parts ("the remaining 30 once the photo
comes in") is part of what was asked, not all of it; things asked back from a pack are counted
by the price each, "the rest" kept as fine being no rest asked."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        (
            (
                "c: the express delivery came two days late, I paid 5.99 for it so I want that back",
                "a: Sorry about that, I'll refund the 5.99.",
                "c: and the lid of the casserole dish out the set of three was cracked too",
                "a: Sorry. The lid is 14 pounds on its own.",
                "c: right so 14 for the lid then",
                "a: I'll refund 14 for the lid as well.",
                "c: great, thanks",
            ),
            "19.99",
        ),
        (
            (
                "c: The kettle came dented. It was 30, I'd like that back.",
                "a: I'll refund the 30 for the kettle now.",
                "c: Oh, and the toaster has a crack down the side too. That's another 18.",
                "a: I see the toaster, 18 pounds. Do you want that back as well?",
                "c: Yes please, the 18 as well.",
            ),
            "48",
        ),
        (
            (
                "c: The jacket zip broke on the first wear. 45 back on that please.",
                "a: Sorry about that. Anything else?",
                "c: The scarf never turned up. Twenty for that too.",
            ),
            "65",
        ),
    ],
)
def test_money_for_another_thing_is_added_to_the_first(read, said, amount):
    ask = read.ask(REFUND, *said)
    assert ask is not None
    assert ask.status.granted
    assert ask.amount == Decimal(amount)


@pytest.mark.parametrize(
    "offer",
    [
        "a: I'll refund the other 30 now the photo is in.",
        "a: Photo received, so I'll refund the remaining 30.",
    ],
)
def test_the_rest_of_a_sum_paid_in_parts_leaves_the_sum_asked(read, offer):
    ask = read.ask(
        REFUND,
        "c: The rug came with a stain right across it. I paid 80, I'd like it back please.",
        "a: I can refund 50 today and the remaining 30 once you send a photo. Is that okay?",
        "c: That's okay.",
        offer,
        "c: Thanks.",
    )
    assert ask is not None
    assert ask.status.granted
    assert ask.amount == Decimal(80)


@pytest.mark.parametrize(
    "kept",
    ["the rest are fine", "the rest are all okay", "the rest look fine"],
)
def test_things_asked_back_at_their_price_each_whatever_is_kept(read, kept):
    ask = read.ask(
        REFUND,
        f"c: Four of the twelve glasses came smashed, they're 6 each. Can I get those four "
        f"refunded, {kept}.",
    )
    assert ask is not None
    assert ask.amount == Decimal(24)


def test_the_rest_asked_is_still_what_is_left(read):
    ask = read.ask(
        REFUND,
        "c: I paid 60 for the course and you refunded 20 last week. Can I get the rest back?",
    )
    assert ask is not None
    assert ask.amount == Decimal(40)
