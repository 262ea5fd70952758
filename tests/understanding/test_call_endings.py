"""How calls end, read from what is said last: a charge that is "back on the bill" again is a
complaint, not something restored; a caller cut off mid-complaint hung up."""

import pytest

from guardrail.understanding.model import Outcome

NONE = Outcome.NO_RESOLUTION
RESOLVED = Outcome.RESOLVED


@pytest.mark.parametrize(
    "complaint",
    [
        "c: Every time you say it's gone and every time it's back on the next bill, I'm done with",
        "c: You took it off in May and it's back on my statement again.",
    ],
)
def test_a_charge_back_on_the_bill_is_no_fix_and_a_drop_after_it_is_a_hang_up(read, complaint):
    said = (
        "c: You've charged me for a second phone line again.",
        "a: I see it. Shall I get a supervisor?",
        complaint,
        "s: [caller disconnected]",
    )
    assert read.outcome(*said) == (NONE, True)


@pytest.mark.parametrize("restored", ["c: Oh, it's back on now, thank you!", "c: It's back on."])
def test_a_service_back_on_is_still_resolved(read, restored):
    said = ("c: My internet is down.", "a: I've reset the line from here.", restored)
    assert read.outcome(*said)[0] is RESOLVED


@pytest.mark.parametrize(
    "answer", ["c: Friday at ten works. Ring my mobile.", "c: Tomorrow morning suits me."]
)
def test_the_time_offered_said_to_suit_takes_the_callback(read, answer):
    said = (
        "c: Someone opened a loan in my name.",
        "a: Would you like a callback from the fraud team on Friday at 10 a.m.?",
        answer,
        "a: Booked for Friday at ten.",
    )
    assert read.outcome(*said)[0] is Outcome.CALLBACK_SCHEDULED


def test_a_time_said_not_to_suit_takes_no_callback(read):
    said = (
        "c: Someone opened a loan in my name.",
        "a: Would you like a callback from the fraud team on Friday at 10 a.m.?",
        "c: Friday's no good, I'm in court all day. I'll ring you.",
    )
    assert read.outcome(*said)[0] is not Outcome.CALLBACK_SCHEDULED


@pytest.mark.parametrize(
    "fixed", ["c: It started! Oh thank God.", "c: The van's fired up first time."]
)
def test_a_machine_that_would_not_start_starting_is_resolved(read, fixed):
    said = (
        "c: My van won't start, it just clicks.",
        "a: Try holding the key for five seconds, then turn it.",
        fixed,
    )
    assert read.outcome(*said)[0] is RESOLVED


@pytest.mark.parametrize(
    "said", ["c: It started making the noise again on Monday.", "c: It started last week."]
)
def test_a_problem_that_started_is_no_fix(read, said):
    assert (
        read.outcome("c: My van won't start, it just clicks.", "a: When did it begin?", said)[0]
        is not RESOLVED
    )


@pytest.mark.parametrize(
    "refusal",
    ["c: No, don't transfer me. I'll just pay it.", "c: Please don't put me through, it's fine."],
)
def test_asking_not_to_be_transferred_is_no_transfer(read, refusal):
    said = (
        "c: Why is there a delivery fee on my bill?",
        "a: It applies under 150 gallons. I can transfer you to billing if you want to dispute it.",
        refusal,
        "a: Okay, I've taken the payment.",
    )
    assert read.outcome(*said)[0] is not Outcome.ESCALATED


def test_asking_to_be_transferred_is_still_a_transfer(read):
    said = (
        "c: Why is there a delivery fee on my bill? Transfer me to billing.",
        "a: Okay, putting you through to billing now.",
    )
    assert read.outcome(*said)[0] is Outcome.ESCALATED


@pytest.mark.parametrize("condition", ["if I can't fix it", "if you can't wait"])
def test_a_handover_promised_if_the_agent_cannot_fix_it_is_no_escalation(read, condition):
    outcome, _ = read.outcome(
        "c: I want your manager. I paid on time!",
        f"a: Just one minute, and {condition} I'll get my manager.",
        "c: go on then",
        "a: It's the bank's delay. I've removed the fee myself.",
        "c: oh. OK, forget the manager. Thanks.",
    )
    assert outcome is not Outcome.ESCALATED
