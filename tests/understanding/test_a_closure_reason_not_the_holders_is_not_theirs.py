"""A closure reason is the holder's own, as they last gave it: not another speaker's on the
line, not one they took back or said they do not mind, not the agent's guess or summary they
said was not it, and not a complaint standing in for a reason of their own. Where the reading
cannot be sure, it holds."""

import pytest

from .conftest import reason_verdict

PARTNER_ON_THE_LINE = (
    "c: I need to close the boat insurance.",
    "a: Certainly. Can I ask why?",
    "c: (husband) The renewal price is a joke, that's why.",
    "c: Ignore him. We've sold the boat, there's nothing to insure.",
)


def test_a_reason_only_another_speaker_gave_is_not_the_holders():
    assert reason_verdict(PARTNER_ON_THE_LINE, "Renewal price too high") != "fits"


def test_a_withholding_taken_back_by_a_reason_is_no_withholding():
    said = (
        "c: Cancel my card account please.",
        "a: Of course. May I ask what's prompted it?",
        "c: I'd prefer not to say.",
        "a: That's fine.",
        "c: Oh, go on then. It's the fraud, twice this year, and I've lost confidence.",
    )
    assert reason_verdict(said, "Customer declined to give a reason") != "fits"
    assert reason_verdict(said, "Fraud concerns") == "fits"


@pytest.mark.parametrize(
    "said",
    [
        ("c: I've been laid off, so I have to close my gym membership.",),
        ("c: My mother passed away last month, please close her account.",),
    ],
)
def test_a_complaint_written_for_a_reason_of_their_own_is_held(said):
    assert reason_verdict(said, "Dissatisfied with service") == "unsure"


@pytest.mark.parametrize(
    ("said", "written"),
    [
        (("c: Close the gym account, I start a new job on night shifts.", "a: Anything else?",
          "c: The staff are very good, I'll miss them."), "Poor customer service"),
        (("c: My wife finds the app confusing, but that doesn't bother me. Close the account,"
          " we're banking together elsewhere.",), "App too confusing"),
        (("c: Close my streaming account. The adverts drive me mad. No, be fair, the adverts"
          " aren't so bad, I just never watch it.",), "Too many adverts"),
    ],
)  # fmt: skip
def test_a_thing_spoken_well_of_or_not_minded_after_it_is_named_is_not_the_reason(said, written):
    assert reason_verdict(said, written) == "contradicts"


def test_what_the_agent_said_that_the_customer_says_is_not_it_is_not_their_reason():
    said = (
        "c: I'm moving flat, so close my account please.",
        "a: Thanks, you're verified. So, moving flat.",
        "c: Well, that's not really it, it's only down the road. The fees have doubled.",
    )
    assert reason_verdict(said, "Moving flat") == "contradicts"
    assert reason_verdict(said, "Fees increased") == "fits"


def test_a_guess_put_as_is_that_why_and_answered_no_is_not_the_reason():
    said = (
        "c: Shut my account please.",
        "a: I notice the Harbour Street office is closing, is that why?",
        "c: No. I want a bank that pays interest.",
    )
    assert reason_verdict(said, "Harbour Street office closing") == "contradicts"


def test_a_complaint_made_by_a_customer_who_withheld_their_reason_is_not_recorded_as_it():
    said = (
        "c: Your call centre kept me waiting an hour last week. Close my account.",
        "a: Sorry about that. Was the wait the reason?",
        "c: No. I'd rather not say why.",
    )
    assert reason_verdict(said, "Long wait times") != "fits"


def test_charges_the_holder_did_not_make_are_fraud_in_their_words():
    said = ("c: there were two payments i never authorised on it, just close the account",)
    assert reason_verdict(said, "Fraud concerns") == "fits"
    assert reason_verdict(said, "Poor service") != "fits"
