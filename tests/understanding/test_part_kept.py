"""A summary or offer of several things, each with its amount, taken or corrected in part
("yes but only the blue one", "no, the rug's fine... just the lamp", "just the seats") asks
for the part kept, at that part's amount: a refund of the whole is more than asked."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND


HAMPERS = (
    "c: your hampers keep turning up late",
    "a: I see two hampers delivered late: the one on the 2nd and the one on the 17th, both 44.50."
    " Shall I refund both?",
)
LOCKER = (
    "c: my locker was closed for june but you charged me",
    "a: I see fees of 15.00 taken on 1 June and 1 July. Shall I refund both?",
)


@pytest.mark.parametrize(
    ("offer", "answer", "amount"),
    [
        (HAMPERS, ("c: yes but only the 17th one",), Decimal("44.50")),
        (HAMPERS, ("c: ok, only the 17th", "c: the other one was fine"), Decimal("44.50")),
        # a no to the whole, then the part: narrowed, not declined
        (
            HAMPERS,
            ("c: no the 2nd was fine, it came the next day", "c: just the 17th"),
            Decimal("44.50"),
        ),
        (LOCKER, ("c: no july's fine", "c: just june"), Decimal("15.00")),
    ],
)
def test_an_offer_of_several_taken_in_part_asks_that_part_at_its_amount(
    read, offer, answer, amount
):
    ask = read.ask(REFUND, *offer, *answer, "a: Okay, done.")
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_ACCEPTED
    assert ask.amount == amount


@pytest.mark.parametrize(
    ("read_back", "amount"),
    [
        ("I see three seats at forty and a fifteen pound programme. All of it?", Decimal(120)),
        # the part's own amount untold: nothing set
        ("I see three seats and a programme, 135 in all. All of it?", None),
    ],
)
def test_the_things_kept_of_a_read_back_after_an_ask_set_the_amount_asked(read, read_back, amount):
    ask = read.ask(
        REFUND,
        "c: The match was called off. I want a refund.",
        f"a: {read_back}",
        "c: Just the seats. I still want the programme.",
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED
    assert ask.amount == amount


@pytest.mark.parametrize(
    "answer",
    [
        "yes please",  # the whole taken
        "yes but only if it goes back on my card",  # terms, not a part
        "yes, just do it",  # "just" names no thing listed
    ],
)
def test_an_offer_taken_whole_names_no_part(read, answer):
    ask = read.ask(REFUND, *HAMPERS, f"c: {answer}")
    assert ask is not None
    assert ask.amount != Decimal("44.50")


def test_a_no_naming_no_listed_thing_still_declines(read):
    status = read.status(REFUND, *LOCKER, "c: no just leave it, i'll use it next month")
    assert status is AskStatus.OFFERED_DECLINED


@pytest.mark.parametrize(
    "offer",
    [
        "a: Okay, I'll refund the eggs and the milk for you, that comes to $10.78.",
        "a: The eggs and the milk, that comes to $10.78. Shall I refund both?",
    ],
)
def test_a_whole_said_of_several_things_is_not_the_price_of_the_part_kept(read, offer):
    ask = read.ask(
        REFUND,
        "c: the eggs were smashed, the milk is fine, it's only the eggs i want back",
        offer,
        "c: i said the milk's fine honey just the eggs but thank you",
    )
    assert ask is not None
    assert ask.amount != Decimal("10.78")
