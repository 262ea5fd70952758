"""The outcome is read as a supervisor reads it: from how the call ended, said by whom."""

import pytest

from guardrail.understanding.model import SURE, Outcome

RESOLVED = Outcome.RESOLVED
ESCALATED = Outcome.ESCALATED
REFUND = Outcome.REFUND_ISSUED
CALLBACK = Outcome.CALLBACK_SCHEDULED
NONE = Outcome.NO_RESOLUTION
START = "c: my internet keeps dropping out"


@pytest.mark.parametrize(
    ("said", "outcome"),
    [
        (("a: try it now", "c: sweet as, cheers"), RESOLVED),
        (("a: hold the dial in for ten seconds", "c: oh aye, it's come on, champion"), RESOLVED),
        (("a: flip the trip switch back up", "c: the boiler's just come back on, ta"), RESOLVED),
        (("a: I've reset the line", "c: cheers that's done it"), RESOLVED),
        (("a: can you restart the router", "c: yep sorted thanks"), RESOLVED),
        (("a: try it now", "c: oh yeah it worked thank u so much"), RESOLVED),
        (("a: try now", "c: omg you're a lifesaver"), RESOLVED),
        (("a: try again", "c: yes its back up and running now ta"), RESOLVED),
        (("a: I've re-sent the code", "c: got it now, brilliant"), RESOLVED),
        (("a: is that working for you now?", "c: yes it is"), RESOLVED),
        (("a: I've reset it", "c: that did the trick, thank you"), RESOLVED),
        (("a: the new one ships today", "c: great, that solves it"), RESOLVED),
        (
            ("a: I can book a callback from billing, Monday at ten?", "c: Ten... hmm. Ok, fine."),
            CALLBACK,
        ),
        (("a: the refund's gone through now", "c: ok thanks"), REFUND),
        (("a: you've been refunded the full 40 pounds", "c: lovely"), REFUND),
        (("a: i've processed a refund of 20 dollars to your card", "c: great"), REFUND),
        (("a: sorted for you", "c: yep the money's come through already"), REFUND),
        (("a: I'm putting you through to our billing team now", "c: ok"), ESCALATED),
        (("a: i'll pop you through to tech support", "c: cheers"), ESCALATED),
        (("a: let me get my supervisor on the line", "c: fine"), ESCALATED),
        (("a: I've raised this with our engineering team", "c: ok thanks"), ESCALATED),
        (("a: shall I transfer you to billing?", "c: yes please"), ESCALATED),
        (("a: I can't fix that from here, so I'm transferring you to billing", "c: ta"), ESCALATED),
        (("a: we can't overturn it ourselves, I'm escalating it to a manager", "c: ok"), ESCALATED),
        (("c: can you put me through to billing", "a: sure, one moment"), ESCALATED),
        (("a: I'll get someone to call you", "c: ok cheers"), CALLBACK),
        (("c: can you ring me back thursday", "a: of course, thursday it is"), CALLBACK),
        (("a: would you like us to call you back tomorrow?", "c: yes please"), CALLBACK),
        (("a: you'll get a call from an engineer within 48 hours", "c: ok"), CALLBACK),
        (("a: I've booked you a callback for 3pm", "c: great"), CALLBACK),
        (("a: I'll schedule a call from our billing team, Friday at 10", "c: fine"), CALLBACK),
        (("a: let me book you in for a callback tomorrow morning", "c: ok ta"), CALLBACK),
        (("a: that should be fixed now", "c: still not working smh"), NONE),
        (("a: try it now", "c: nope, no joy still"), NONE),
        (("a: try again", "c: that didn't work either, forget it"), NONE),
        (("a: I'm afraid there's nothing more we can do", "c: unbelievable"), NONE),
        (("a: have you tried restarting", "c: yes nothing worked, i'm done with this"), NONE),
        (("a: try now", "c: nah still dropping"), NONE),
        (("a: try now", "c: its still doing it"), NONE),
        (("a: try logging in now", "c: im in! thanks"), RESOLVED),
        (("a: ive sent a new password", "c: got it and im in now thanks"), RESOLVED),
        (("a: I'll pass this on to our complaints department", "c: thanks"), ESCALATED),
        (("a: someone from the tech team will be in touch tomorrow", "c: ok"), CALLBACK),
        (("c: just ring me back tomorrow morning", "a: will do"), CALLBACK),
        (("c: can someone call me back later", "a: no problem, I'll arrange that"), CALLBACK),
        (("a: refund done, you should see it in a few days", "c: ok cheers"), REFUND),
        (("a: I'm going to hand you over to my colleague in billing", "c: ok"), ESCALATED),
        (("c: i cant talk now can you call me back at 5", "a: sure thing"), CALLBACK),
        (("a: unfortunately that's not something we can refund", "c: right ok"), NONE),
        (("a: I've refunded the delivery charge", "c: it still doesn't fix my problem"), REFUND),
        (("a: ok i've transferred the call", "c: thanks"), ESCALATED),
        (("a: try now", "c: awesome it's up, appreciate it"), RESOLVED),
        (("a: all done mate", "c: no worries, sweet, she'll be right"), RESOLVED),
        (("a: try now", "c: ok ok its loading now thank you"), RESOLVED),
        (("a: try now", "c: nope same error"), NONE),
        (("a: try now", "c: its not working still"), NONE),
        (("a: try now", "c: nah mate its still cactus"), NONE),
        (("a: i'll get the billing team to give you a call back", "c: ok"), CALLBACK),
        (("a: you'll get the full amount back in 3 to 5 working days", "c: ok"), REFUND),
        (("a: money should be back in your account by friday", "c: great"), REFUND),
        (("a: hold please while i connect you to billing",), ESCALATED),
        (("a: ok that's gone through now", "c: yeah i can see it cheers"), RESOLVED),
        (("a: sweet as, that's all sorted for you", "c: choice, cheers bro"), RESOLVED),
        (("a: I've corrected the postcode on it", "c: got it, looks right now"), RESOLVED),
        (("a: it's under your old email, I've merged them", "c: ah there it is, thanks"), RESOLVED),
        (("a: the price went up when the offer ended", "c: oh that makes sense, ta"), RESOLVED),
        (("a: bear with me while I transfer you",), ESCALATED),
        (("a: I've raised it with our network engineers", "c: ok"), ESCALATED),
        (("a: I've sent it to our customer relations team", "c: right"), ESCALATED),
        (
            ("a: I've passed the claim to our loss adjusters team, they'll write", "c: ok"),
            ESCALATED,
        ),
        (("a: I'm forwarding the paperwork to the underwriting department", "c: fine"), ESCALATED),
        (("a: I've handed the complaint over to my supervisor", "c: thanks"), ESCALATED),
        (("a: I'm unable to waive the fee", "c: that's not good enough"), NONE),
        (("a: our policy doesn't allow that", "c: I'll be taking this further"), NONE),
    ],
)
def test_the_outcome_is_read_from_how_the_call_ended(read, said, outcome):
    reading = read(START, *said).outcome
    assert reading is not None
    assert reading.value is outcome


