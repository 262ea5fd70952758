"""An answer that names each thing asked about and gives it a yes or a no ("Yes, that's the
address. The fee, no, leave it"; "The hotel, yes please. The parking, no"): the no to the
refund's own thing turns it down, whatever yes answers the agent's other question; a yes to
one of the things offered takes that part."""

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "answer",
    [
        "c: Yes, that's the address. The fee, no, leave it, I paid late.",
        "c: Yes, that's right. The surcharge - no thanks, my own fault.",
        "c: That's the one. As for the fee, no, it was my mistake.",
    ],
)
def test_a_no_to_the_refunds_own_thing_turns_it_down_beside_a_yes_elsewhere(read, answer):
    offer = (
        "a: Is it still 12 Mill Lane for the invoice? And I can refund the 8 pound late "
        "fee if you want."
    )
    ask = read.ask(REFUND, "c: I'm paying the March bill, I see a late fee on it.", offer, answer)
    assert ask is not None
    assert not ask.status.granted


def test_a_yes_to_the_refunds_own_thing_takes_it(read):
    offer = (
        "a: Is it still 12 Mill Lane for the invoice? And I can refund the 8 pound late "
        "fee if you want."
    )
    ask = read.ask(
        REFUND,
        "c: I'm paying the March bill, I see a late fee on it.",
        offer,
        "c: Yes, that's the address. The fee, yes please, I paid on time.",
    )
    assert ask is not None
    assert ask.status.granted


def test_a_yes_to_one_thing_offered_and_a_no_to_the_other_takes_that_part(read):
    ask = read.ask(
        REFUND,
        "c: You charged me 30 for parking and 90 for a hotel night I cancelled.",
        "a: I can see both, the hotel night at 90 and the parking at 30. I can refund both.",
        "c: The hotel, yes please. The parking, no, I did use it. Just the 90.",
    )
    assert ask is not None
    assert (ask.status, ask.amount) == (AskStatus.OFFERED_ACCEPTED, 90)


def test_a_no_to_a_thing_the_offer_did_not_name_does_not_turn_it_down(read):
    ask = read.ask(
        REFUND,
        "c: The kettle you sent leaks.",
        "a: Sorry about that. I can refund the 25 for the kettle if you like.",
        "c: Yes please. The receipt, no, email is fine.",
    )
    assert ask is not None
    assert ask.status.granted


def test_the_other_option_picked_by_name_takes_no_refund(read):
    ask = read.ask(
        REFUND,
        "c: The pool was shut all of June and I pay for it.",
        "a: I can either refund June's pool fee, that's 20 dollars, or give you a free month of "
        "classes, normally 35.",
        "c: Oh, the classes are better. The classes please.",
    )
    assert ask is not None
    assert not ask.status.granted
