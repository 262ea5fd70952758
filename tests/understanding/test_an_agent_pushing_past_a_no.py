"""Money the customer turned down stays turned down when the agent puts it through all the
same and the customer only lets it pass ("ok whatever as long as I get a router", "grand,
whatever"); a plain yes to it ("oh go on then, thanks") takes it. Asking for the thing itself
instead ("a new router please") turns the money down."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

DEAD = "c: My router is dead, no lights at all."
OFFER = "a: I can refund the £60 instead, if you'd prefer?"


@pytest.mark.parametrize(
    "instead",
    [
        "c: I just need internet to be honest, a new router please.",
        "c: No, I need a new router.",
        "c: Can you just send me a new router?",
        "c: Could you swap it instead?",
    ],
)
def test_asking_for_the_thing_instead_turns_the_money_down(read, instead):
    ask = read.ask(AskKind.REFUND, DEAD, OFFER, instead)
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_DECLINED


@pytest.mark.parametrize("no", ["c: No thanks.", "c: I just need a new router please."])
@pytest.mark.parametrize(
    ("pushed", "let_pass"),
    [
        ("a: I'll process the £60 back for you now.", "c: ok whatever as long as I get a router"),
        ("a: I'll put the £60 through anyway.", "c: Grand, whatever."),
        ("a: I'll process the £60 back for you now.", "c: if you like"),
    ],
)
def test_money_put_through_after_a_no_and_let_pass_is_not_asked(read, no, pushed, let_pass):
    ask = read.ask(AskKind.REFUND, DEAD, OFFER, no, pushed, let_pass)
    assert ask is None or ask.status not in (AskStatus.ASKED, AskStatus.OFFERED_ACCEPTED)


@pytest.mark.parametrize(
    "taken", ["c: Oh go on then, thanks!", "c: Well, sixty's sixty. Yeah righto, I'll take that."]
)
def test_money_put_through_after_a_no_and_then_taken_is_taken(read, taken):
    ask = read.ask(
        AskKind.REFUND,
        DEAD,
        OFFER,
        "c: No thanks.",
        "a: I'll process the £60 back for you now, it's on us.",
        taken,
    )
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_ACCEPTED


def test_a_new_offer_after_a_no_taken_grudgingly_is_taken(read):
    ask = read.ask(
        AskKind.REFUND,
        "c: The lamp came a week late.",
        "a: Would you like 20 back?",
        "c: No, it's fine.",
        "a: How about 10 then?",
        "c: I suppose.",
    )
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_ACCEPTED
