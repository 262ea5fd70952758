"""A closure's written reason and the customer's are held together by the class of reason they
name (lexicon/leaving.yaml), not only their words: a record's label for the reason the customer
told in their own words fits; a reason they said was not it, just after naming it, does not."""

import pytest

from .conftest import reason_verdict

NEVER_GO = ("c: Cancel my gym membership please. I never go, it's been months.",)
CANT_AFFORD = ("c: I can't afford it any more, so I need to close my account.",)
WIDOWED = ("c: Please close the account. My husband passed away in March.",)
BREACH = ("c: Close my card account. After that data breach I don't trust you with my details.",)
EMIGRATING = ("c: We're emigrating to Portugal in May, so close the account from the 30th.",)
SWITCHED = ("c: I've signed up with another network, close my account please.",)
NEW_BABY = (
    "c: Please close my account. My son was born three weeks ago, I've no time for it now.",
)
PRICE_RISE = ("c: My renewal's gone up by ninety quid. Close the account, I've had enough.",)
OUTAGES = ("c: The broadband has gone down every night this month. Close my account.",)


@pytest.mark.parametrize(
    ("said", "written"),
    [(NEVER_GO, "Not using the gym"), (NEVER_GO, "Low usage"),
     (CANT_AFFORD, "Too expensive"), (CANT_AFFORD, "Financial hardship"),
     (WIDOWED, "Bereavement"), (BREACH, "Security concerns"),
     (EMIGRATING, "Relocating abroad"), (SWITCHED, "Joined a competitor"),
     (PRICE_RISE, "Renewal price too high")],
)  # fmt: skip
def test_a_label_for_the_reason_the_customer_told_in_their_own_words_fits(said, written):
    assert reason_verdict(said, written) == "fits"


@pytest.mark.parametrize(
    ("said", "written"),
    [(WIDOWED, "Found a cheaper provider"), (BREACH, "Relocating"),
     (EMIGRATING, "Premium increase"), (NEW_BABY, "Moving away"), (EMIGRATING, "Bereavement")],
)  # fmt: skip
def test_a_reason_of_another_class_than_the_customers_own_is_held_for_a_person(said, written):
    """A move, a death, a breach, a new baby: a customer who has such a reason tells it; but a
    class is read from words said in passing too, so it is never surely another reason."""
    assert reason_verdict(said, written) == "unsure"


@pytest.mark.parametrize("written", ["No longer needed", "Not using it any more", "Poor service"])
def test_what_follows_from_the_customers_reason_or_sums_it_up_is_no_contradiction(written):
    assert reason_verdict(EMIGRATING, written) != "contradicts"


def test_money_or_an_account_moved_is_no_move_of_home():
    said = ("c: Close it please, and have the money moved to my main account with the other bank.",)
    assert reason_verdict(said, "Serious illness") != "contradicts"


def test_cover_held_twice_told_in_other_words_fits_a_record_of_it_whatever_else_is_told():
    said = (
        "c: My late husband set the policy up years ago. Now my son's put the house in a trust "
        "and the trust has its own cover, so it's doubled up. Close my account please.",
    )
    assert reason_verdict(said, "Property covered by the trust's policy") == "fits"


def test_a_bill_named_in_passing_gives_no_reason_to_hold_a_record_against():
    said = ("c: Close my account please. The bill goes to my son's address from now on.",)
    assert reason_verdict(said, "Relocating") != "contradicts"


@pytest.mark.parametrize(
    "said",
    [
        "c: My phone died last week and the new one won't take your app. Close my account.",
        "c: I wasn't expecting the fee on the statement. Just close the account please.",
        "c: This is about my health insurance account. Close it please.",
    ],
)
def test_words_that_only_sound_like_a_reason_of_its_own_hold_no_record_against(said):
    """A device that died is no death, a fee not expected no baby, a health plan no illness."""
    assert reason_verdict((said,), "Relocating") != "contradicts"


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("c: We're moving to Leeds next month.", "Change in circumstances"),
        ("c: Going to Monzo. Keep my other account open though.", "Switching to competitor"),
        ("c: It's far too dear now. And make sure my details are deleted after.", "Too expensive"),
        ("c: We're moving to Bristol, so it's not an issue with you at all.", "Relocating"),
        (
            "c: The price went up, which wasn't the problem at first, but now it's too much.",
            "Price increase",
        ),
    ],
)
def test_a_reason_the_customer_gave_with_other_words_beside_it_is_never_contradicted(said, written):
    assert reason_verdict((said,), written) != "contradicts"


@pytest.mark.parametrize("written", ["Too expensive", "Price increase"])
def test_a_reason_of_another_class_than_the_problem_the_customer_gave_is_still_a_contradiction(
    written,
):
    assert reason_verdict(OUTAGES, written) == "contradicts"


def test_a_reason_the_agent_put_to_the_customer_and_they_agreed_is_theirs():
    said = (
        "c: I'm calling to close my account.",
        "a: I can see your premium went up in March. Is that the reason?",
        "c: Yes, that's exactly it.",
    )
    assert reason_verdict(said, "Premium increase") == "fits"


@pytest.mark.parametrize(
    "said",
    ["The monthly fee is not the issue honestly. I just want the account closed.",
     "I'm only moving across town. That's not really it. Please close the account.",
     "The fees I don't mind, those are fine. Close the account please."],
)  # fmt: skip
def test_a_reason_the_customer_said_was_not_it_just_after_naming_it_is_a_contradiction(said):
    written = "Moving house" if "moving" in said else "Monthly account fee"
    assert reason_verdict((f"c: {said}",), written) == "contradicts"


def test_a_tag_question_after_a_reason_does_not_deny_it():
    said = ("c: I'm moving in with my daughter in Swansea, isn't it, so close it down for me.",)
    assert reason_verdict(said, "Moving in with family") == "fits"


def test_a_fee_only_asked_about_is_no_reason_given():
    said = (
        "c: Is there a fee to close my account?",
        "a: No fee at all.",
        "c: Then close it please.",
    )
    assert reason_verdict(said, "No reason given") == "fits"
