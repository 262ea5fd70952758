"""An option the customer picks is resolved against the options the agent's previous turn set
out: by its place or by what it costs, of options said as alternatives ("..., or ...") as well
as marked ones; a pick after the customer's own ask is their choice; "no, the other" to one
thing named keeps the deed on another thing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND
CLOSURE = AskKind.ACCOUNT_CLOSURE


@pytest.mark.parametrize(
    ("answer", "amount"),
    [
        ("the cheaper one", Decimal("6.75")),
        ("Smaller one please.", Decimal("6.75")),
        ("the bigger one", Decimal(31)),
    ],
)
def test_an_option_said_as_an_alternative_is_picked_by_what_it_costs(read, answer, amount):
    ask = read.ask(
        REFUND,
        "c: The courier fee got added on top of the rug.",
        "a: I can refund the 6.75 courier fee, or take the rug back and refund the 31.00 it cost."
        " Which suits?",
        f"c: {answer}",
    )
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_ACCEPTED
    assert ask.amount == amount


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        ("The first.", AskStatus.OFFERED_ACCEPTED),
        ("second one", AskStatus.OFFERED_DECLINED),
        ("the other one", AskStatus.OFFERED_DECLINED),
    ],
)
def test_an_option_said_as_an_alternative_is_picked_by_its_place(read, answer, status):
    said = (
        "c: My headphones crackle in one ear.",
        "a: I could refund you, or book them in for a repair at the shop, what works?",
        f"c: {answer}",
    )
    assert read.status(REFUND, *said) is status


def test_an_alternative_naming_only_a_thing_takes_the_deed_before_it(read):
    said = (
        "c: Two of the mugs came chipped.",
        "a: I can refund the 8.00 mug or the 14.00 jug, whichever you'd prefer?",
        "c: The second one.",
    )
    assert read.status(REFUND, *said) is AskStatus.OFFERED_ACCEPTED


CANCEL_ALL = "c: I need to cancel all of it, money's tight."
PAUSE_OR_CLOSE = (
    "a: I hear you. Two options: pause for three months at no cost, or close the account."
)


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ((CANCEL_ALL, PAUSE_OR_CLOSE, "c: shut it. the second one"), AskStatus.ASKED),
        ((CANCEL_ALL, PAUSE_OR_CLOSE, "c: The second option."), AskStatus.ASKED),
        ((CANCEL_ALL, PAUSE_OR_CLOSE, "c: the last one"), AskStatus.ASKED),
        # the other option: the account kept
        ((CANCEL_ALL, PAUSE_OR_CLOSE, "c: the first one"), AskStatus.OFFERED_DECLINED),
        # nobody asked to leave: closing stays the agent's suggestion, taken
        (
            (
                "c: The app keeps logging me out.",
                "a: Sorry. Two options: reinstall it, or close the account and we refund it.",
                "c: the second one",
            ),
            AskStatus.OFFERED_ACCEPTED,
        ),
    ],
)
def test_a_closure_picked_from_options_after_asking_to_cancel_is_the_customers_ask(
    read, said, status
):
    assert read.status(CLOSURE, *said) is status


@pytest.mark.parametrize(
    ("opening", "answer", "granted"),
    [
        ("I want to close one of my accounts please.", "No, the other one. The savings one.", True),
        ("I want to close one of my accounts please.", "no the other, mine", True),
        ("Can you tell me about my accounts?", "No, keep it.", False),  # a plain no declines
        ("Can you tell me about my accounts?", "No, leave it open.", False),
    ],
)
def test_no_the_other_to_one_account_named_corrects_which_account_not_the_closing(
    read, opening, answer, granted
):
    said = (
        f"c: {opening}",
        "a: Sure. So that's the business account you'd like closed?",
        f"c: {answer}",
    )
    assert any(a.status.granted for a in read(*said).asks_of(CLOSURE)) is granted


def test_no_the_other_to_one_refund_named_takes_no_amount_but_the_one_said(read):
    said = (
        "c: One of the two lamps flickers, I'd like my money back on it.",
        "a: Shall I refund the 40 pound floor lamp?",
        "c: No, the other. The desk one, 18 quid.",
    )
    ask = read.ask(REFUND, *said)
    assert ask is not None
    assert ask.amount != Decimal(40)


@pytest.mark.parametrize(
    "options",
    [
        "Your choices are a swap for a new one or your money back, which do you want?",
        "The options are a fresh one posted out or a full refund.",
    ],
)
def test_options_introduced_as_the_choices_are_offered_and_picked_by_place(read, options):
    said = ("c: The strap on my bag snapped.", f"a: {options}", "c: Number two please.")
    assert read.status(REFUND, *said) is AskStatus.OFFERED_ACCEPTED


def test_a_word_about_choices_that_sets_out_none_offers_nothing(read):
    said = ("c: The strap on my bag snapped.", "a: My choice is to be honest with you.", "c: ok")
    assert read.status(REFUND, *said) is None