@pytest.mark.parametrize(
    "said",
    [
        ("a: let me check",),
        ("a: one moment please",),
        ("c: it's still not working", "a: ok, let me have a look, bear with me"),
        ("a: I've reset it", "c: still nothing", "a: can you try unplugging it for me?"),
        ("c: you said you'd ring me back and nobody did", "a: sorry, let me check"),
        ("a: that's fixed now", "c: ok", "a: can you confirm it's working for you?"),
        ("a: I'll look into where the parcel is, give me a minute", "c: ok i wait"),
        ("a: hang on while I pull up your account", "c: sure", "c: still there?"),
        ("a: try now", "c: nope, still dead", "a: what colour is the light on the router?"),
        ("a: let me put you on hold while I ask billing", "c: ok, I'll hold", "s: [hold music]"),
        ("c: ah, I bet that's it", "a: let me check with the team", "s: [on hold, 1 min]"),
        # a price's rating is no rating of the call
        ("a: let me review the credit rating, please hold", "c: ok", "s: [on hold]"),
        ("a: one moment, I'm checking the tariff rating on your plan", "c: sure, I wait"),
    ],
)
def test_a_call_the_agent_is_still_working_on_is_surely_under_way_with_no_outcome(read, said):
    reading = read(START, *said)
    assert reading.outcome is None
    assert reading.under_way is not None
    assert reading.under_way.confidence >= SURE


