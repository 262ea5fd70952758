"""How an offer of money is answered and at what amount: the offer's figure said back before
the yes ("A hundred? Well... yes"), a yes after a sound of surprise ("Ay, that would be lovely"),
a word of approval ("Splendid."), or the offer narrowed to a part ("Only the mug please.
11.99"); an offer framed by what it is ("as a goodwill gesture I can do...") or put as the
agent's wish ("I'd like to add forty on top"); a sum worked out aloud is its result ("68 less
the 10 fee, so 58")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "answer",
    [
        "c: Eighty? Well... yes. Yes please.",
        "c: Eighty. That's very kind, really.",
        "c: Oh, eighty! Yes, go on then.",
    ],
)
def test_the_offers_figure_said_back_before_the_yes_takes_it(read, answer):
    ask = read.ask(
        REFUND,
        "c: The boiler man never came on Tuesday.",
        "a: Sorry about that. I can refund the eighty call-out fee.",
        answer,
    )
    assert ask.status is AskStatus.OFFERED_ACCEPTED


@pytest.mark.parametrize(
    "answer",
    [
        "c: Eighty? No thanks, I'd rather have it fixed.",
        "c: Eighty? No, forget it, just send the engineer.",
    ],
)
def test_the_offers_figure_said_back_then_a_no_does_not_take_it(read, answer):
    ask = read.ask(
        REFUND,
        "c: The boiler man never came on Tuesday.",
        "a: Sorry about that. I can refund the eighty call-out fee.",
        answer,
    )
    assert ask.status is not AskStatus.OFFERED_ACCEPTED


@pytest.mark.parametrize(
    "answer", ["c: Ay, that would be lovely, yes please.", "c: Splendid.", "c: Marvellous, thanks."]
)
def test_a_yes_after_a_sound_of_surprise_or_a_word_of_approval_takes_the_offer(read, answer):
    ask = read.ask(
        REFUND,
        "c: The tickets for the show were never emailed.",
        "a: I'm so sorry. I'll refund the sixty pounds.",
        answer,
    )
    assert ask.status is AskStatus.OFFERED_ACCEPTED


def test_an_offer_narrowed_to_a_part_is_taken_at_the_parts_amount(read):
    ask = read.ask(
        REFUND,
        "c: The teapot came with a crack in the spout.",
        "a: Your order was the teapot 24.50, the cups 12.00 and the tray 9.50. I can refund it.",
        "c: Only the teapot please. 24.50. The rest is lovely.",
    )
    assert ask.status is AskStatus.OFFERED_ACCEPTED
    assert ask.amount == Decimal("24.50")


def test_an_offer_narrowed_to_a_part_with_no_amount_is_not_taken_at_the_whole(read):
    ask = read.ask(
        REFUND,
        "c: The teapot came with a crack in the spout.",
        "a: I can refund the whole order for you, 46.00.",
        "c: Only the teapot please, I'm keeping the rest.",
    )
    assert ask.status is not AskStatus.OFFERED_ACCEPTED or ask.amount != 46


@pytest.mark.parametrize(
    "offer",
    [
        "a: As a goodwill gesture I can do ninety less the fifteen booking fee, so seventy-five.",
        "a: By way of compensation we can do ninety less the fifteen fee, so seventy-five.",
    ],
)
def test_an_offer_framed_by_what_it_is_is_an_offer_at_its_worked_out_sum(read, offer):
    ask = read.ask(
        REFUND,
        "c: I can't make the course now, my knee's gone. Is there anything you can do?",
        offer,
        "c: Yes please, that's kind.",
    )
    assert ask.status is AskStatus.OFFERED_ACCEPTED
    assert ask.amount == 75


def test_a_gesture_said_as_done_with_no_offer_after_it_offers_nothing(read):
    ask = read.ask(
        REFUND,
        "c: I can't make the course now, my knee's gone.",
        "a: As a goodwill gesture it was refunded last week, I can see.",
        "c: Oh yes, thanks.",
    )
    assert ask is None or ask.status is not AskStatus.OFFERED_ACCEPTED


def test_more_offered_on_top_and_taken_is_the_amount_agreed(read):
    ask = read.ask(
        REFUND,
        "c: The van came five hours late. I want the forty delivery fee back.",
        "a: You'll get the forty. And I'd like to add twenty on top, so sixty in total, if"
        " that's okay with you.",
        "c: Sixty? Well... yes. Thank you.",
    )
    assert ask.status.granted
    assert max(ask.amounts) == 60


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        ("c: I paid 90, less the 15 admin fee, so 75 back please.", 75),
        ("c: It was 40 and 20 for the delivery, so 60, I want that refunded.", 60),
    ],
)
def test_a_sum_worked_out_aloud_is_asked_at_its_result(read, said, amount):
    ask = read.ask(REFUND, "a: How can I help?", said)
    assert ask.amount == amount


def test_three_amounts_that_do_not_add_up_are_no_sum_worked_out(read):
    ask = read.ask(
        REFUND, "a: How can I help?", "c: I want 75 back, the 90 one and 15 for postage."
    )
    assert ask.amount != 15


@pytest.mark.parametrize("answer", ["c: ye", "c: Ye, go on.", "c: ye pls"])
def test_a_terse_ye_takes_the_offer(read, answer):
    ask = read.ask(
        REFUND, "c: the gym charged me after I froze it", "a: Want me to refund the 20?", answer
    )
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_ACCEPTED


@pytest.mark.parametrize(
    "answer", ["c: Na, na, leave it.", "c: Naw, you're fine.", "c: Nae, leave it."]
)
def test_a_no_in_dialect_turns_the_offer_down(read, answer):
    ask = read.ask(
        REFUND, "c: the gym charged me after I froze it", "a: Want me to refund the 20?", answer
    )
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_DECLINED


def test_ye_as_you_is_no_yes(read):
    ask = read.ask(
        REFUND,
        "c: the gym charged me after I froze it",
        "a: Want me to refund the 20?",
        "c: Ye can keep your twenty, I want the freeze fixed.",
    )
    assert ask is not None
    assert ask.status is not AskStatus.OFFERED_ACCEPTED
