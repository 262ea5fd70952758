"""A closure's written reason is the customer's: read with their issue classes and held
against the reason they gave; blocked only on a sure contradiction, words the reader cannot
classify never."""

from pathlib import Path

import pytest

from guardrail.model import Caller, Operation, Verdict, WriteIntent
from guardrail.pipeline import Pipeline
from guardrail.policy.functions import RuleFunctions
from guardrail.policy.loader import load_policy_set
from guardrail.understanding.written import denied_topics, read_written

from .conftest import facts, reason_verdict, turns

WITHHELD = (
    ("c: I want to close my account.", "a: Can I ask why you're leaving?",
     "c: I'd prefer not to say, thanks."),
    ("c: Close my account, no particular reason.",),
    ("c: Please shut my account down.", "a: What's prompted that?",
     "c: That's personal."),
    ("c: I want to close my broadband account.", "a: Is it the speed?",
     "c: I'm not going to get into reasons, mate. Just close it."),
    # unasked, in their own words on why
    ("c: I'd like to close my account, please.", "a: I see a note about your husband. I'm sorry.",
     "c: Thank you. But that isn't why, and I'd rather not go into the reason."),
    ("c: Please close my membership.", "a: Of course.",
     "c: I'd rather keep the reason to myself, if you don't mind."),
)  # fmt: skip
OUTAGES = ("c: The broadband has gone down every night this month. Close my account.",)
DOUBLE_BILLED = ("c: You've billed me twice for May again. I'd like my account closed.",)


@pytest.mark.parametrize("said", WITHHELD)
@pytest.mark.parametrize("written", ["Declined to give a reason", "No reason given", "None stated"])
def test_a_reason_recorded_as_not_given_fits_a_customer_who_withheld_theirs(said, written):
    assert reason_verdict(said, written) == "fits"


@pytest.mark.parametrize("said", WITHHELD)
@pytest.mark.parametrize("written", ["Overcharged on every bill", "Internet keeps dropping"])
def test_a_reason_written_for_a_customer_who_withheld_theirs_is_a_contradiction(said, written):
    assert reason_verdict(said, written) == "contradicts"


@pytest.mark.parametrize("said", WITHHELD)
def test_words_the_reader_cannot_classify_for_a_withholding_customer_are_only_held(said):
    assert reason_verdict(said, "Relocating to Lisbon") == "unsure"


@pytest.mark.parametrize(
    ("said", "written"),
    [(OUTAGES, "Broadband down most nights"), (DOUBLE_BILLED, "Double charged for May"),
     (OUTAGES, "Unhappy with the service"), (DOUBLE_BILLED, "Moving in with my sister")],
)  # fmt: skip
def test_the_customers_own_reason_a_summary_of_it_or_unclassified_words_fit(said, written):
    assert reason_verdict(said, written) == "fits"


@pytest.mark.parametrize(
    ("said", "written"),
    [(OUTAGES, "Overcharged on the last bill"), (DOUBLE_BILLED, "Internet keeps dropping")],
)  # fmt: skip
def test_a_reason_of_another_kind_than_the_one_given_is_a_contradiction(said, written):
    assert reason_verdict(said, written) == "contradicts"


PRAISED = (
    "c: Please close my account, I'm moving to Porto for work.",
    "a: Of course. Anything we could have done better?",
    "c: Honestly, the best service I've ever had. She's been wonderful.",
)
PRAISED_AND_COMPLAINED = (
    "c: The engineers were rude to me twice. Close my account.",
    "a: I'm sorry to hear that.",
    "c: The billing team were wonderful though.",
)


@pytest.mark.parametrize("written", ["Unhappy with service", "Poor service"])
def test_a_complaint_of_service_the_customer_praised_is_a_contradiction(written):
    assert reason_verdict(PRAISED, written) == "contradicts"


@pytest.mark.parametrize(
    ("said", "written"),
    [(PRAISED, "Moving abroad for work"), (PRAISED_AND_COMPLAINED, "Unhappy with service")],
)  # fmt: skip
def test_praise_contradicts_no_other_reason_nor_a_complaint_the_customer_also_made(said, written):
    assert reason_verdict(said, written) == "fits"