@pytest.mark.parametrize(
    "said",
    [
        ("c: someone said they'd ring me back last week and never did",),
        ("c: is it sorted yet?",),
        ("c: i need this sorted today",),
        ("c: i can see the charge twice on my statement",),
        ("c: you said you'd call me back tomorrow and you didn't", "a: yes, I do apologise"),
        ("a: it should come back on within the hour", "c: ok thanks for letting me know"),
        ("a: the parcel is due thursday", "c: right"),
        ("a: can you restart the router?", "c: ok done"),
        ("a: let me check", "c: actually I have to go, bye"),
        ("a: let me check", "s: [call ended]"),
        ("a: let me check the order. Could you leave us a quick rating after the call?",),
    ],
)
def test_a_call_that_shows_no_outcome_but_may_have_ended_is_not_read_either_way(read, said):
    reading = read(START, *said)
    assert reading.outcome is None
    assert reading.under_way is None


def test_an_outcome_made_before_the_agent_holds_the_line_still_stands(read):
    reading = read(START, "a: I've refunded the 20 pounds", "c: ok", "a: one moment")
    assert reading.outcome is not None
    assert reading.outcome.value is REFUND
    assert reading.under_way is None


def test_a_customer_saying_it_still_fails_at_the_end_overrides_the_agents_fix(read):
    reading = read(START, "a: that should be fixed now", "c: still not working").outcome
    assert reading is not None
    assert reading.value is NONE


def test_a_later_fix_overrides_an_earlier_complaint(read):
    reading = read(START, "c: still not working", "a: try now", "c: oh it's working now").outcome
    assert reading is not None
    assert reading.value is RESOLVED


def test_a_callback_offer_the_customer_turns_down_is_no_callback(read):
    said = ("a: would you like us to call you back tomorrow?", "c: no thanks")
    reading = read(START, *said).outcome
    assert reading is None or reading.value is not CALLBACK


def test_an_offer_of_a_transfer_not_yet_answered_is_no_transfer(read):
    reading = read(START, "a: I can transfer you to our complaints team, would you like that?")
    assert reading.outcome is None


def test_closing_thanks_after_a_transfer_leave_it_a_transfer(read):
    said = ("a: I'm transferring you to billing now", "c: perfect thanks, bye")
    reading = read(START, *said).outcome
    assert reading is not None
    assert reading.value is ESCALATED


def test_a_plain_fix_is_read_surely_and_a_vague_goodbye_unsurely(read):
    sure = read(START, "a: try now", "c: that's fixed it, thanks").outcome
    vague = read(START, "a: ok", "c: thanks, bye").outcome
    assert sure is not None
    assert sure.confidence >= SURE
    assert vague is not None
    assert vague.confidence < SURE


def test_an_agent_saying_it_is_refunded_and_the_customer_seeing_it_is_sure(read):
    said = ("a: Done, I've refunded that to your card.", "c: i can see the refund pending")
    reading = read(START, *said).outcome
    assert reading is not None
    assert reading.value is REFUND
    assert reading.confidence >= SURE


def test_the_agents_fix_and_the_customers_thanks_together_are_sure(read):
    reading = read(
        START, "a: Done, that's all reset for you.", "c: Grand, thanks a million."
    ).outcome
    assert reading is not None
    assert reading.value is RESOLVED
    assert reading.confidence >= SURE


def test_a_fix_before_a_complaint_adds_nothing_to_a_later_fix(read):
    said = ("a: that's fixed now", "c: still not working", "a: try now", "c: grand, thanks")
    reading = read(START, *said).outcome
    assert reading is not None
    assert reading.value is RESOLVED
    assert reading.confidence < SURE


@pytest.mark.parametrize(
    ("said", "outcome"),
    [
        (("a: that's fixed now", "c: great thanks", "a: anything else I can help with?"), RESOLVED),
        (("a: I've issued the refund", "c: how long will it take?"), REFUND),
        (("a: I'll call you back at 10", "c: ok", "a: what number is best?"), CALLBACK),
        (
            ("c: it's working now thanks", "a: great! would you mind taking a short survey?"),
            RESOLVED,
        ),
        (("c: yes that's fixed it", "a: was there something more I can do?"), RESOLVED),
        (("c: yes that's fixed it", "a: lovely, did that answer your question?"), RESOLVED),
        (("c: yes that's fixed it", "a: shall I send a confirmation email?"), RESOLVED),
        (("c: yes that's fixed it", "a: will that be all for today?"), RESOLVED),
    ],
)
def test_a_closing_question_after_the_outcome_leaves_it_standing(read, said, outcome):
    reading = read(START, *said).outcome
    assert reading is not None
    assert reading.value is outcome


