"""Written channels read like speech: chat shorthand, typos and bursts mean what they stand for."""

import pytest

from guardrail.understanding.model import SURE, AskKind, AskStatus, Outcome, Reason
from guardrail.understanding.text import clean

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("nvm i'll sort it", "never mind i'll sort it"),
        ("tbh idk what happened", "to be honest i don't know what happened"),
        ("ngl thats annoying", "not going to lie that's annoying"),
        ("i need it sorted asap", "i need it sorted as soon as possible"),
        ("cant log in rn", "can't log in right now"),
        ("ty so much, btw the app is slow", "thank you so much, by the way the app is slow"),
        ("pls close my acc", "please close my account"),
        ("wud u be able to help tmrw", "would you be able to help tomorrow"),
    ],
)
def test_chat_shorthand_is_read_as_the_words_it_stands_for(typed, meant):
    assert clean(typed) == meant


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("i paid $4o for it", "i paid $40 for it"),
        ("it was 1oo quid", "it was 100 quid"),
        ("charged €12.5o twice", "charged €12.50 twice"),
        ("the 2o minute wait", "the 20 minute wait"),
    ],
)
def test_a_letter_o_typed_for_a_zero_in_an_amount_is_a_zero(typed, meant):
    assert clean(typed) == meant


@pytest.mark.parametrize("you", ["y'all", "yall", "youse"])
def test_the_plural_you_of_a_dialect_is_you(read, you):
    """'I'll call y'all back' is the customer ringing back themselves: nothing resolved."""
    assert clean(f"i'll call {you} back") == "i'll call you back"
    reading = read(
        "c: Your crew left nails on my drive. We want two hundred.",
        "a: I'm sorry. I can refund a hundred toward the tyre.",
        f"c: I'm going to have to talk to my husband about that. I'll call {you} back.",
    )
    assert reading.outcome is None or reading.outcome.value is not Outcome.RESOLVED


@pytest.mark.parametrize(
    "typed",
    ["a 4oz jar", "ten o'clock", "room 4b on floor 2", "mode o2 on the router", "go to 2 or 3"],
)
def test_an_o_in_a_word_or_beside_letters_is_left_alone(typed):
    assert clean(typed) == typed.replace("ten", "10")


def test_a_typo_dropping_a_letter_from_refund_is_mended():
    assert clean("can i get a refnd, or a rfund") == "can i get a refund, or a refund"


@pytest.mark.parametrize(
    "said",
    [
        ("c: I want a refund for the lamp. it arrived broken actually",),
        ("c: i'd like my money back for the toaster", "c: it came on tuesday actually"),
        ("c: refund the 30 please", "a: Sure, done.", "c: thanks, that was quick actually"),
        ("c: can you reverse the 15 fee", "c: it's the second time this happened actually!"),
    ],
)
def test_an_actually_that_only_stresses_what_was_said_takes_nothing_back(read, said):
    assert read.status(REFUND, *said) is AskStatus.ASKED


@pytest.mark.parametrize(
    "then",
    ["hmm no actually", "actually don't bother", "i'm ok actually", "actually, forget it"],
)
def test_an_actually_with_a_no_still_takes_the_ask_back(read, then):
    assert read.status(REFUND, "c: refund the 30 please", f"c: {then}") is AskStatus.RETRACTED


@pytest.mark.parametrize(
    "said",
    [
        "want refund not a new one",
        "i'd like my money back not a voucher",
        "give me a refund not an exchange please",
        "it's a refund i need not a repair",
    ],
)
def test_an_ask_set_against_another_thing_with_a_bare_not_stands(read, said):
    assert read.status(REFUND, f"c: {said}") is AskStatus.ASKED


@pytest.mark.parametrize(
    "said",
    ["a refund's not what i'm after", "a refund is not an option", "refund isn't a priority"],
)
def test_an_ask_said_with_a_verb_and_not_after_it_is_still_declined(read, said):
    assert read.status(REFUND, f"c: {said}") is AskStatus.DECLINED


@pytest.mark.parametrize(
    "answer",
    [
        "ok if it's the full 60",
        "fine, but only if it's all of it",
        "yes as long as it's at least 40",
        "sure, provided it's the whole amount",
    ],
)
def test_a_yes_on_the_customers_own_terms_does_not_take_the_offer_as_made(read, answer):
    ask = read.ask(
        REFUND,
        "c: You charged me 60 for a month I had paused.",
        "a: Would you like a refund of $25 for that?",
        f"c: {answer}",
    )
    assert ask is not None
    assert ask.status is AskStatus.HYPOTHETICAL
    assert ask.confidence < SURE


@pytest.mark.parametrize("yes", ["then yes please", "in that case yes", "if so, yep", "ok then"])
def test_an_offer_meeting_the_terms_the_customer_set_is_surely_taken_at_that_amount(read, yes):
    ask = read.ask(
        REFUND,
        "c: You charged me 60 for a month I had paused.",
        "a: I can offer a $25 refund for that.",
        "c: only if it's the full 60",
        "a: Fair enough, I can refund the full $60.",
        f"c: {yes}",
    )
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_ACCEPTED
    assert ask.confidence >= SURE
    assert ask.amount == 60