MOVING_IN = (
    "c: need to close my account. moving in with my partner and she's already got internet",
    "a: Would you like to tell us why you're leaving?",
    "c: like i said, moving in with my gf, she's got her own plan. nothing wrong with yours",
)


@pytest.mark.parametrize("said", [OUTAGES, MOVING_IN])
def test_a_customer_who_gave_a_reason_recorded_as_declining_one_is_only_held(said):
    assert reason_verdict(said, "Customer declined to say") == "unsure"


def test_a_customer_who_gave_none_recorded_as_declining_one_fits():
    said = ("c: Close my account please.", "a: May I ask why?", "c: I'd rather not say.")
    assert reason_verdict(said, "Customer declined to say") == "fits"


@pytest.mark.parametrize(("written", "verdict"), [("Poor service", "fits"),
    ("Fancied a change", "fits"), ("Overcharged", "unsure")])  # fmt: skip
def test_a_reason_where_the_reader_read_none_and_none_was_withheld_is_never_blocked(
    written, verdict
):
    # "fancy a change" is a reason the reader has no class for: it may be any of them, so a
    # summary fits, and a class of its own ("Overcharged") is for a person to check
    said = ("c: Close my account please.", "a: What's made you decide?",
            "c: Just fancy a change, really.")  # fmt: skip
    assert reason_verdict(said, written) == verdict


@pytest.mark.parametrize(
    "said",
    [("c: I'd rather not wait on hold again. Close my account.",),
     ("c: There's no reason I should pay for this, it never worked. Close my account.",),
     ("c: The app crashes for no reason. Please close my account.",)],
)  # fmt: skip
def test_refusing_something_else_or_no_reason_in_an_argument_is_not_withholding(said):
    reason = RuleFunctions(facts(*said)).written_reason("account closure", "Overcharged")
    assert reason["given"] != "declined"


@pytest.mark.parametrize(
    "written",
    ["Customer declined to say", "no reason given", "Reason not stated", "Did not say why",
     "Would not give a reason", "Personal reasons", "Prefers not to say"],
)  # fmt: skip
def test_a_record_of_no_reason_given_reads_as_none_given(written):
    assert read_written(written).none_given


@pytest.mark.parametrize(
    "written",
    ["No longer needed", "Reason: too expensive", "Router gave no signal", "Moving abroad"],
)  # fmt: skip
def test_a_reason_is_not_read_as_none_given(written):
    assert not read_written(written).none_given


@pytest.mark.parametrize(
    ("written", "verdict", "fix"),
    [("Overcharged on every bill", Verdict.BLOCK, "Record that the customer declined to give"),
     ("Relocating abroad", Verdict.HOLD, "Record that the customer declined to give")],
)  # fmt: skip
def test_the_pack_blocks_an_invented_closure_reason_holds_unreadable_words_and_says_the_fix(
    tmp_path, written, verdict, fix
):
    pack = Path(__file__).parents[2] / "policies/salesforce-contact-center/account-closure.yaml"
    (tmp_path / "account-closure.yaml").write_text(pack.read_text())
    policies = load_policy_set(tmp_path)
    fields = {"Status__c": "Closed", "Closure_Reason__c": written}
    intent = WriteIntent("salesforce", "Account", Operation.UPDATE, fields, record_id="001A")
    conversation = facts(*WITHHELD[0])
    decision = Pipeline(lambda: policies).evaluate("salesforce", [intent], Caller(), conversation)
    (violation,) = [v for v in decision.violations if v.rule == "ClosureReasonGiven"]
    assert violation.uncertain is (verdict is Verdict.HOLD)
    assert fix in violation.message


LEAVING_FOR_SPAIN = (
    "c: I'd like to close my account.",
    "a: Sorry to hear that. Has something gone wrong?",
    "c: Not at all, your staff have been wonderful. It's not the price either, the price is "
    "fair. We're retiring to Spain.",
)


