"""Long and continued calls: what the customer said many turns before the write, across a
transfer, a callback or a break, read as a supervisor would read it."""

import pytest

from guardrail.understanding.model import AskKind, AskStatus, Outcome, Reason

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ("If the courier misses Thursday, mind, I'll want a refund.", AskStatus.HYPOTHETICAL),
        ("If the new kettle leaks, like, I'll be wanting my money back.", AskStatus.HYPOTHETICAL),
        (
            "If it's not fixed by the weekend, mate, I want the forty quid back.",
            AskStatus.HYPOTHETICAL,
        ),
        ("If the part doesn't turn up, you know, I'll need it refunded.", AskStatus.HYPOTHETICAL),
        # a word said apart with no condition before it leaves the ask standing
        ("It came dented, mind, I'll want a refund.", AskStatus.ASKED),
        ("Look, I want my money back, it never worked.", AskStatus.ASKED),
        ("If I'm honest, mate, I want the forty quid back.", AskStatus.ASKED),
    ],
)
def test_a_condition_reaches_past_a_word_said_apart_to_the_ask_after_it(read, said, status):
    assert read.status(REFUND, "a: the engineer can come Thursday", f"c: {said}") is status


CLOSURE = AskKind.ACCOUNT_CLOSURE
CALLBACK = "a: Thanks for calling back. I see Tuesday's note says you'd like to close."


@pytest.mark.parametrize(
    "said",
    [
        "I asked to close it on Tuesday but now I'd like to keep the account.",
        "I rang about closing my account last week. We'd prefer to keep it now, the bill's sorted.",
        "I said close it on Tuesday because of the price. I would like to keep my account after all.",
        "I asked to close it on Tuesday but now I want to keep it.",
    ],
)
def test_a_callback_taking_back_an_earlier_calls_closure_leaves_no_closure_asked(read, said):
    ask = read.ask(CLOSURE, CALLBACK, f"c: {said}")
    assert ask is None or not ask.status.granted


@pytest.mark.parametrize(
    "said",
    [
        "I asked to close it on Tuesday and I still want it closed.",
        "I'd like to keep it short, please just close my account.",
        "I'd like to keep the card for now, but close the account please.",
    ],
)
def test_a_callback_restating_the_closure_still_asks_it(read, said):
    assert read.status(CLOSURE, CALLBACK, f"c: {said}") is AskStatus.ASKED


FIXED = ("c: my online banking says locked", "a: I've unlocked it", "c: yes, I'm in now")


@pytest.mark.parametrize(
    "goodbye",
    [
        ("c: no that's everything, thanks so much, have a good evening, bye", "a: you too, bye"),
        ("c: lovely, take care, bye now", "a: bye, take care", "a: thanks for calling"),
        ("c: that's all, cheers, bye",),
    ],
)
def test_the_customer_ending_the_call_after_a_warm_goodbye_is_no_hang_up(read, goodbye):
    reading = read(*FIXED, "a: anything else?", *goodbye, "s: [call ended by customer]").outcome
    assert reading is not None
    assert reading.value is Outcome.RESOLVED


@pytest.mark.parametrize(
    "end",
    [
        # the agent was still talking when the customer went
        (
            "c: thanks, bye",
            "a: oh wait, before you go I need your new email",
            "s: [caller hung up]",
        ),
        # the goodbye was an angry one
        ("c: still not working, forget it, bye", "a: I'm sorry", "s: [call ended by customer]"),
    ],
)
def test_the_customer_ending_the_call_mid_business_or_in_anger_stays_no_resolution(read, end):
    reading = read(
        "c: my online banking says locked", "a: can you try the reset link?", *end
    ).outcome
    assert reading is not None
    assert reading.value is Outcome.NO_RESOLUTION


TRANSFER = (
    "c: my invoices won't sync to the ledger",
    "a: that's one for our integrations team, let me transfer you",
)


@pytest.mark.parametrize(
    "handover",
    [
        ("s: [transferred to integrations, agent Priya]", "a: hi, Priya here, try a resync now"),
        ("a: Priya in integrations here, I've cleared the token, try again",),
    ],
)
def test_a_transfer_that_reached_someone_who_fixed_it_ends_resolved(read, handover):
    said = (*TRANSFER, *handover, "c: trying... it worked, they're all there", "a: great")
    reading = read(*said).outcome
    assert reading is not None
    assert reading.value is Outcome.RESOLVED


@pytest.mark.parametrize(
    "after",
    [
        # only thanks after the hand-over: the transfer stands
        ("s: [transferred to integrations]", "a: hi, Priya here", "c: thanks, I'll explain"),
        # the customer's "it works" came before the transfer was made
        ("c: ok, the other bit works now anyway", "s: [transferred to integrations]"),
    ],
)
def test_a_transfer_nobody_is_shown_fixing_after_stays_escalated(read, after):
    reading = read(*TRANSFER, *after).outcome
    assert reading is not None
    assert reading.value is Outcome.ESCALATED


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        (
            "The boots came Monday. Guaranteed by Saturday, the site said. I want the fee back.",
            Reason.LATE,
        ),
        ("It was guaranteed to arrive for the party and it turned up after. Refund?", Reason.LATE),
        (
            "Guaranteed for the 3rd, it said, and it came on the 9th. I'd like a refund.",
            Reason.LATE,
        ),
        # a guarantee on the goods is no delivery date
        ("The kettle has a two year guarantee and it broke, refund please.", Reason.DAMAGED),
        (
            "It's guaranteed for life and the handle snapped off, I want my money back.",
            Reason.DAMAGED,
        ),
    ],
)
def test_a_delivery_date_guaranteed_and_missed_is_a_late_delivery(read, said, reason):
    ask = read.ask(REFUND, f"c: {said}")
    assert ask is not None
    assert ask.reason is reason


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ("My wife's saying I should get the delivery fee back.", AskStatus.THIRD_PARTY),
        ("My son keeps telling me I should get a refund for it.", AskStatus.THIRD_PARTY),
        ("My dad is on about getting the money back for the fee.", AskStatus.THIRD_PARTY),
        # the relative only tells of the problem: the ask after it is the holder's own
        ("My husband's saying it's broken. I want a refund.", AskStatus.ASKED),
    ],
)
def test_a_refund_a_relative_is_saying_the_holder_should_get_is_theirs(read, said, status):
    assert read.status(REFUND, f"c: {said}") is status
