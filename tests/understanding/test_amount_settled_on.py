"""An amount the customer settles on after an earlier one ("a hundred and twenty back... call it
half. Sixty's fair", "that's 90... right, so sixty") is the amount asked; a later sum that only
tells what was paid, or people wanted back at a place, changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND
ASKED = (
    "c: Your cleaners were booked for three rooms and only did one.",
    "a: I'm sorry to hear that.",
    "c: I want a hundred and twenty back.",
    "a: Can I ask how you got to that?",
)
RECKONED = (
    "c: The tutor missed three sessions, so I want the three sessions back. That's, what, ninety.",
    "a: Let me check the calendar.",
    "c: Oh wait, he came on the Monday. So it's two he missed.",
    "a: Yes, two missed sessions.",
)


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        ((*ASKED, "c: Well, the bathroom's small. Call it half. Sixty. Sixty's fair."), "60"),
        ((*ASKED, "c: Hm. Eighty is fair, I think."), "80"),
        ((*ASKED, "c: Let's call it seventy, that seems reasonable."), "70"),
        ((*RECKONED, "c: Right, so sixty. Two sessions."), "60"),
        ((*RECKONED, "c: Okay so 60."), "60"),
        ((*ASKED, "c: Call it sixty of the hundred and eighty."), "60"),
        # near misses: a sum that tells what was paid, or what is fair of something else
        ((*ASKED, "c: The whole clean was 180."), "120"),
        ((*ASKED, "c: It cost a hundred and eighty, so a hundred and twenty is fair."), "120"),
        ((*ASKED, "c: Right, so I paid 180 and got a third of the job."), "120"),
    ],
)
def test_the_amount_settled_on_last_is_the_one_asked(read, said, amount):
    ask = read.ask(REFUND, *said)
    assert ask is not None
    assert ask.amount == Decimal(amount)


@pytest.mark.parametrize(
    ("last", "asked"),
    [
        ("c: And I don't want them back out here, I'll finish it myself.", True),
        ("c: I don't want your crew back over there again.", True),
        ("c: Actually I don't want the money back, just send them again.", False),
    ],
)
def test_people_not_wanted_back_at_a_place_leave_the_refund_asked(read, last, asked):
    ask = read.ask(REFUND, *ASKED, "c: Sixty's fair.", "a: I'll get that refunded.", last)
    assert (ask is not None and ask.status.granted) is asked


TEAPOT = (
    "c: My teapot's come with a chip in the spout. I'd like my money back for it.",
    "a: Sorry! Name and postcode?",
    "c: Maureen Storr, YO21 3PU.",
)


@pytest.mark.parametrize(
    ("answer", "amount"),
    [
        ("c: Yes, the eighteen please. I'll keep the cups, they're fine.", "18"),
        ("c: That's right, the eighteen, ta.", "18"),
        # near misses: the sum said back as a question, or only repeated while putting it off
        ("c: Eighteen? Is that all it was?", None),
        ("c: Eighteen. I need to ask my husband first.", None),
    ],
)
def test_a_sum_the_agent_named_taken_by_the_customer_is_the_amount_asked(read, answer, amount):
    ask = read.ask(REFUND, *TEAPOT, "a: Thanks Maureen. The teapot, eighteen pounds.", answer)
    assert ask is not None
    assert ask.amount == (None if amount is None else Decimal(amount))


@pytest.mark.parametrize(
    ("offer", "answer", "amount"),
    [
        # the agent's lower figure taken
        (
            "The 4 lessons missed would be $60.",
            "ugh. yes ok, she did have 8. alright, sixty and we're done",
            "60",
        ),
        ("The order was twenty-three pounds forty.", "yeah that the twenty three forty", "23.40"),
        # near miss: a yes to something else, the figure said as what was paid
        ("Can I confirm the lessons were on Wednesdays?", "yes, and I paid 60 for the lot", "180"),
    ],
)
def test_the_agents_figure_taken_is_the_amount_asked(read, offer, answer, amount):
    ask = read.ask(
        REFUND,
        "c: He cancelled 4 of the 12 lessons this term. I want the term fee back, all $180.",
        f"a: I'm sorry about that. {offer}",
        f"c: {answer}",
    )
    assert ask is not None
    assert ask.amount == Decimal(amount)


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        ("c: So nineteen, not twenty-four.", "19"),
        ("c: Sorry, not twenty-four, nineteen.", "19"),
        # near miss: the amount asked said again beside one denied
        ("c: Twenty-four, not forty-two, I'm sure of it.", "24"),
    ],
)
def test_a_sum_said_beside_one_denied_replaces_the_amount_asked(read, said, amount):
    ask = read.ask(
        REFUND,
        "c: The lid came cracked. I'd like the money back for it. Twenty-four pound I think.",
        "a: Let me check that for you.",
        said,
    )
    assert ask is not None
    assert ask.amount == Decimal(amount)


@pytest.mark.parametrize(
    "offer",
    [
        "I can offer fifteen pound for the trouble.",
        "We'd like to give you £15 to make up for the wait.",
    ],
)
def test_a_sum_offered_for_the_trouble_and_taken_is_the_amount_agreed(read, offer):
    ask = read.ask(
        REFUND,
        "c: My cleaner never turned up Saturday, I waited in all morning.",
        f"a: The booking had a twenty-five pound fee. {offer}",
        "c: Fifteen's fine, love. Just make sure someone comes next week.",
        "a: I'll rebook you for Saturday and put the refund through now.",
    )
    assert ask is not None
    assert ask.status.granted
    assert ask.amount == Decimal(15)


def test_a_sum_the_customer_paid_for_the_wait_is_no_offer(read):
    ask = read.ask(
        REFUND,
        "c: I had to pay £40 for the wait and the engineer never came.",
        "a: I'm sorry about that.",
    )
    assert ask is None
