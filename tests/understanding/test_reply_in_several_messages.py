"""A reply typed as several messages in a row ("ah the new season is out in like 3 weeks" -
"credit is fine ill be back lol") answers an offer in the message that decides it; the customer
coming back ("ill be back") is no money going back, and a month's credit offered is credit kept."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND
OFFER = (
    "c: why did i get charged 7.99 i cancelled",
    "a: You cancelled on the 10th but the renewal went through on the 11th, our bad. I can "
    "refund the £7.99, or leave it as a month's credit?",
)


@pytest.mark.parametrize(
    "messages",
    [
        ("c: ah the new season is out in like 3 weeks", "c: credit is fine ill be back lol"),
        ("c: credit is fine ill be back lol",),
        ("c: hmm", "c: just leave it as credit"),
    ],
)
def test_credit_picked_in_a_later_message_turns_the_money_down(read, messages):
    ask = read.ask(REFUND, *OFFER, *messages)
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_DECLINED


@pytest.mark.parametrize(
    "messages",
    [
        ("c: ah ok", "c: refund pls, to my card"),
        ("c: hmm", "c: the money back pls"),
    ],
)
def test_the_money_picked_in_a_later_message_takes_it(read, messages):
    ask = read.ask(REFUND, *OFFER, *messages)
    assert ask is not None
    assert ask.status.granted
