"""A closure reason the customer said was not theirs, one the issue classes have no class for (a
move, the price), contradicts them: denied in their words or by a no to the agent's guess at it.
One they deny and then give, or only guessed at and not answered, does not."""

import pytest

from .conftest import reason_verdict

GUESSED_MOVE = (
    "c: I'd like to close my gas account.",
    "a: Of course. Is that because of the move you told us about?",
)


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ((*GUESSED_MOVE, "c: No, the flat sale collapsed. Another supplier suits me."),
         "Relocating"),
        (("c: Shut the account please. I'm not moving anywhere, I just want a change.",),
         "Moving house"),
        (("c: Close it. It's got nothing to do with the cost, I just don't use it.",),
         "Cost"),
        (("c: Yeah, I'm closing my account, I'm moving.", "a: Where to?",
          "c: Man, I'm not moving. I just say that so nobody argues."), "Moving house"),
    ],
)  # fmt: skip
def test_a_reason_the_customer_denied_contradicts_them(said, written):
    assert reason_verdict(said, written) == "contradicts"


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ((*GUESSED_MOVE, "c: Yes, we move to Derby on the fifth."), "Relocating"),
        ((*GUESSED_MOVE, "c: No, not just that, we're moving and it costs too much."),
         "Relocating"),
        (("c: Close my account, I'm emigrating in May.",), "Emigrating"),
        ((*GUESSED_MOVE, "c: Nope, the service is awful."), "Customer request"),
    ],
)  # fmt: skip
def test_a_reason_given_or_another_one_denied_is_not_contradicted(said, written):
    assert reason_verdict(said, written) != "contradicts"


def test_a_price_the_customer_cannot_afford_is_their_reason_not_one_denied():
    said = ("c: Please close my gym account, I can't afford it since the layoff.",)
    assert reason_verdict(said, "Can no longer afford the membership") != "contradicts"
    assert reason_verdict(said, "Too expensive") != "contradicts"


PRICE_NOT_SOFTWARE = (
    "c: Close my account please. You went from 20 to 35 a month without asking.",
    "a: Sorry about that. Is it just the price, or the software as well?",
    "c: Just the price. Software's good, honestly.",
)


@pytest.mark.parametrize(
    ("written", "verdict"),
    [
        ("Unhappy with the software", "contradicts"),
        ("Software issues", "contradicts"),
        ("Price increase", "fits"),
    ],
)
def test_the_thing_said_to_be_good_is_not_the_reason_and_a_price_risen_is(written, verdict):
    assert reason_verdict(PRICE_NOT_SOFTWARE, written) == verdict


@pytest.mark.parametrize(
    "said",
    [
        "c: Close it. The app's great, but it keeps crashing since the update.",
        "c: The software was fine until the update, now it keeps crashing.",
    ],
)
def test_a_thing_said_good_and_then_faulty_is_the_reason(said):
    assert reason_verdict((said,), "Unhappy with the software") == "fits"
