"""A customer who asked to leave and then takes a cheaper plan instead ("close my account or give
me something cheaper" - "we have a $35 plan" - "yes do the 35 one") may no longer want to
leave: never surely asked any more; one who leaves and changes a plan in the same breath
asks both."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import SURE, AskKind, AskStatus

CLOSURE = AskKind.ACCOUNT_CLOSURE


@pytest.mark.parametrize(
    "said",
    [
        ("c: my bill is 85 a month and I barely use data. close my account or give me "
         "something cheaper",
         "a: We have a $35 plan with 5GB, which would cover your usage. Want me to switch you?",
         "c: yes do the 35 one. thanks"),
        ("c: I want to talk about cancelling my membership. Sixty-nine dollars is too much.",
         "a: We do have a pool-only membership for $29 a month.",
         "c: Twenty-nine, with the sauna. That I can live with. Switch me to that."),
    ],
)  # fmt: skip
def test_leaving_then_taking_a_cheaper_plan_is_not_surely_asked(read, said):
    ask = read.ask(CLOSURE, *said)
    assert ask is not None
    assert not (ask.status.granted and ask.confidence >= SURE)


def test_the_plan_named_and_switched_to_is_a_plan_change(read):
    said = ("c: my bill is too high", "a: We have a $35 plan.", "c: ok switch me to that one")
    assert read.status(AskKind.PLAN_CHANGE, *said) is AskStatus.ASKED


def test_put_through_to_someone_is_no_plan_change(read):
    said = ("c: my bill is wrong", "a: Billing can help.", "c: ok put me through to them")
    assert read.status(AskKind.PLAN_CHANGE, *said) is None


def test_closing_after_a_cheaper_plan_was_turned_down_stays_asked(read):
    ask = read.ask(
        CLOSURE,
        "c: close my account please, it's too expensive",
        "a: We have a $35 plan. Want me to switch you?",
        "c: no thanks, just close it",
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED
    assert ask.confidence >= SURE