@pytest.mark.parametrize(
    "end",
    [
        "[caller ended the call]",
        "Customer has left the chat.",
        "chat terminated by customer",
        "Chat ended by visitor",
    ],
)
def test_the_caller_ending_a_call_still_going_is_no_resolution(read, end):
    reading = read(
        START, "a: can you unplug the router for me?", "c: hang on im in the car", f"s: {end}"
    )
    assert reading.outcome is not None
    assert reading.outcome.value is NONE


def test_the_caller_ending_a_call_after_showing_how_it_ended_leaves_that_outcome(read):
    said = ("a: try it now", "c: yes it's working, perfect thanks", "s: [caller ended the call]")
    reading = read(START, *said).outcome
    assert reading is not None
    assert reading.value is RESOLVED


@pytest.mark.parametrize(
    "answer",
    [
        "c: twenty minutes? no, forget it, I'll sort it myself",
        "c: nah don't bother",
        "c: no thanks",
        "c: there's no need, it's come back on",
    ],
)
def test_a_transfer_the_customer_turns_down_is_no_transfer(read, answer):
    said = ("a: I'll transfer you to the billing team, there's a short wait.", answer)
    reading = read(START, *said).outcome
    assert reading is None or reading.value is not ESCALATED


@pytest.mark.parametrize(
    "answer", ["c: no problem, thanks", "c: don't worry, that's fine", "c: I'm fine with that"]
)
def test_a_transfer_the_customer_agrees_to_is_a_transfer(read, answer):
    said = ("a: I'll transfer you to the billing team now.", answer)
    reading = read(START, *said).outcome
    assert reading is not None
    assert reading.value is ESCALATED


@pytest.mark.parametrize(
    "said",
    [
        ("a: I've asked our engineer to ring you back on Friday", "c: ok"),
        ("a: I've arranged for a specialist to call you tomorrow afternoon", "c: fine"),
        ("a: I've booked her to phone you at ten", "c: ok I wait for the call"),
        ("a: So what I'll do is book the fitter to ring you on Monday morning.", "c: uh-huh."),
        ("a: I'm arranging for a colleague to call you back after six.", "c: ta"),
    ],
)
def test_someone_arranged_to_call_the_customer_is_a_callback(read, said):
    reading = read(START, *said).outcome
    assert reading is not None
    assert reading.value is CALLBACK


@pytest.mark.parametrize(
    "answer", ["c: got em ty", "c: received it, cheers", "c: got the email thanks"]
)
def test_the_customer_thanking_for_what_they_received_is_resolved(read, answer):
    reading = read("c: my tickets never came", "a: I've emailed them again.", answer).outcome
    assert reading is not None
    assert reading.value is RESOLVED


def test_the_agent_holding_the_line_after_a_fix_leaves_the_fix_standing_less_surely(read):
    said = (START, "a: I've reset your line", "c: yes it's working, brilliant thanks")
    fixed = read(*said)
    noted = read(*said, "a: one moment while I add a note to your account")
    assert noted.under_way is None
    assert noted.outcome is not None
    assert fixed.outcome is not None
    assert noted.outcome.value is RESOLVED
    assert noted.outcome.confidence < fixed.outcome.confidence


@pytest.mark.parametrize(
    "promise",
    [
        "a: If it drops out again, I'll put you through to our engineers.",
        "a: I'll get a technician to ring you if it happens again.",
        "a: Should it fail again, we'll arrange a callback.",
    ],
)
def test_an_outcome_promised_only_on_a_condition_is_not_the_outcome(read, promise):
    reading = read(START, "a: I've reset the line", promise, "c: it's working now, cheers")
    assert reading.outcome is not None
    assert reading.outcome.value is RESOLVED


@pytest.mark.parametrize(
    "guess",
    [
        "c: ok, I'll try it later, maybe it's back by then",
        "c: hopefully that's fixed it, I'll see tonight",
        "c: perhaps it's working now, I'll check later",
    ],
)
def test_an_outcome_only_guessed_or_hoped_for_is_no_outcome(read, guess):
    reading = read(START, "a: the engineers are on it, no time yet", guess)
    assert reading.outcome is None or reading.outcome.value is not RESOLVED


@pytest.mark.parametrize(
    "said",
    [
        ("a: the part is out of stock and there's no date yet", "c: ok. thanks anyway"),
        ("a: I really wish I had better news for you", "c: right. bye then"),
        ("a: Not this week, I'm afraid.", "c: all good, cheers"),
        ("a: I'm afraid not, sorry.", "c: sweet, thanks. bye"),
    ],
)
def test_thanks_for_trying_or_a_pleasantry_after_nothing_can_be_done_is_no_resolution(read, said):
    assert read.outcome(START, *said) == (NONE, True)