@pytest.mark.parametrize("written", ["Price too high", "Monthly fee too high", "Terrible service"])
def test_a_reason_the_customer_denied_is_a_contradiction(written):
    assert reason_verdict(LEAVING_FOR_SPAIN, written) == "contradicts"


@pytest.mark.parametrize(
    ("said", "written"),
    [(("c: It's not the money, it's that you billed me twice. Close my account.",),
      "Billed twice"),
     (("c: Close my account, your staff were never helpful.",), "Poor service"),
     (LEAVING_FOR_SPAIN, "Retiring abroad")],
)  # fmt: skip
def test_a_reason_the_customer_gave_or_only_seemed_to_deny_fits(said, written):
    assert reason_verdict(said, written) == "fits"


@pytest.mark.parametrize("written", ["N/A", "See notes", "TBC", "As discussed", "-", "Other"])
def test_a_placeholder_for_a_reason_the_customer_gave_is_a_contradiction(written):
    said = ("c: Close my account please, I'm moving to Canada in May.",)
    assert reason_verdict(said, written) == "contradicts"


@pytest.mark.parametrize("written", ["N/A", "See case notes"])
def test_a_placeholder_where_the_customer_withheld_their_reason_is_only_held(written):
    assert reason_verdict(WITHHELD[0], written) == "unsure"


@pytest.mark.parametrize(
    ("written", "placeholder"),
    [("n/a", True), ("Refer to the case notes.", True), ("?", True), ("Other provider cheaper",
     False), ("See you later, moving away", False), ("Notes app too slow", False)],
)  # fmt: skip
def test_a_record_that_only_stands_in_for_a_reason_is_a_placeholder(written, placeholder):
    assert read_written(written).placeholder is placeholder


@pytest.mark.parametrize(
    "answer",
    ["That's my business, love. Just close it.", "That's my own affair, thank you.",
     "Mind your own business, young man, and close it."],
)  # fmt: skip
def test_a_reason_kept_as_the_customers_own_business_is_withheld(answer):
    said = ("c: Close my gym membership account please.", "a: Can I ask why you're leaving?",
            f"c: {answer}")  # fmt: skip
    assert reason_verdict(said, "Overcharged on every bill") == "contradicts"
    assert reason_verdict(said, "Declined to give a reason") == "fits"


def test_a_business_account_named_is_no_reason_withheld():
    said = ("c: Close my gym membership account please.", "a: Can I ask why you're leaving?",
            "c: That's my business account, the gym's closing down.")  # fmt: skip
    reason = RuleFunctions(facts(*said)).written_reason("account closure", "Overcharged")
    assert reason["given"] != "declined"


@pytest.mark.parametrize(
    "praise",
    ["Y'all have been wonderful, truly.", "You folks have been great, honestly.",
     "Youse have been brilliant."],
)  # fmt: skip
def test_praise_of_the_company_in_any_you_contradicts_a_complaint_of_service(praise):
    said = ("c: Please close my account, the rent went up and I can't afford extras.",
            "a: Sorry to hear that. Anything we could have done better?", f"c: {praise}")  # fmt: skip
    assert reason_verdict(said, "Poor service") == "contradicts"


@pytest.mark.parametrize(
    "answer",
    ["Not really, just want it closed.", "No.", "Nope, just cancel it please.", "Nah."],
)
def test_a_bare_no_to_why_is_no_reason_given(answer):
    said = ("c: I'd like to cancel my membership please.", "a: Thanks. Any reason?",
            f"c: {answer}")  # fmt: skip
    assert reason_verdict(said, "Declined to give a reason") == "fits"
    assert reason_verdict(said, "Joined another gym") == "unsure"
    assert reason_verdict(said, "Moved to a cheaper gym") == "contradicts"  # a price, never said


