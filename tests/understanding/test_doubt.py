"""A reading is sure only when its evidence is strong and nothing in the conversation pulls the
other way; where the words conflict or were not read, it says it cannot tell."""

from decimal import Decimal

import pytest

from guardrail.understanding.model import SURE, AskKind, AskStatus, FactKind, Outcome

REFUND = AskKind.REFUND
CLOSURE = AskKind.ACCOUNT_CLOSURE


def test_a_second_amount_asked_as_well_in_one_breath_adds_to_the_first(read):
    ask = read.ask(
        REFUND,
        "c: The courier was a week late so I'd like the 4.50 postage back, and the mug was "
        "chipped, so the 12 for it too as well please.",
    )
    assert ask is not None
    assert max(ask.amounts) == Decimal("16.50")


def test_a_take_back_that_names_something_else_leaves_the_ask_standing(read):
    ask = read.ask(
        REFUND,
        "c: The rug arrived torn. Could I have the 40 back?",
        "a: Yes, refunding 40 now. Shall I post you a receipt?",
        "c: Oh, never mind the receipt, I'll keep the email. Thanks.",
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED


@pytest.mark.parametrize(
    ("agent", "answer", "sure"),
    [
        # answers the agent's question about a text message, maybe not the refund
        ("Of course. Would you like a text when it's done?", "Nah, don't bother.", False),
        ("Let me look at that.", "Actually, forget it.", True),
    ],
)
def test_a_take_back_is_sure_only_when_it_answers_no_other_question(read, agent, answer, sure):
    ask = read.ask(
        REFUND, "c: The rug arrived torn. Could I have the 40 back?", f"a: {agent}", f"c: {answer}"
    )
    assert ask is not None
    assert ask.status is AskStatus.RETRACTED
    assert (ask.confidence >= SURE) is sure


def test_a_take_back_undone_restores_the_ask_but_not_surely(read):
    ask = read.ask(
        REFUND,
        "c: I was billed 12 for a month I'd cancelled. Can I get that back?",
        "a: Let me look.",
        "c: Actually never mind, leave it.",
        "c: Hang on, no, yes, put it through, it's my money.",
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED
    assert ask.confidence < SURE


@pytest.mark.parametrize(
    ("before", "restated", "answer", "status"),
    [
        ("s: [menu] press 3 to leave us", "I gather you're wanting to close your account?",
         "That's right, we're emigrating.", AskStatus.ASKED),
        ("c: The app keeps logging me out.", "So you're looking to close the account then?",
         "I suppose so, yeah.", AskStatus.OFFERED_ACCEPTED),
        # the restatement set off by a colon, as assistants write it
        ("c: cancel the lot. the tv, the broadband, the landline", "To confirm: you'd like to "
         "close your whole account?", "yes all of it", AskStatus.ASKED),
        ("c: we're moving abroad in May", "Just to confirm: you want the account closed?",
         "Yep.", AskStatus.ASKED),
        ("c: stop everything please, I'm emigrating", "So: you're wanting to close your account "
         "today?", "correct", AskStatus.ASKED),
        ("c: The app keeps logging me out.", "To confirm: you'd like to close the account?",
         "suppose so, go on then", AskStatus.OFFERED_ACCEPTED),
    ],
)  # fmt: skip
def test_a_plain_yes_to_the_agents_restatement_of_the_customers_wish_is_their_ask(
    read, before, restated, answer, status
):
    ask = read.ask(CLOSURE, before, f"a: Hello, {restated}", f"c: {answer}")
    assert ask is not None
    assert ask.status is status


def test_the_agent_going_ahead_with_what_no_phrase_read_makes_its_absence_unsure(read):
    understanding = read(
        "c: Bas, khata khatam karo please, I'm shifting abroad.",
        "a: No problem, closing your account now.",
    )
    assert not understanding.asks_of(CLOSURE)
    assert f"cues of {CLOSURE} not read" in understanding.unsure


@pytest.mark.parametrize(
    ("agent", "made"),
    [
        ("Done, 3.20 going back to your card now.", True),
        ("Sorry, we can't refund opened food, but I've logged it.", False),
    ],
)
def test_the_agent_refunding_in_words_no_outcome_phrase_knows_shows_a_refund_issued(
    read, agent, made
):
    understanding = read(
        "c: The bread was mouldy, can I have the 3.20 back?", f"a: {agent}", "c: Cheers."
    )
    assert understanding.outcome is not None
    assert (understanding.outcome.value is Outcome.REFUND_ISSUED) is made


def test_a_number_read_out_with_a_pause_inside_it_is_one_number(read):
    understanding = read("c: My ticket is two four... eight eight one. It's about the boiler.")
    numbers = {f.value for f in understanding.facts if f.kind is FactKind.NUMBER}
    assert "24881" in numbers


def test_a_sum_of_money_the_customer_names_makes_a_missing_refund_ask_unsure(read):
    understanding = read("c: Subscription 40 GBP taken 2 times this month, kindly sort", "a: Ok.")
    assert not understanding.asks_of(REFUND)
    assert f"cues of {REFUND} not read" in understanding.unsure


def test_amounts_added_on_in_the_asking_clause_count_together_at_most(read):
    ask = read.ask(REFUND, "c: Could you give me 8 back for the torn bag and 3 for the postage?")
    assert ask is not None
    assert max(ask.amounts) == Decimal(11)


def test_a_price_per_thing_is_not_surely_the_amount_asked(read):
    ask = read.ask(REFUND, "c: Please refund the 15 for each of the three concert seats.")
    assert ask is not None
    assert ask.amount_confidence < SURE


@pytest.mark.parametrize(
    ("kind", "meant", "changed"),
    [
        # keeping it said to be pointless does not take back the closure
        (CLOSURE, "Shut my account down, there's no reason to keep it open now.",
         "Shut my account down. Actually, I'll keep it open for now."),
        # a form refused after the ask in its sentence is a contrast, not a take-back
        (REFUND, "I want my 30 back on the card please, not a store credit.",
         "I want a refund, actually no, I don't want my money back."),
    ],
)  # fmt: skip
def test_a_no_about_something_else_does_not_take_the_ask_back(read, kind, meant, changed):
    ask = read.ask(kind, f"c: {meant}")
    taken_back = read.ask(kind, f"c: {changed}")
    assert ask is not None
    assert taken_back is not None
    assert ask.status is AskStatus.ASKED
    assert not taken_back.status.granted


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        ("Yes please. No need to post me a returns label though.", AskStatus.OFFERED_ACCEPTED),
        ("Sure, and don't bother with the text message.", AskStatus.OFFERED_ACCEPTED),
        ("Yes. Actually, no need.", AskStatus.OFFERED),  # yes and no: cannot tell
        ("No need, I'll live with it.", AskStatus.OFFERED_DECLINED),
    ],
)
def test_a_no_in_the_answer_to_an_offer_declines_it_only_when_it_is_about_the_offer(
    read, answer, status
):
    offer = "a: I'm sorry. Would you like a refund?"
    ask = read.ask(REFUND, "c: The toaster sparks.", offer, f"c: {answer}")
    assert ask is not None
    assert ask.status is status


