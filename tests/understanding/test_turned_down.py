"""An offer of money turned down with its amount said again as what it is ("nah, you're
alright, it's eighteen quid") is turned down; a no naming another amount still haggles ("no,
thirty, not twenty")."""

import pytest

from guardrail.understanding.model import SURE, AskKind, AskStatus

REFUND = AskKind.REFUND
OFFER = "a: You've also paid 12 for the spare batteries. I can refund those if you like."


@pytest.mark.parametrize(
    "answer",
    ["Nah, you're alright, it's 12 quid, not worth the bother.",
     "No, it's only twelve pounds, leave it.",
     "Nope, 12 dollars is nothing, keep it."],
)  # fmt: skip
def test_a_no_that_names_the_amount_offered_again_turns_it_down(read, answer):
    ask = read.ask(REFUND, "c: I've sent the alarm back.", OFFER, f"c: {answer}")
    assert ask is not None
    assert (ask.status, ask.confidence >= SURE) == (AskStatus.OFFERED_DECLINED, True)


def test_a_no_that_names_another_amount_takes_the_offer_at_it(read):
    ask = read.ask(REFUND, "c: I paid 30 for batteries.", OFFER, "c: No, 30, not 12.")
    assert ask is not None
    assert (ask.status, ask.amount) == (AskStatus.OFFERED_ACCEPTED, 30)