@pytest.mark.parametrize(
    ("question", "answer"),
    [("Any reason? And shall I keep the savings open?", "No."),
     ("Can I ask why?", "No, it's just too expensive now.")],
)  # fmt: skip
def test_a_no_to_another_question_or_before_a_reason_withholds_nothing(question, answer):
    said = ("c: Please close my account.", f"a: {question}", f"c: {answer}")
    reason = RuleFunctions(facts(*said)).written_reason("account closure", "Overcharged")
    assert reason["given"] != "declined"


@pytest.mark.parametrize(
    "answer",
    ["Moving? No, I'm not moving anywhere, been in this house thirty years.", "Moving? No."],
)
def test_the_agents_guess_asked_back_then_denied_is_denied(answer):
    said = ("c: Close my account, I'm sick of the price rises.",
            "a: Are you moving house, by any chance?", f"c: {answer}")  # fmt: skip
    assert reason_verdict(said, "Moving house") == "contradicts"


@pytest.mark.parametrize(
    ("said", "written"),
    [
        (
            ("c: I want to close my van insurance.", "a: Have you sold the van?",
             "c: No, no, still got it. My firm's putting it on their fleet policy."),
            "Sold the van",
        ),
        (
            ("c: I want to close my savings account.", "a: Is it the interest rate?",
             "c: No, the rate's fine. We're splitting up and I want everything out."),
            "Better interest rate elsewhere",
        ),
    ],
)  # fmt: skip
def test_the_agents_guess_the_customer_said_no_to_written_as_the_reason_is_a_contradiction(
    said, written
):
    assert reason_verdict(said, written) == "contradicts"


def test_the_agents_offer_turned_down_is_no_guess_denied():
    said = (
        "c: We've sold the house. Just take me off your books entirely.",
        "a: Would you want the cover moved to your daughter's?",
        "c: Ah no, sure she has her own.",
    )
    assert reason_verdict(said, "House sold, no longer needs home cover") != "contradicts"


def test_declining_to_answer_the_agents_guess_withholds_the_reason():
    said = (
        "c: I'm ringing to close my phone account.",
        "a: Is it a price thing? Have you seen something cheaper?",
        "c: I'd rather not get into it, honestly.",
    )
    assert reason_verdict(said, "Found a cheaper deal elsewhere") == "contradicts"


@pytest.mark.parametrize("praise", ["Service has been fine, to be fair.", "Oh, never a bother."])
def test_a_service_complaint_written_for_a_customer_who_praised_the_service_is_a_contradiction(
    praise,
):
    said = (
        "c: I'm switching to a two-year fix elsewhere, close my account please.",
        "a: Have you been happy with us otherwise?",
        f"c: {praise}",
    )
    assert reason_verdict(said, "Dissatisfied with service") == "contradicts"


def test_a_customers_surname_names_no_reason():
    said = turns(
        "a: Is it the price?",
        "c: No. And it's Howard Price on the account, by the way.",
    )
    assert denied_topics(said) == {"price"}


@pytest.mark.parametrize(
    ("said", "written"),
    [(OUTAGES, "Account fees"), (OUTAGES, "Price"), (OUTAGES, "Better rate elsewhere"),
     (OUTAGES, "Competitor quote"), (DOUBLE_BILLED, "Repeated outages"),
     (DOUBLE_BILLED, "Slow speeds"), (DOUBLE_BILLED, "Poor coverage at home"),
     (DOUBLE_BILLED, "App login problems")],
)  # fmt: skip
def test_a_record_label_naming_another_kind_of_reason_is_a_contradiction(said, written):
    """A record names a reason in a label ("Account fees"), not the customer's story of it."""
    assert reason_verdict(said, written) == "contradicts"


@pytest.mark.parametrize(
    ("said", "written"),
    [(OUTAGES, "Repeated outages"), (OUTAGES, "Unreliable broadband"), (OUTAGES, "Line faults"),
     (DOUBLE_BILLED, "Billing errors"), (DOUBLE_BILLED, "Charges")],
)  # fmt: skip
def test_a_record_label_naming_the_customers_own_kind_of_reason_fits(said, written):
    assert reason_verdict(said, written) == "fits"