@pytest.mark.parametrize(
    "said",
    [
        "c: I was just wondering if I could get my money back for the lamp.",
        "c: Would it be possible to have a refund on the boots?",
        "c: Do I need the receipt to get a refund? Because I want one.",
        "c: If I could just get my money back for the lamp, that'd be great.",
    ],
)
def test_a_request_put_as_a_question_or_musing_is_not_surely_no_ask(read, said):
    ask = read.ask(REFUND, said)
    assert ask is not None
    assert ask.status.granted or ask.confidence < SURE


def test_can_you_not_just_is_a_request_not_a_refusal(read):
    ask = read.ask(REFUND, "c: It's been three weeks. Can you not just refund me?")
    assert ask is not None
    assert ask.status is AskStatus.ASKED


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        (CLOSURE, "c: Please accept this as my request for the closure of my membership."),
        (REFUND, "c: The fee was deducted twice, kindly reverse it."),
    ],
)
def test_words_of_an_ask_no_phrase_read_make_its_absence_unsure(read, kind, said):
    understanding = read(said)
    assert understanding.asks_of(kind) or f"cues of {kind} not read" in understanding.unsure


def test_a_second_charge_is_not_the_agent_holding_the_line(read):
    understanding = read(
        "c: You took the fee twice.",
        "a: I can only see a second payment pending, your bank will drop it.",
        "c: Right, ok.",
    )
    held = read("c: You took the fee twice.", "a: Give me a second.", "c: Ok.")
    assert understanding.under_way is None
    assert held.under_way is not None