def test_a_fix_said_after_the_agent_could_not_do_something_else_is_resolved(read):
    fixed = read.outcome(START, "a: I can't refund that, I'm afraid", "c: it's working now anyway")
    assert fixed[0] is RESOLVED


def test_politeness_is_no_condition(read):
    reading = read(START, "a: I'll transfer you to billing now, if that's ok", "c: sure")
    assert reading.outcome is not None
    assert reading.outcome.value is ESCALATED


@pytest.mark.parametrize(
    ("said", "outcome"),
    [
        (
            ("a: hold the reset button for ten seconds", "c: Oh look, there it is. Sorted, ta."),
            RESOLVED,
        ),
        (
            (
                "a: The engineers know about it but there's no fix yet, I can't tell you when.",
                "c: So you can't do anything? Right.",
            ),
            NONE,
        ),
        (
            (
                "a: My colleague has left for the day; shall I ask her to ring you on Monday?",
                "c: If it's no bother... yes please, Monday is fine.",
            ),
            CALLBACK,
        ),
        (("a: Done, the 12 is on its way back to your card.", "c: ok, bye"), REFUND),
        (
            (
                "a: I can confirm the late fee has been removed from your account.",
                "c: Very good, the matter is closed as far as I'm concerned.",
            ),
            RESOLVED,
        ),
        (
            (
                "a: I'd need the policy number",
                "c: I'll call you back once I find it. I'll ring back.",
            ),
            NONE,
        ),
        (
            ("a: I can put you through to sales", "c: No, don't put me through. I'll email them."),
            NONE,
        ),
    ],
)
def test_two_sentences_showing_one_outcome_or_a_hedged_yes_are_read_surely(read, said, outcome):
    reading = read(START, *said).outcome
    assert reading is not None
    assert reading.value is outcome
    assert reading.confidence >= SURE


@pytest.mark.parametrize(
    "said",
    [
        ("a: sorry, let me look at the order", "c: forget it its working now lol", "a: great!"),
        ("a: let me check that for you", "c: never mind, it came back on just now", "a: ok"),
    ],
)
def test_two_outcomes_said_in_one_sentence_still_give_a_reading(read, said):
    reading = read(START, "c: can i get the 20 back", *said)
    assert reading.backend == "lexical"
    assert reading.outcome is not None


@pytest.mark.parametrize(
    "answer",
    ["c: yes it open now!", "c: ah, everything ok now", "c: oh it work again"],
)
def test_a_learners_fix_confirmed_without_its_verb_is_surely_resolved(read, answer):
    reading = read(START, "a: please try logging in again", answer).outcome
    assert reading is not None
    assert reading.value is RESOLVED
    assert reading.confidence >= SURE


@pytest.mark.parametrize(
    ("done", "thanks"),
    [
        ("a: I've moved your delivery to Thursday morning.", "c: very nice, thank you. bye"),
        ("a: I've added the second driver to the booking.", "c: very good, thanks, that's all"),
        ("a: We've extended your trial by two weeks.", "c: so nice, thank you!"),
        ("a: I've waived the late fee this once.", "c: lovely, thanks"),
    ],
)
def test_a_change_the_agent_made_and_the_customers_thanks_are_surely_resolved(read, done, thanks):
    reading = read("c: I need to change something on my account", done, thanks).outcome
    assert reading is not None
    assert reading.value is RESOLVED
    assert reading.confidence >= SURE


SAID_OTHERWISE = [
    # what the agent did, though an earlier clause says what they can do
    ("a: That's more than I can approve here, so I've escalated it to the team lead.", ESCALATED),
    (
        "a: It's beyond what we can do on the phone, so I've referred it to our specialists.",
        ESCALATED,
    ),
    ("a: I can only go up to 50, so I've passed your claim to my manager to sign off.", ESCALATED),
    # a callback the customer will make once they have what is needed: nothing done
    ("a: you'll need the serial number|c: I'll call back once I've found it", NONE),
    ("a: I need the invoice|c: right, I'll ring you back when I get home and check", NONE),
    ("a: it needs the account pin|c: I'll phone again after I speak to my son", NONE),
    # the thing taken instead sent on its way
    ("c: send a new one please|a: Done, a replacement's been dispatched.", RESOLVED),
    ("c: I'll take the swap|a: Exchange booked, the courier comes Monday.", RESOLVED),
    ("a: the new one is on its way, tracking to follow|c: ta", RESOLVED),
    # a fix confirmed without a verb "to be"
    ("a: re-add the account now|c: ok... all the messages coming through now", RESOLVED),
    ("a: restart the app please|c: done. yes, it working now", RESOLVED),
    ("a: give it a minute|c: oh yes, everything working", RESOLVED),
]


