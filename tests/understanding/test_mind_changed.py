"""A mind changed more than once ("close it... no, keep it... close it... actually keep it"):
the last choice the customer settles on is what they ask; a no that answers something else
("no, then I'd forget, please close it") does not turn down the ask after it."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import SURE, AskKind

CLOSURE = AskKind.ACCOUNT_CLOSURE
REFUND = AskKind.REFUND
BACK_AND_FORTH = (
    "c: i want to close my gym membership i never go anymore",
    "a: before i do that i can give you half price for three months if you stay",
    "c: half price hmm maybe i stay then",
    "a: okay",
    "c: no you know what close it i never go close it",
    "a: alright do you want me to go ahead and close",
)


def surely_asked(read, kind, *said):
    ask = read.ask(kind, *said)
    return ask is not None and ask.status.granted and ask.confidence >= SURE


@pytest.mark.parametrize(
    ("last", "asked"),
    [
        ("c: no okay keep it i'll take the half price don't close nothing", False),
        ("c: ugh no alright keep the membership then", False),
        ("c: hmm okay keep it", False),
        ("c: well don't close anything i'll take the offer", False),
        ("c: yes go ahead close it", True),
        ("c: yeah close it please i'm sure", True),
        ("c: no i have decided close it now please", True),
    ],
)
def test_the_last_choice_settled_on_stands_after_several_changes(read, last, asked):
    assert surely_asked(read, CLOSURE, *BACK_AND_FORTH, last) is asked


PAUSE_OFFERED = (
    "c: hello i want to close my account for the recipe app i don't cook anymore",
    "a: we can pause it for two months instead and you pay nothing meanwhile",
    "c: and after two months it charges again by itself",
    "a: yes unless you cancel",
)


@pytest.mark.parametrize(
    ("answer", "asked"),
    [
        ("c: no then i forget and you charge me no please close it", True),
        ("c: no just close it i will forget otherwise", True),
        ("c: no then close it please", True),
        ("c: no please don't close it pause is fine", False),
        ("c: no no closing it then pause it please", False),
        ("c: okay then pause it i will remember", False),
    ],
)
def test_a_no_to_the_pause_before_the_closure_plea_leaves_the_closure_asked(read, answer, asked):
    assert surely_asked(read, CLOSURE, *PAUSE_OFFERED, answer) is asked


@pytest.mark.parametrize(
    ("said", "asked"),
    [
        (
            (
                "c: the lamp came broken, refund it please",
                "a: i could send a new lamp instead",
                "c: okay a new one then",
                "c: no actually the refund, i'd rather have the money back",
            ),
            True,
        ),
        (
            (
                "c: the lamp came broken, refund it please",
                "a: i could send a new lamp instead",
                "c: no please just the refund",
            ),
            True,
        ),
        (
            (
                "c: the lamp came broken, refund it please",
                "a: i could send a new lamp instead",
                "c: no refund it. hmm actually no, forget the refund, send the new one",
            ),
            False,
        ),
    ],
)
def test_the_last_settled_choice_between_refund_and_offer_stands(read, said, asked):
    assert surely_asked(read, REFUND, *said) is asked