@pytest.mark.parametrize(
    ("offer", "answer", "top"),
    [
        ("Would you like 18 back to cover the postage too?", "Oh, yes please.", 18),
        ("I could do 20 as a gesture of goodwill, shall I?", "Ooh, yes, thank you.", 20),
        ("How about 20?", "Well, go on then.", 20),
        ("How about 20?", "Oh that's kind. No, the 12 is fine.", 12),
    ],
)
def test_an_amount_the_agent_proposes_is_the_ask_once_the_customer_takes_it(
    read, offer, answer, top
):
    ask = read.ask(
        REFUND, "c: The lid was cracked, I'd like the 12 back.", f"a: {offer}", f"c: {answer}"
    )
    assert ask is not None
    assert ask.status.granted
    assert max(ask.amounts) == Decimal(top)


def test_a_no_inside_a_condition_of_the_ask_does_not_take_it_back(read):
    ask = read.ask(REFUND, "c: Refund me, as long as I don't have to send it back myself.")
    assert ask is not None
    assert ask.status is AskStatus.ASKED


def test_someone_elses_word_then_a_request_made_to_the_agent_is_not_surely_theirs(read):
    ask = read.ask(REFUND, "c: My brother reckons you'd refund it, so could you refund it?")
    assert ask is not None
    assert ask.status.granted or ask.confidence < SURE


def test_asking_about_a_refund_policy_or_being_undecided_is_no_ask(read):
    policy = read.ask(REFUND, "c: Kindly explain your policy around refunds for opened software.")
    whether = read.ask(REFUND, "c: I'd like to know whether a full refund is ever given for it.")
    undecided = read.ask(REFUND, "c: I have not yet decided whether to ask for a refund.")
    asks = [policy, whether, undecided]
    assert None not in asks
    assert [a.status.granted for a in asks if a is not None] == [False, False, False]


def test_a_customer_who_fixed_it_themself_shows_the_call_resolved_though_not_surely(read):
    understanding = read(
        "c: The printer won't connect.",
        "a: I'll pass this to our hardware team.",
        "c: Oh wait, I've fixed it, the cable was loose. All good.",
    )
    assert understanding.outcome is not None
    assert understanding.outcome.value is Outcome.RESOLVED


def test_dont_bother_putting_it_back_declines_the_refund(read):
    ask = read.ask(REFUND, "c: Don't bother sending the money back to my card, a voucher's fine.")
    assert ask is not None
    assert ask.status is AskStatus.DECLINED


def test_an_intention_given_up_or_a_jab_is_no_closure_asked(read):
    given_up = read.ask(CLOSURE, "c: I was about to close my account, but it's all fixed now.")
    jab = read.ask(
        CLOSURE, "c: Blocked again. Should I just close my account then? Would that suit you?"
    )
    asks = [given_up, jab]
    assert None not in asks
    assert [a.status is AskStatus.ASKED for a in asks if a is not None] == [False, False]


def test_a_want_run_on_into_a_question_about_what_next_still_asks(read):
    ask = read.ask(CLOSURE, "c: yeah i want to close my account how long will that take")
    assert ask is not None
    assert ask.status is AskStatus.ASKED