@pytest.mark.parametrize(("said", "outcome"), SAID_OTHERWISE)
def test_an_outcome_said_in_other_words_is_read_surely(read, said, outcome):
    reading = read(START, *said.split("|"), "c: ok").outcome
    assert reading is not None
    assert (reading.value, reading.confidence >= SURE) == (outcome, True)


@pytest.mark.parametrize(
    "said",
    [
        (
            "a: An engineer will ring you on Friday morning. Is there anything else I can do?",
            "c: No, that's all, thanks.",
        ),
        (
            "a: You'll get a call back from billing tomorrow. Anything more today?",
            "c: nope. cheers",
        ),
        (
            "a: I've booked a callback for Monday at 9. Is there something else I can help with?",
            "c: no thanks, bye",
        ),
    ],
)
def test_a_no_to_anything_else_leaves_the_callback_booked_before_it(read, said):
    assert read.outcome(START, *said)[0] is CALLBACK


def test_a_refusal_after_anything_else_still_turns_the_callback_down(read):
    said = (
        "a: I'll have a specialist call you tomorrow. Anything else I can help with?",
        "c: no, don't bother with the call, it's working now",
    )
    assert read.outcome(START, *said)[0] is not CALLBACK


@pytest.mark.parametrize(
    "said",
    [
        ("a: try restarting it", "s: [line disconnected]", "s: [caller reconnected]", "c: hi, ok"),
        ("a: let's reset the password", "s: [chat session lost]", "c: back. did it"),
        ("s: [call dropped]", "c: me again, got cut off", "a: where were we", "c: the modem"),
    ],
)
def test_a_dropped_line_the_customer_comes_back_on_is_not_how_the_call_ended(read, said):
    assert read.outcome(START, *said)[0] is not NONE


@pytest.mark.parametrize(
    "said",
    [
        ("a: try restarting it", "s: [call dropped]", "s: [customer did not rejoin]"),
        ("a: can you read me the code", "c: it's 4...", "s: [line disconnected]"),
        # the agent speaking into the dead line keeps no call going
        ("a: your postcode?", "c: it's... hang on", "s: [caller disconnected]", "a: Hello?"),
        ("a: date of birth?", "s: [call dropped]", "a: Hello? Are you still there?"),
        ("a: can you restart it?", "s: [customer left the chat]", "a: are you there? I'll wait"),
    ],
)
def test_a_dropped_line_nobody_comes_back_on_ends_the_call_unresolved(read, said):
    assert read.outcome(START, *said) == (NONE, True)


@pytest.mark.parametrize(
    "said",
    [
        ("a: restart the app please", "c: done. it not working"),
        ("a: would a replacement help?", "c: maybe"),
        ("a: I can arrange a replacement", "c: let me think"),
    ],
)
def test_a_fix_denied_or_a_replacement_only_offered_shows_no_resolution_fixed(read, said):
    reading = read(START, *said).outcome
    assert reading is None or reading.value is not RESOLVED


@pytest.mark.parametrize(
    "said",
    [
        (
            "a: I can transfer you to our claims team now.",
            "c: No, I've been passed around enough today.",
            "a: I understand.",
            "c: I'll write to them instead. Bye.",
        ),
        (
            "a: I can have the billing team ring you tomorrow morning.",
            "c: no, don't bother, I'm driving all day. I'll phone them myself next week.",
        ),
        (
            "a: I'll put you through to the repairs desk, it's about a ten minute wait.",
            "c: Not a chance, I don't have ten minutes.",
            "a: Sorry about that.",
            "c: forget it then, I'll sort it out myself",
        ),
    ],
)
def test_the_way_forward_turned_down_with_nothing_else_done_is_surely_no_resolution(read, said):
    assert read.outcome(START, *said) == (NONE, True)


def test_a_transfer_turned_down_alone_is_not_surely_no_resolution(read):
    said = ("a: I'll transfer you to billing now", "c: no, don't bother")
    assert read.outcome(START, *said) != (NONE, True)


