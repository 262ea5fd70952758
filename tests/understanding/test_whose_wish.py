"""Who is speaking for whom on the customer's side of a call: a voice the transcript tags as in
the background is someone else, and where one named speaker says the account is theirs, every
other named speaker is someone else; what they ask is their wish, not the holder's request."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

CLOSURE = AskKind.ACCOUNT_CLOSURE
REFUND = AskKind.REFUND
ON_SPEAKER = (
    "c: Hi, I'm ringing for my dad, he's on speaker with me.",
    "c: (Walter) Walter Finch. It's my account, love.",
    "a: Thank you Mr Finch, you're verified. What can I do for you both?",
)


def test_a_named_speaker_beside_the_one_who_says_it_is_their_account_asks_for_themself(read):
    said = (*ON_SPEAKER, "c: (Karen) We want the gym membership account closed, he never goes.")
    assert read.status(CLOSURE, *said) is AskStatus.THIRD_PARTY


def test_the_holder_taking_up_what_the_other_speaker_asked_makes_it_their_request(read):
    said = (
        *ON_SPEAKER,
        "c: (Karen) We want the gym membership account closed, he never goes.",
        "c: (Walter) She's right, I don't. Close the account please.",
    )
    assert read.status(CLOSURE, *said) is AskStatus.ASKED


@pytest.mark.parametrize(
    ("said", "status"),
    [
        # the speaker who says they hold the account asks for themself
        (
            ("c: Fraser: I'm the account holder.", "c: Fraser: can you refund the 30 please"),
            AskStatus.ASKED,
        ),
        (
            ("c: Fraser: I'm the account holder.", "c: Isla: can you refund the 30 please"),
            AskStatus.THIRD_PARTY,
        ),
        # nobody says whose account it is: a name alone makes no one someone else
        (("c: Fraser: hello.", "c: Isla: can you refund the 30 please"), AskStatus.ASKED),
        # a stage direction is no speaker ("(laughs)")
        (
            ("c: (Fraser) It's my account.", "c: (laughs) Just refund the 30 please."),
            AskStatus.ASKED,
        ),
    ],
)
def test_only_a_speaker_named_beside_the_holder_is_someone_else(read, said, status):
    assert read.status(REFUND, *said) is status


DOUBLE_CHARGE = "c: Hi, I was charged the 45 for the locker twice this month."


@pytest.mark.parametrize(
    ("said", "status"),
    [
        (
            (
                "c: (in the background) Tell them you want the forty-five back!",
                "c: Sorry, my housemate. I only want to know which one is the real charge.",
            ),
            AskStatus.THIRD_PARTY,
        ),
        # the customer takes up what the voice said: their own ask
        (
            (
                "c: [another voice] Get the forty-five back!",
                "c: Yeah, he's right, I want the 45 back please.",
            ),
            AskStatus.ASKED,
        ),
    ],
)
def test_a_voice_in_the_background_asking_for_the_money_is_not_the_customer(read, said, status):
    assert read.status(REFUND, DOUBLE_CHARGE, *said) is status
