"""An offer answered by putting the decision off ("I'll try it tonight and then decide", "can I
speak to my husband and ring you back?", "I don't know which is better") is not taken, even when
the agent goes ahead; a refund the customer will decide on later ("decide after the weekend
whether I want to send it back") is not asked; and a deed the agent checks the customer did
("just to confirm, you cancelled on the 3rd?") is no offer of it."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "answer",
    [
        "c: I'll try again after the fix tonight and then decide.",
        "c: Hmm, I don't know which is better. Can I speak to my husband and ring you back?",
        "c: let me check with my partner, I'll get back to you tomorrow",
        "c: I'll decide after the weekend, thanks.",
    ],
)
def test_an_offer_put_off_is_not_taken_though_the_agent_goes_ahead(read, answer):
    assert not read.granted(
        REFUND,
        "c: The videos in module two won't play at all.",
        "a: I can refund the 40 for the module, or you can try again after tonight's fix.",
        answer,
        "a: I'll go ahead and process the 40 refund anyway.",
        "c: ok but I said I'd decide after",
    )


def test_an_offer_taken_by_the_money_named_against_the_voucher_still_stands(read):
    assert read.granted(
        REFUND,
        "c: The seat I paid extra for wasn't there.",
        "a: I can give you the 25 back, or a voucher for your next flight.",
        "c: Not a voucher, I'd rather have it back on my card please.",
    )


def test_deciding_later_whether_to_send_it_back_asks_nothing(read):
    assert not read.granted(
        REFUND,
        "c: The lamp is a lot dimmer than I expected.",
        "a: It takes a brighter bulb, up to 100 watts.",
        "c: Okay. I'll try a brighter bulb and decide after that whether I want to send it back.",
    )


def test_a_deed_checked_as_the_customers_own_is_no_offer(read):
    ask = read.ask(
        AskKind.CANCELLATION,
        "c: You charged me 12.99 this month.",
        "a: Just to confirm, you cancelled on March 3rd?",
        "c: yes I think so",
    )
    assert ask is None or not ask.status.granted
