"""A bare no answering a question, agreeing with the denial after it that has its own "not"
("is it the price?" - "no, it's not the price"): the problem is denied, not stated. And a thing
the customer says is not needed ("you don't need to call me back"): not done, not taken up."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Outcome, Reason


@pytest.mark.parametrize(
    "said", ["c: no it's not the money i'm just moving", "c: nah it's not about the cost at all"]
)
def test_a_no_agreeing_with_a_denial_denies_the_problem(read, said):
    reading = read("a: is it anything about the price", said)
    assert any(i.reason is Reason.BILLING and i.negated for i in reading.issues)


def test_a_no_before_a_phrase_denying_nothing_of_itself_still_states_it(read):
    assert Reason.LATE in read.reasons("a: did it come on time", "c: no it wasn't on time")


@pytest.mark.parametrize(
    "answer",
    [
        "c: oh wait it just came back on no you don't need to call me back it's working now",
        "c: hang on it's fine now you don't have to call me tomorrow",
    ],
)
def test_a_callback_said_not_needed_is_not_scheduled(read, answer):
    outcome, _ = read.outcome(
        "c: the internet's down", "a: i can have a tech call you back tomorrow", answer
    )
    assert outcome is not Outcome.CALLBACK_SCHEDULED


def test_a_callback_taken_up_is_scheduled(read):
    outcome, _ = read.outcome(
        "c: the internet's down",
        "a: i'll have a tech call you back tomorrow morning",
        "c: ok thanks that works",
    )
    assert outcome is Outcome.CALLBACK_SCHEDULED
