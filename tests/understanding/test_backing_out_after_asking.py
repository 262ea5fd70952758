"""A customer who asks what a refund would cost them and then backs out has taken it back, however
the agent put the cost ("just so you know, ...") and wherever in their turn they asked."""

import pytest

from guardrail.understanding.model import AskKind, AskStatus
from guardrail.understanding.text import sentences

REFUND = AskKind.REFUND
# a refund asked, its cost told "just so you know", asked about mid-turn and told again
TOLD_THE_COST = (
    "c: The pool heater never got fixed. I want my sixty back.",
    "a: I can refund the $60. Just so you know, the loyalty stamps on that visit would go too.",
    "c: Hang on, the stamps go? I'm two off a free month.",
    "a: Yes, they come off with the refund.",
)


@pytest.mark.parametrize(
    "answer",
    ["Oh. Then no, leave it. I'd sooner keep the points.", "Nah, leave it then, cheers."],
)
def test_backing_out_after_a_question_in_the_middle_of_a_turn_takes_the_refund_back(read, answer):
    ask = read.ask(
        REFUND,
        *TOLD_THE_COST,
        f"c: {answer}",
    )
    assert ask is not None
    assert ask.status is AskStatus.RETRACTED


def test_a_question_in_the_middle_of_a_turn_then_a_yes_keeps_the_refund(read):
    ask = read.ask(
        REFUND,
        *TOLD_THE_COST,
        "c: Fine, do it anyway, I want the money.",
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        ("i mean, you know, it just stopped", "i mean it just stopped"),
        ("just so you know, it will reset", "just so you know, it will reset"),
    ],
)
def test_you_know_is_a_filler_except_where_it_tells_the_listener_something(said, kept):
    assert " ".join(s.text for s in sentences(said)) == kept


@pytest.mark.parametrize(
    "answer",
    [
        "Oh, did it? Yeah, I did have my big bag with me. Ah well, fair enough then, leave it.",
        "Right, I did use that. Okay, leave it so.",
    ],
)
def test_giving_way_then_leave_it_takes_the_refund_back(read, answer):
    ask = read.ask(
        REFUND,
        "c: I paid twelve quid for priority boarding and we all got on at once. Can I get the "
        "twelve back?",
        "a: Priority boarding also let you take a large cabin bag, included in the twelve pounds.",
        f"c: {answer}",
    )
    assert ask is not None
    assert ask.status is AskStatus.RETRACTED


def test_leave_it_said_of_where_the_money_goes_keeps_the_refund(read):
    ask = read.ask(
        REFUND,
        "c: Can I get the twelve back?",
        "a: Sure. To the card, or on the account?",
        "c: On the card please, leave it off the account.",
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED


@pytest.mark.parametrize(
    ("said", "granted"),
    [
        ("Actually, if I'm honest, it's the standing charge. It doubled.", True),
        ("Actually, because the standing charge doubled, that's why.", True),
        # near miss: "actually" that takes the ask back
        ("Actually, no, leave it open for now.", False),
    ],
)
def test_actually_opening_the_reason_takes_nothing_back(read, said, granted):
    found = read.status(
        AskKind.ACCOUNT_CLOSURE,
        "c: Hi, I want to close the shop's energy account from the end of the month.",
        "a: That's booked for the 31st. Is there anything we could have done better?",
        f"c: {said}",
    )
    assert found is not None
    assert found.granted is granted


def test_actually_after_a_yes_only_stresses_it(read):
    ask = read.ask(
        REFUND,
        "c: My retwist on Friday, it's already coming out. I'd like fifty back.",
        "c: (sister) Tell them she cut your edges too!",
        "c: She did, actually, she cut my edges without asking. Make it eighty.",
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED
    assert ask.amount == 80