def test_an_extra_offer_turned_down_after_a_fix_leaves_the_fix(read):
    said = (
        "a: I've reset the line",
        "c: that's fixed it, thanks",
        "a: would you like me to transfer you to sales about an upgrade?",
        "c: no thanks",
    )
    assert read.outcome(START, *said)[0] is RESOLVED


@pytest.mark.parametrize(
    "said",
    [
        (
            "a: shall I connect you to an advisor?",
            "c: yes please",
            "s: [transfer failed: no agents available]",
        ),
        (
            "a: I'll put you through to billing now",
            "c: ok",
            "a: I'm sorry, nobody is free in billing right now.",
        ),
        (
            "a: let me connect you with the fraud team",
            "c: ok",
            "s: [the transfer was unsuccessful]",
        ),
        (
            "a: I'm transferring you to a specialist",
            "c: thanks",
            "a: Sorry, I couldn't connect you, the line is busy.",
        ),
    ],
)
def test_a_transfer_that_failed_is_no_transfer(read, said):
    assert read.outcome(START, *said)[0] is not ESCALATED


@pytest.mark.parametrize(
    "said",
    [
        ("a: no one is free in sales, so I'm transferring you to the general team now", "c: ok"),
        ("a: I'll transfer you to billing", "c: ok", "s: [transferred to billing]"),
    ],
)
def test_a_transfer_made_after_a_word_of_nobody_free_is_a_transfer(read, said):
    assert read.outcome(START, *said)[0] is ESCALATED


@pytest.mark.parametrize(
    ("said", "issued"),
    [
        (
            "a: Compensation for the outage needs a manager's approval, so I've passed your "
            "request to my team leader.",
            False,
        ),
        (
            "a: A credit for the lost day needs sign-off from billing, so I've put your request "
            "through to them.",
            False,
        ),
        ("a: I've processed the refund, pending approval from my supervisor.", False),
        ("a: my supervisor approved it, so I've refunded the 40 to your card", True),
        ("a: I've refunded the 40 to your card, it's been approved.", True),
        ("a: Refunds this late have to be approved by the manager, I'll send your note up.", False),
        ("a: Refunds over 100 must be signed off by finance, so it's with them now.", False),
        ("a: It has been approved by my manager, so I've refunded the 60 to your card.", True),
        # whose approval it waits on, said as theirs
        (
            "a: A refund that size needs my manager's approval, so I've submitted it to her.",
            False,
        ),
        ("a: My manager's signed it off, so I've refunded the 60 to your card.", True),
    ],
)
def test_a_refund_is_issued_only_once_nobody_else_must_approve_it(read, said, issued):
    assert (read.outcome(START, said, "c: ok")[0] is REFUND) is issued


@pytest.mark.parametrize(
    "answer",
    [
        "c: oh, that's a weight off my mind, thank you",
        "c: what a relief, thanks so much",
        "c: okay. you've put my mind at rest, thanks",
        "c: brilliant, I can sleep easy now",
    ],
)
def test_relief_at_the_answer_is_surely_resolved(read, answer):
    said = (
        "c: does part-time study count for the grant?",
        "a: yes, from six credits a term",
        answer,
    )
    assert read.outcome(*said) == (RESOLVED, True)


@pytest.mark.parametrize(
    "answer", ["c: it would be a relief if it did", "c: that's no relief at all, I need it now"]
)
def test_relief_only_wished_or_denied_is_no_resolution(read, answer):
    said = ("c: will the engineer come today?", "a: the earliest is Friday", answer)
    assert read.outcome(*said) != (RESOLVED, True)


@pytest.mark.parametrize(
    "said",
    [
        ("a: Fixed on your profile now.", "c: ok great thanks"),
        ("a: I've reissued the invoice. It's in your inbox now.", "c: ok"),
        ("a: Updated for you. They're in your portal already.", "c: right"),
    ],
)
def test_the_agent_saying_the_fix_is_done_in_few_words_is_surely_resolved(read, said):
    assert read.outcome(START, *said) == (RESOLVED, True)


@pytest.mark.parametrize(
    "said",
    [
        ("a: fixed fees apply to this plan", "c: ok"),
        ("a: updated terms are on our website", "c: ok"),
    ],
)
def test_fix_words_said_of_something_else_are_no_fix(read, said):
    assert read.outcome(START, *said)[0] is not RESOLVED