@pytest.mark.parametrize(
    "written",
    ["Moving in with partner who has broadband", "No longer needs mobile broadband",
     "Home charger installed", "Service no longer needed"],
)  # fmt: skip
def test_a_life_change_that_names_a_product_is_no_label_of_a_problem(written):
    assert read_written(written).reasons == frozenset()


@pytest.mark.parametrize(
    ("said", "written"),
    [("c: I'd rather not say why. It's nothing to do with the parcels, mind.", "Late deliveries"),
     ("c: The fees went up, sure, but it's not the fees. Just close it.", "Account fees"),
     ("c: Close it please. It's not the app, honestly.", "Problems with the app")],
)  # fmt: skip
def test_a_record_naming_what_the_customer_said_their_reason_was_not_is_a_contradiction(
    said, written
):
    assert reason_verdict(
        ("c: I want to close my account.", "a: May I ask why?", said), written
    ) == ("contradicts")


@pytest.mark.parametrize(
    ("said", "written"),
    [("c: There's no signal at home and I've had enough.", "No signal at home"),
     ("c: No coverage in the village, none at all. That's why.", "Poor coverage"),
     ("c: I've got a no-fee card with my bank now.", "Annual fee")],
)  # fmt: skip
def test_a_thing_said_to_be_lacking_is_the_complaint_not_a_denial_of_it(said, written):
    assert reason_verdict(
        ("c: I want to close my account.", "a: May I ask why?", said), written
    ) == ("fits")


def test_a_complaint_of_service_does_not_stand_for_a_reason_the_customer_withheld():
    said = ("c: You charged me twice for May, can that be fixed?", "a: Done, it's reversed.",
            "c: Thanks. And close my account please.", "a: May I ask why?",
            "c: I'd rather not say.")  # fmt: skip
    assert reason_verdict(said, "Poor service") == "contradicts"
    assert reason_verdict(said, "Customer declined to give a reason") == "fits"


@pytest.mark.parametrize(
    ("praised", "written"),
    [("no no, signal was always good, no problem. only i go home", "Poor signal"),
     ("Before you ask, it's not the €4.50 monthly fee, that's fine. I'm moving to Valencia.",
      "Monthly fee"),
     ("The app's great, honestly. We're just moving to one bank for everything.",
      "App problems")],
)  # fmt: skip
def test_a_reason_the_customer_spoke_well_of_is_a_contradiction(praised, written):
    said = ("c: I want to close my account, please.", "a: Was there any problem?", f"c: {praised}")
    assert reason_verdict(said, written) == "contradicts"


@pytest.mark.parametrize(
    ("said", "written"),
    [("The coverage was good until they moved the mast, now it's terrible.", "Poor coverage"),
     ("The wifi's fine but the speeds at night are awful.", "Slow speeds")],
)  # fmt: skip
def test_a_thing_spoken_well_of_then_faulted_is_still_the_reason(said, written):
    assert reason_verdict((f"c: Close my account. {said}",), written) != "contradicts"


@pytest.mark.parametrize(
    "denied",
    ["It's nothing to do with your prices, dear, you've always been very fair.",
     "It's not your prices, it's that I don't go out any more."],
)  # fmt: skip
def test_a_reason_denied_as_the_companys_own_is_a_contradiction(denied):
    said = ("c: I'd like to close my membership, please.", "a: Can I ask why?", f"c: {denied}")
    assert reason_verdict(said, "Prices too high") == "contradicts"


@pytest.mark.parametrize(
    "said",
    [
        ("c: Please close my account.", "a: Of course, one moment."),
        ("c: i want out, shut the account", "a: Okay. Anything else today?", "c: no ta"),
    ],
)
@pytest.mark.parametrize("written", ["Overcharged on every bill", "Internet keeps dropping"])
def test_a_reason_of_a_class_written_where_the_customer_gave_none_is_held_for_a_person(
    said, written
):
    # nothing of theirs to contradict it, nor to stand on: the agent's own, or a story the
    # reader missed
    assert reason_verdict(said, written) == "unsure"
