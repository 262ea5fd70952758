"""The sum offered refused by name ("I don't want your twelve pounds"), whether in the answer
or in a turn after a first reaction to the offer, lets the money go; a refused sum beside one
the customer wants still asks for that one."""

import pytest

from guardrail.understanding.model import SURE, AskKind, AskStatus

REFUND = AskKind.REFUND
OFFER = "a: I'm sorry about the lost booking. I can refund this month's fee, the twelve pounds."


@pytest.mark.parametrize(
    "reaction",
    [
        ["c: Oh, twelve pounds. Marvellous.", "c: I don't want your twelve pounds. I want my booking found."],
        ["c: Twelve pounds.", "c: No. I'm not after the twelve pounds, I want the table I booked."],
        ["c: I don't need your 12 quid, just find my booking."],
    ],
)  # fmt: skip
def test_the_sum_offered_refused_by_name_is_no_refund(read, reaction):
    ask = read.ask(REFUND, "c: My restaurant booking vanished from your app.", OFFER, *reaction)
    assert ask is not None
    assert not ask.status.granted


def test_a_sum_refused_after_a_first_reaction_takes_the_offer_back_surely(read):
    ask = read.ask(
        REFUND,
        "c: My restaurant booking vanished from your app.",
        OFFER,
        "c: Oh, twelve pounds. Wonderful.",
        "c: No. I don't want your twelve pounds.",
    )
    assert ask is not None
    assert (ask.status, ask.confidence >= SURE) == (AskStatus.RETRACTED, True)


def test_a_sum_refused_beside_one_wanted_still_asks_for_that_one(read):
    ask = read.ask(
        REFUND,
        "c: My restaurant booking vanished from your app and I paid a 40 deposit.",
        OFFER,
        "c: Oh, twelve pounds. Wonderful.",
        "c: I don't want 12, I want the 40 deposit.",
    )
    assert ask is not None
    assert ask.status.granted
