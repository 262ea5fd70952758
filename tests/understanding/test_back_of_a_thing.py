"""The back of a thing ("the code on the back of the card") is no money back: not the
customer's ask, nor a refund the agent made."""

import pytest

from guardrail.understanding.model import AskKind, AskStatus, Outcome


@pytest.mark.parametrize(
    "said",
    [
        "a: I need the model number from the back of the boiler first.",
        "a: can you read me the code on the back of your card",
        "a: I'll need the serial from the back of the router, then.",
    ],
)
def test_the_back_of_a_thing_is_no_money_back_and_no_refund_made(read, said):
    understanding = read("c: the heating's off again", said, "c: ok, I'll look. still cold, mind")
    assert not understanding.asks_of(AskKind.REFUND)
    assert understanding.outcome is None or understanding.outcome.value is Outcome.NO_RESOLUTION


@pytest.mark.parametrize(
    "said", ["c: I want the forty back.", "c: can I get the deposit back", "c: I need the fee back"]
)
def test_money_wanted_back_is_still_a_refund_ask(read, said):
    ask = read.ask(AskKind.REFUND, said)
    assert ask is not None
    assert ask.status is AskStatus.ASKED