@pytest.mark.parametrize("answer", ["yes if you could", "ok if that's easier", "yes please"])
def test_a_plain_or_polite_yes_takes_the_offer(read, answer):
    assert (
        read.status(REFUND, "a: Would you like a refund of the $25 fee?", f"c: {answer}")
        is AskStatus.OFFERED_ACCEPTED
    )


@pytest.mark.parametrize(
    "then",
    [
        "nvm then, dont worry about the refund",
        "oh it turned up. don't worry about refunding me",
        "never mind, no need to worry about the money back",
    ],
)
def test_telling_the_agent_not_to_worry_about_an_ask_takes_it_back(read, then):
    ask = read.ask(REFUND, "c: The parcel is a week late, I want a refund.", f"c: {then}")
    assert ask is not None
    assert not ask.status.granted
    assert ask.confidence >= SURE


def test_not_worrying_about_another_thing_leaves_the_ask(read):
    assert (
        read.status(REFUND, "c: refund the 20 please", "c: oh and don't worry about the receipt")
        is AskStatus.ASKED
    )


@pytest.mark.parametrize(
    "readback",
    [
        "I see the note: you were billed the 30 fee twice, and you asked for that back.",
        "Per your earlier request, a refund of the 30 fee is approved.",
        "My colleague noted that you requested a refund of the 30 fee.",
    ],
)
def test_an_earlier_ask_the_agent_reads_back_and_the_customer_confirms_is_asked(read, readback):
    ask = read.ask(
        REFUND,
        "c: Hi, calling back about the same thing as on Monday.",
        f"a: {readback}",
        "c: yes, that's it, go ahead",
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED
    assert ask.confidence >= SURE


def test_an_earlier_ask_the_agent_reads_back_and_the_customer_drops_is_not_granted(read):
    ask = read.ask(
        AskKind.ACCOUNT_CLOSURE,
        "c: hi again",
        "a: The notes say you asked us to close the account.",
        "c: no, I've changed my mind about that",
    )
    assert ask is not None
    assert not ask.status.granted


@pytest.mark.parametrize(
    ("other", "then"),
    [
        ("also can you email me the last bill", "never mind, I'll find it online"),
        ("oh and could you send me a receipt", "nvm i have it"),
        ("please post the paperwork too", "actually forget it, no rush"),
    ],
)
def test_a_bare_take_back_after_a_request_for_another_thing_is_about_that_thing(read, other, then):
    assert (
        read.status(
            AskKind.ACCOUNT_CLOSURE,
            "c: close my account please, I'm moving",
            f"c: {other}",
            f"c: {then}",
        )
        is AskStatus.ASKED
    )


@pytest.mark.parametrize(
    "between",
    ["it's already done?", "twenty percent?", "thanks"],
)
def test_a_take_back_after_an_echo_or_thanks_is_still_about_the_ask(read, between):
    assert (
        read.status(REFUND, "c: I want my 40 back", f"c: {between}", "c: never mind then")
        is AskStatus.RETRACTED
    )


def test_a_take_back_naming_the_ask_after_another_request_still_takes_it_back(read):
    ask = read.ask(
        AskKind.ACCOUNT_CLOSURE,
        "c: close my account please",
        "c: and can you email me the final bill",
        "c: actually forget closing the account, I'll stay",
    )
    assert ask is not None
    assert not ask.status.granted


@pytest.mark.parametrize(
    "said",
    [
        "the courier refunded the delivery charge to me directly",
        "my bank reversed the payment already",
        "paypal refunded it this morning",
        "the airline refunded me yesterday",
    ],
)
def test_money_told_of_as_already_given_back_by_someone_is_no_ask(read, said):
    assert read.status(REFUND, f"c: {said}, so I'm all sorted.") is None


@pytest.mark.parametrize(
    "said",
    ["I want the shipping refunded", "can I get the fee reversed", "i need the delivery refunded"],
)
def test_a_thing_wanted_refunded_is_asked_though_it_comes_before_the_verb(read, said):
    assert read.status(REFUND, f"c: {said}") is AskStatus.ASKED


@pytest.mark.parametrize(
    "header",
    [
        "Thanks, J. > On 2 June I wrote:",
        "Regards, Sam -----Original Message----- From: Sam",
        "Cheers\nOn Tue, 4 Jun 2024 at 09:12, Sam <sam@example.com> wrote:",
    ],
)
def test_a_newest_email_withdrawing_the_ask_quoted_below_it_takes_it_back(read, header):
    email = (
        "Hi, please disregard my earlier email, it's all sorted now. "
        f"{header} Please refund the $30 fee on my last invoice, it was charged twice."
    )
    assert read.status(REFUND, f"c: {email}") is AskStatus.RETRACTED


def test_a_date_said_after_on_is_no_header_of_a_quoted_email(read):
    said = "c: Please refund the $30 fee, it was charged twice. The price on 2 May was right."
    assert read.status(REFUND, said) is AskStatus.ASKED


@pytest.mark.parametrize(
    "answer",
    ["yeah- actually no, leave it", "sure. wait, no thanks", "ok, on second thoughts, no"],
)
def test_a_yes_turned_about_at_once_into_a_no_declines_the_offer(read, answer):
    said = ("a: Would you like a refund of the $15 fee?", f"c: {answer}")
    assert read.status(REFUND, *said) is AskStatus.OFFERED_DECLINED


def test_a_yes_with_actually_in_it_still_takes_the_offer(read):
    said = ("a: Would you like a refund of the $15 fee?", "c: yes actually that would be great")
    assert read.status(REFUND, *said) is AskStatus.OFFERED_ACCEPTED


@pytest.mark.parametrize(
    "said",
    [
        "no refund, put it as a credit toward next month instead",
        "can you give me a credit against my next bill",
        "just leave some credit for future orders",
    ],
)
def test_a_credit_kept_for_what_the_customer_pays_next_is_no_refund(read, said):
    status = read.status(REFUND, f"c: {said}")
    assert status is None or not status.granted


@pytest.mark.parametrize(
    "said", ["can you credit my account with the 20", "I'd like a credit of $20 to my card"]
)
def test_a_credit_of_money_back_now_is_still_a_refund(read, said):
    assert read.status(REFUND, f"c: {said}") is AskStatus.ASKED


@pytest.mark.parametrize(
    ("said", "top"),
    [
        ("I'd like somewhere between 20 and 30 back", 30),
        ("a refund of between $15 and $25 would be fair", 25),
        ("refund me anywhere from 10 to 12", 12),
    ],
)
def test_a_range_asked_is_read_to_its_top_not_summed(read, said, top):
    ask = read.ask(REFUND, f"c: {said}")
    assert ask is not None
    assert max(ask.amounts) == top


def test_two_amounts_joined_by_and_are_still_added(read):
    ask = read.ask(REFUND, "c: refund 20 and 30 for the two lamps")
    assert ask is not None
    assert max(ask.amounts) == 50


@pytest.mark.parametrize(
    "said",
    [
        "tbh idk whats fair, maybe 20 back?",
        "not sure what's reasonable, could I get 15 back?",
        "i dunno, what do you think, 30 back?",
    ],
)
def test_a_question_hedging_a_sum_wanted_back_asks_for_it(read, said):
    assert read.status(REFUND, f"c: {said}") is AskStatus.ASKED


@pytest.mark.parametrize(
    "said", ["what's your refund policy?", "how long do refunds take?", "is a refund possible?"]
)
def test_a_question_about_refunds_naming_no_sum_is_still_a_question(read, said):
    assert read.status(REFUND, f"c: {said}") is AskStatus.QUESTION


@pytest.mark.parametrize(
    "passed_on",
    [
        "I'll pass your feedback on to the design team.",
        "I'm sending your comments to the product team.",
        "I've forwarded your suggestion to our web team.",
    ],
)
def test_passing_on_feedback_after_a_fix_is_no_escalation(read, passed_on):
    outcome, _ = read.outcome(
        "c: the app won't show my bookings",
        "a: Fixed it on our side, can you refresh?",
        "c: yep works now, thanks, that's all",
        f"a: Great! {passed_on}",
    )
    assert outcome is Outcome.RESOLVED


def test_passing_the_case_to_a_team_is_still_an_escalation(read):
    outcome, _ = read.outcome(
        "c: the app won't show my bookings",
        "a: I can't fix that here, I'm passing your case to the technical team.",
    )
    assert outcome is Outcome.ESCALATED


@pytest.mark.parametrize(
    "said",
    [
        "I was billed the monthly fee while my account was suspended",
        "you charged me 30 while the service was paused",
        "honestly I shouldn't have paid anything for June",
    ],
)
def test_a_charge_for_a_time_nothing_was_owed_is_a_billing_problem(read, said):
    ask = read.ask(REFUND, f"c: {said}, I want it refunded.")
    assert ask is not None
    assert ask.reason is Reason.BILLING


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        ("the shopping came 3 hrs after my slot", Reason.LATE),
        ("the van turned up an hour past the booked time", Reason.LATE),
        ("you charged me for the yearly plan when i clicked monthly", Reason.BILLING),
        ("billed for two seats when I selected one", Reason.BILLING),
    ],
)
def test_a_delivery_after_its_slot_is_late_and_a_charge_for_what_was_not_chosen_is_billing(
    read, said, reason
):
    ask = read.ask(REFUND, f"c: {said}, can you refund it please")
    assert ask is not None
    assert ask.reason is reason