@pytest.mark.parametrize(
    "said",
    [
        ("a: Before I get a manager, let me look at the order.", "c: ok", "a: it's fixed now"),
        (
            "a: before I pass you over to billing, let me try one thing",
            "c: sure",
            "a: that's reset",
        ),
        ("a: Before I bring my supervisor in, can you restart it?", "c: done, it works now"),
    ],
)
def test_what_the_agent_would_do_before_trying_something_else_was_not_done(read, said):
    assert read.outcome(START, *said)[0] is not ESCALATED


def test_what_the_agent_does_before_something_else_is_still_done(read):
    said = ("a: I'm transferring you to billing now, before the line closes.", "c: ok")
    assert read.outcome(START, *said) == (ESCALATED, True)


@pytest.mark.parametrize(
    "said",
    [
        ("a: I can have someone call you back this week.", "c: I'd rather you didn't. Email me."),
        ("a: I can transfer you to billing.", "c: I'm not sure that's necessary, thanks."),
        ("a: I'll book a callback with the engineers.", "c: I'd rather you did not, I'm out."),
    ],
)
def test_a_transfer_or_callback_turned_down_politely_did_not_happen(read, said):
    assert read.outcome(START, *said)[0] not in (CALLBACK, ESCALATED)


@pytest.mark.parametrize(
    ("said", "outcome"),
    [
        (("a: your limit is 3000 a day", "c: ah, you've answered it, thanks"), RESOLVED),
        (("a: the fee is charged quarterly", "c: right, you have answered my question"), RESOLVED),
        (("a: flip the switch", "c: oh there, the furnace just came on"), RESOLVED),
        (("a: reseat the thermostat", "c: hang on... the boiler has come on now"), RESOLVED),
        (("a: I'll have the quote emailed to you today.", "c: Good. That's all."), RESOLVED),
        (("a: I'll send you the breakdown by email.", "c: lovely, thanks"), RESOLVED),
        (("a: there's no van free today", "c: I'll try the firm across the road."), NONE),
        (("a: sorry about that", "c: right, I'll try somewhere else then."), NONE),
        (("a: I don't have a room I can offer you tonight.", "c: I'll try another hotel."), NONE),
        (("a: I can refund that bag now", "c: let me open the other bag first and see."), NONE),
    ],
)
def test_how_a_call_ends_said_in_passing_is_read_surely(read, said, outcome):
    assert read.outcome(START, *said) == (outcome, True)


@pytest.mark.parametrize(
    ("said", "not_surely"),
    [
        (("a: flip the switch", "c: the warning light just came on again"), RESOLVED),
        (("a: I'll have the quote emailed to you.", "c: no, I need it by post"), RESOLVED),
        (("a: try the reset now", "c: let me check, yes it works first time"), NONE),
        (("a: no van today, sorry", "c: I'll try the van again tomorrow, it's fine"), NONE),
    ],
)
def test_near_misses_of_how_a_call_ends_are_not_read_so(read, said, not_surely):
    assert read.outcome(START, *said) != (not_surely, True)


@pytest.mark.parametrize(
    ("done", "outcome"),
    [
        ("a: Done, the £60 credit is on your account now.", RESOLVED),
        ("a: I've added £60 of store credit for you.", RESOLVED),
        # near miss: credited back to the card is a refund
        ("a: Done, I've credited the £40 back to your card.", REFUND),
    ],
)
def test_credit_kept_on_the_account_is_no_refund_issued(read, done, outcome):
    said = (
        "a: I can offer a £40 refund to your card, or £60 travel credit for a future booking.",
        "c: the credit please, I fly with you loads anyway",
        done,
        "c: cheers",
    )
    reading = read(START, *said).outcome
    assert reading is not None
    assert reading.value is outcome


@pytest.mark.parametrize(
    "asked",
    [
        "c: is my direct debit still the same next month",
        "c: will the price still be the same from April?",
    ],
)
def test_asking_whether_a_thing_stays_the_same_is_no_problem_left(read, asked):
    reading = read(
        "c: does my boiler cover do the radiators as well",
        "a: yes, your cover includes the radiators",
        "c: oh brilliant, that's all I wanted to know",
        asked,
        "a: yes, still fifty four pounds",
        "c: right, ta-ra then",
    )
    assert reading.outcome is None or reading.outcome.value is not NONE


def test_a_problem_still_the_same_after_a_fix_is_no_resolution(read):
    reading = read(START, "a: try restarting it", "c: did that, still the same")
    assert reading.outcome is not None
    assert reading.outcome.value is NONE
