"""The lexical backend reads meaning, not keywords: scopes, amounts, offers, sensitive data."""

from dataclasses import replace
from decimal import Decimal

import pytest

from guardrail.context.model import Turn
from guardrail.understanding.lexical import LexicalBackend, Lexicon
from guardrail.understanding.model import (
    SURE,
    AskKind,
    AskStatus,
    FactKind,
    Outcome,
    Reason,
    SensitiveKind,
)
from guardrail.understanding.numbers import bare_amounts
from guardrail.understanding.text import clean

REFUND = AskKind.REFUND
CLOSURE = AskKind.ACCOUNT_CLOSURE


@pytest.mark.parametrize(
    "said",
    [
        "could you just put that back on my card",
        "i want my money back",
        "Can I get $15 back for the delivery fee?",
        "you took it out of my account twice, reverse the charge please",
        "why not just refund me the $36?",
        "so gimme one of 'em back",
        "i need that money returning to my card",
        "I'll want my £60 call-out fee back",
        "kindly revert the excess of 25 dollars to my wallet",
        "please return me the extra 40 you took",
        "could you send back the deposit, the booking fell through",
        "I'd like my 30 euro return please",
        "a tenner off would do me, I'll keep the lamp",
        "honestly half back would be fair",
        "I only want the 12 for the mug, the rest arrived fine",
        "I'd rather not leave the 200 with you, if you see what I mean",
        "I need the deposit returned before Friday",
        "just give me back what I paid",
        "I'm entitled to my money back under the warranty",
        "either that 30 quid comes back to me by Friday or I'm ringing my bank",
        "I'd like the deposit coming back to my card please",
        "could you get those two charges undone",
        "please get the in-app purchases voided",
        "return this money, I never agreed to it",
        "the parking fee 6 pounds please you give back to me",
        "I request the return of the money of my purchase, the toaster burns",
        "I solicit the devolution of the 20 euros of the delivery",
        "please proceed with the reimbursement of the deposit",
        "it dropped to 80 the next day, can I get the difference",
        "the boots are cheaper now, so I'd like the difference",
        "it went on my card twice, so just the duplicate one back please",
        "could ye no just send the tenner back tae me?",
        "can ya not just refund me the fiver",
        "would you not just give me my money back",
        "that charge was never mine, can you take it back off?",
        "please knock the late fee back off my bill",
        "can you wipe the surcharge off, it was your error",
    ],
)
def test_an_indirect_ask_for_money_back_is_a_refund_ask(read, said):
    ask = read.ask(REFUND, f"c: {said}")
    assert ask is not None
    assert ask.status is AskStatus.ASKED


@pytest.mark.parametrize(
    "said",
    [
        "can I return the jacket and swap it for a medium?",
        "money's tight, I need to cut back on my spending",
        "I got the delivery fee back already, thanks",
        "kindly revert with the status of my complaint",
        "the app says 20 off is applied but it isn't",
        "my neighbour got a refund for the same thing",
        "last time I asked for a refund it took a month",
        "refunds are always a nightmare with you, just fix it",
        "the engineer comes back on Tuesday to finish",
        "the kettle came back from repair broken again",
        "I'm happy to pay the difference for the bigger size",
        "the repair shop is asking for 80 to fix it",
        "I can't tell the difference between the two plans",
        "should I get the photos backed up first? I need to back up my files",
        "do I need to send the charger back as well?",
    ],
)
def test_words_near_money_that_ask_for_none_are_no_refund_ask(read, said):
    ask = read.ask(REFUND, f"c: {said}")
    assert ask is None or not ask.status.granted


@pytest.mark.parametrize(
    ("said", "status"),
    [
        (("c: can I have my 30 back once the parcel reaches you?",), AskStatus.ASKED),
        (("c: I want my 60 back on my card, not a voucher for next time",), AskStatus.ASKED),
        (("c: I'd like my money back, if that makes sense",), AskStatus.ASKED),
        (("c: the engineer says it's faulty, can you refund it",), AskStatus.ASKED),
        (("c: I've asked once already, refund me the 20",), AskStatus.ASKED),
        (("c: I was going to say, can you refund me the 20",), AskStatus.ASKED),
        (("c: maybe I could get my money back for it?",), AskStatus.ASKED),
        (
            (
                "c: I want a refund for the mixer",
                "a: I could arrange a repair instead?",
                "c: ok, a repair is fine then",
            ),
            AskStatus.RETRACTED,
        ),
        (("c: I need a working phone not money",), AskStatus.DECLINED),
        (
            (
                "c: please don't put the money back on my card, keep it as credit",
                "a: okay, I can refund it as credit on your account.",
            ),
            AskStatus.OFFERED,
        ),
        (
            ("c: refund me the 30", "a: one moment", "c: you know what, scrap that"),
            AskStatus.RETRACTED,
        ),
        (("c: refund me the 30", "a: one moment", "c: sorry, ignore me"), AskStatus.RETRACTED),
        # "if I could get it", said as welcome, asks
        (("c: the lamp came cracked. if I could get a refund, that'd be great",), AskStatus.ASKED),
        (
            ("c: Late again. Well, if we could have the fee back, that would be lovely.",),
            AskStatus.ASKED,
        ),
        (("c: it never came, so if I could get my money back that'll be fine",), AskStatus.ASKED),
        (
            (
                "c: refund the 30 please",
                "a: it's out for delivery today",
                "c: ok fine, I'll wait then",
            ),
            AskStatus.RETRACTED,
        ),
        (
            (
                "c: the speaker is dead, I want the 45 back",
                "a: try holding the power button for ten seconds?",
                "c: oh it's on now. forget the 45 then, sorry",
            ),
            AskStatus.RETRACTED,
        ),
    ],
)
def test_a_refund_ask_stands_as_the_customer_left_it(read, said, status):
    """A time said with an ask, the form of the money, a discourse "if" keep it asked; money
    refused for something else, an offer after a no, an amount let go do not."""
    ask = read.ask(REFUND, *said)
    assert ask is not None
    assert ask.status is status


@pytest.mark.parametrize(
    "said",
    [
        "c: I closed my old account years ago, this is about the new one",
        "c: I nearly cancelled my membership over this",
        "c: you closed my account without telling me, why?",
        "c: they've already shut my account and I never asked",
        "c: cerraron mi cuenta sin avisar",
    ],
)
def test_a_closure_told_of_as_done_or_nearly_done_is_no_request(read, said):
    ask = read.ask(CLOSURE, said)
    assert ask is None or not ask.status.granted


@pytest.mark.parametrize(
    "said",
    [
        "c: FYI I've already filed a chargeback for the double payment with Barclays.",
        "c: we had opened a chargeback on it last week, so this is just to let you know",
        "c: I've just raised a charge back through my card provider.",
    ],
)
def test_a_chargeback_the_customer_already_raised_with_their_bank_is_no_ask(read, said):
    assert read.ask(REFUND, said) is None


def test_a_request_in_a_forwarded_message_is_not_the_customers(read):
    email = (
        "c: See below from our old bookkeeper, I'll let you know what we decide.\n\n"
        "---------- Forwarded message ---------\nFrom: Dana\nPlease close my account."
    )
    ask = read.ask(CLOSURE, email)
    assert ask is None or not ask.status.granted


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ("I'm not after a refund, I just want to know where it is", AskStatus.DECLINED),
        ("i dont want a refund", AskStatus.DECLINED),
        ("If it's not here by Monday I'll want my money back.", AskStatus.HYPOTHETICAL),
        ("How long do refunds usually take?", AskStatus.QUESTION),
        ("My husband wants his account closed.", AskStatus.THIRD_PARTY),
        ("the missus wants a refund, I'm easy either way", AskStatus.THIRD_PARTY),
        ("My sister just wants her money back, I'm asking for her", AskStatus.THIRD_PARTY),
        ("I told him he should get a refund of the 40 bucks", AskStatus.THIRD_PARTY),
        ("i'm kinda thinkin' about getting the account closed", AskStatus.HYPOTHETICAL),
        ("Please how many days does a refund take?", AskStatus.QUESTION),
        ("Oh great, refund me, that'll fix the boiler.", AskStatus.DECLINED),
        ("I'd rather have a replacement than a refund", AskStatus.DECLINED),
        ("I'll get the account closed unless you sort this out", AskStatus.HYPOTHETICAL),
        ("is it possible to get an account closed over the phone?", AskStatus.QUESTION),
        ("is it too late to get a refund?", AskStatus.QUESTION),
        ("would I be entitled to a refund?", AskStatus.QUESTION),
        # an ask joined to a condition's outcome hangs on the condition too
        (
            "If the parcel is not arrive Tuesday, then I phone again and I want my money back.",
            AskStatus.HYPOTHETICAL,
        ),
        (
            "if nobody fixes it this week, I will write to you and I would like the 40 returned",
            AskStatus.HYPOTHETICAL,
        ),
        (
            "If the seller does not answer, I open a dispute and I want the refund.",
            AskStatus.HYPOTHETICAL,
        ),
        # wanting none of it, inside the ask's words or in dialect
        ("honestly I want no money back, just a working kettle", AskStatus.DECLINED),
        ("we need no refund, only the right size", AskStatus.DECLINED),
        ("mi nuh want di money back, send di right one", AskStatus.DECLINED),
        ("I doh want a refund, I want the shoes", AskStatus.DECLINED),
        ("I ent asking for my money back, just fix it", AskStatus.DECLINED),
    ],
)
def test_scopes_say_how_an_ask_stands(read, said, status):
    kind = CLOSURE if "closed" in said else REFUND
    ask = read.ask(kind, f"c: {said}")
    assert ask is not None
    assert ask.status is status
    assert not ask.status.granted


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ("If it cuts out again though, I'll want my money back.", AskStatus.HYPOTHETICAL),
        (
            "If it goes over £300 next time though, I'd be wanting the difference refunded.",
            AskStatus.HYPOTHETICAL,
        ),
        ("If they charge me twice again, though, I want a refund.", AskStatus.HYPOTHETICAL),
        # a "though" opening a clause still parts it from what came before
        (
            "If it was a gift I'd understand. It arrived broken though I still want my money back.",
            AskStatus.ASKED,
        ),
        ("I know it's an old order, though I'd like a refund.", AskStatus.ASKED),
    ],
)
def test_a_though_closing_a_condition_leaves_the_ask_after_it_conditional(read, said, status):
    ask = read.ask(REFUND, f"c: {said}")
    assert ask is not None
    assert ask.status is status


@pytest.mark.parametrize(
    "said",
    [
        "I want to cancel everything with you",
        "I'd like to end my relationship with the bank",
        "I don't want this account anymore",
        "i want to quit my account",
        "ciérrenme la cuenta por favor, me mudo",
        "quiero darme de baja de la cuenta, ya no la uso",
        "mejor cancélame la membresía, gracias",
        "can you wrap the account up for me, I'm off overseas",
        "time to pack my membership in, I reckon",
    ],
)
def test_leaving_the_company_in_any_words_is_a_closure_ask(read, said):
    ask = read.ask(CLOSURE, f"c: {said}")
    assert ask is not None
    assert ask.status is AskStatus.ASKED


def test_words_read_out_from_someone_elses_message_are_theirs_and_from_ones_own_letter_ours(
    read,
):
    other = read.ask(CLOSURE, "c: My brother texted me: 'get them to close the account.' So yeah.")
    own = read.ask(CLOSURE, "c: I wrote to you: 'I request that my account be closed.' Is it done?")
    assert other is not None
    assert other.status is AskStatus.THIRD_PARTY
    assert own is not None
    assert own.status is AskStatus.ASKED


def test_a_bargain_on_the_company_asks_and_a_savings_account_is_the_customers_own(read):
    bargain = read.ask(REFUND, "c: if you refund half of it I'll keep the chair")
    own = read.ask(CLOSURE, "c: Please close my savings account and send the balance on.")
    assert bargain is not None
    assert bargain.status is AskStatus.ASKED
    assert own is not None
    assert own.status is AskStatus.ASKED


def test_a_thing_named_as_someone_elses_in_a_later_turn_leaves_whose_ask_unsure(read):
    ask = read.ask(
        CLOSURE, "c: he never uses it, I want it closed", "a: Ok?", "c: close his account"
    )
    assert ask is not None
    assert ask.status is AskStatus.THIRD_PARTY
    assert ask.confidence < SURE


@pytest.mark.parametrize(
    "said",
    [
        "ok, I was just asking",
        "I ask for to know only, not for now.",
        "Good. It's just for my information.",
        "question only, thanks",
        "ok, out of curiosity really",
    ],
)
def test_only_asking_takes_the_ask_back(read, said):
    ask = read.ask(REFUND, "c: can I get a refund?", "a: 3 to 5 days.", f"c: {said}")
    assert ask is not None
    assert not ask.status.granted


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        ("I suppose so, yeah", AskStatus.OFFERED_ACCEPTED),
        ("god no", AskStatus.OFFERED_DECLINED),
        ("Aw, that's sweet of you. No, honestly, leave it", AskStatus.OFFERED_DECLINED),
        ("Honestly I'd leave it on the account, it'll get used", AskStatus.OFFERED_DECLINED),
        ("if you say so", AskStatus.OFFERED_ACCEPTED),
        ("Thanks. Go ahead", AskStatus.OFFERED_ACCEPTED),
        ("Oh no, that's awful. Yes please", AskStatus.OFFERED_ACCEPTED),
        ("\U0001f44d", AskStatus.OFFERED_ACCEPTED),
        ("\U0001f44c\U0001f3fd ta", AskStatus.OFFERED_ACCEPTED),
        ("\u2705", AskStatus.OFFERED_ACCEPTED),
        ("\U0001f44e rather a new one", AskStatus.OFFERED_DECLINED),
    ],
)
def test_an_offer_is_taken_or_refused_in_everyday_words(read, answer, status):
    """A thumbs-up, an OK hand or a tick answers as a yes does; a thumbs-down as a no."""
    ask = read.ask(REFUND, "c: it never came", "a: Would you like a refund?", f"c: {answer}")
    assert ask is not None
    assert ask.status is status


def test_an_offer_asked_about_after_it_is_made_and_taken_with_a_hedge_is_surely_taken(read):
    ask = read.ask(
        REFUND,
        "c: the match got moved to another ground",
        "a: I can put the twelve pound booking fee back on your card. Would you like that?",
        "c: I mean... yeah, fine I suppose.",
    )
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_ACCEPTED
    assert ask.confidence >= SURE


def test_picking_one_of_two_things_offered_refuses_the_other(read):
    offer = "a: I can refund the 40 or send you a new one, which do you prefer?"
    by_place = read("c: the kettle arrived dented", offer, "c: the second one please")
    by_name = read("c: the kettle arrived dented", offer, "c: a replacement would be best")
    money = read("c: the kettle arrived dented", offer, "c: the first option")
    for said in (by_place, by_name):
        assert said.asks_of(REFUND)[0].status is AskStatus.OFFERED_DECLINED
        assert said.asks_of(AskKind.REPLACEMENT)[0].status.granted
    assert money.asks_of(REFUND)[0].status is AskStatus.OFFERED_ACCEPTED


@pytest.mark.parametrize(
    "pick",
    [
        "c: I'll go with the first.",
        "c: We'd rather have the first one.",
        "c: Could I pick the first option?",
        "c: I think I'll opt for the first.",
        "c: The first sounds good.",
        "c: The first of those, thanks.",
    ],
)
def test_an_option_picked_by_its_place_with_any_verb_of_choosing_is_taken(read, pick):
    offer = "a: I can offer a refund or a replacement, which do you want?"
    assert read.status(REFUND, "c: my lamp broke", offer, pick) is AskStatus.OFFERED_ACCEPTED
    assert read.status(REFUND, "c: my lamp broke", offer, pick.replace("first", "second")) is (
        AskStatus.OFFERED_DECLINED
    )


def test_an_option_picked_by_its_number_is_taken(read):
    offer = "a: I can offer a refund or a replacement, which do you want?"
    for pick in ("c: Number one, please.", "c: Option 1."):
        assert read.status(REFUND, "c: my lamp broke", offer, pick) is AskStatus.OFFERED_ACCEPTED
    assert read.status(REFUND, "c: my lamp broke", offer, "c: Number two, please.") is (
        AskStatus.OFFERED_DECLINED
    )


@pytest.mark.parametrize(
    "answer", ["c: I don't want the first one.", "c: The first time I rang you said no."]
)
def test_a_place_not_picking_an_option_takes_none(read, answer):
    offer = "a: I can offer a refund or a replacement, which do you want?"
    assert read.status(REFUND, "c: my lamp broke", offer, answer) is not AskStatus.OFFERED_ACCEPTED


@pytest.mark.parametrize(
    "offer",
    [
        "a: we can send a replacement or refund the 20",
        "a: I could refund you or send another, up to you",
        "a: shall I post you another or put the money back on your card?",
        "a: a new one or your money back, whichever you like",
    ],
)
def test_a_bare_yes_to_either_of_two_offers_takes_neither_surely(read, offer):
    said = read("c: it arrived broken", offer, "c: yes please")
    for kind in (REFUND, AskKind.REPLACEMENT):
        ask = said.asks_of(kind)
        assert not ask or not (ask[0].status.granted and ask[0].confidence >= SURE), kind


def test_options_the_agent_sets_out_are_offered_and_one_picked_by_place_is_taken(read):
    options = (
        "a: So there are two options. The first is a repair, the second is a replacement, "
        "and option three is your money back to the card ending 4471."
    )
    said = read("c: the speaker crackles", options, "c: A repair? Nah. The last one.")
    refund, replacement = said.asks_of(REFUND)[0], said.asks_of(AskKind.REPLACEMENT)[0]
    assert refund.status is AskStatus.OFFERED_ACCEPTED
    assert refund.confidence >= SURE
    assert refund.amount is None
    assert replacement.status is AskStatus.OFFERED_DECLINED


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        ("Oh, the first, the first one. I'll be back in May.", AskStatus.OFFERED_DECLINED),
        ("Hmm. The second option, then.", AskStatus.OFFERED_ACCEPTED),
    ],
)
def test_an_option_picked_by_its_place_is_the_one_the_agent_set_out_there(read, answer, status):
    options = (
        "a: I have two options for you. The first option is a freeze for three months, "
        "no charge. The second option is closing the account today."
    )
    ask = read.ask(CLOSURE, "c: I'm moving abroad for a while", options, f"c: {answer}")
    assert ask is not None
    assert ask.status is status
    assert ask.confidence >= SURE


def test_an_offer_asked_as_whether_it_would_help_is_taken_by_it_would(read):
    ask = read.ask(REFUND, "a: Would a partial refund help at all?", "c: it would, yeah")
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_ACCEPTED


def test_an_ask_pointing_back_at_the_one_amount_just_said_is_sure_of_it(read):
    pointed = read.ask(REFUND, "c: I paid $35 for express delivery. I want that back.")
    two = read.ask(REFUND, "c: It was $420 and $35 for delivery. I want that back.")
    assert pointed is not None
    assert pointed.amount == Decimal(35)
    assert pointed.amount_confidence >= SURE
    assert two is not None
    assert two.amount_confidence < SURE


def test_an_offer_answered_with_another_amount_is_taken_at_that_amount(read):
    offer = "a: Just to confirm, you'd like a refund of $80?"
    ask = read.ask(REFUND, "c: I was charged twice", offer, "c: No no, eighteen. Not eighty.")
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_ACCEPTED
    assert ask.amount == Decimal(18)


@pytest.mark.parametrize(
    ("summary", "answer", "amount"),
    [
        (
            "So you want the whole bundle refunded, $75?",
            "no no, not all of it, the charger works. just the cable, that's 12",
            Decimal(12),
        ),
        (
            "To confirm, you'd like the full booking refunded, 240 euros?",
            "God no. Only the second night. 80.",
            Decimal(80),
        ),
        (
            "You're after a refund on the entire hamper, the 55?",
            "nah mate, the cheese was grand, it's only the wine I want back, $19.50",
            Decimal("19.50"),
        ),
    ],
)
def test_an_agent_summary_the_customer_narrows_to_a_part_is_their_ask_for_that_part(
    read, summary, answer, amount
):
    ask = read.ask(REFUND, "c: part of my order came broken", f"a: {summary}", f"c: {answer}")
    assert ask is not None
    assert ask.status.granted
    assert ask.amount == amount


def test_a_no_to_an_agent_summary_naming_a_count_not_a_sum_keeps_the_amount_asked(read):
    ask = read.ask(
        REFUND,
        "c: two of the six plates cracked, they're $9 each, refund those two please",
        "a: So you'd like the whole set of six refunded, $54?",
        "c: No, just the two cracked ones. I'm keeping the other four.",
    )
    assert ask is not None
    assert ask.amount == Decimal(18)


@pytest.mark.parametrize(
    ("answer", "amount"),
    [
        ("Fifteen? Come on. Thirty, and I keep it.", Decimal(30)),
        ("Hmm. Fifteen quid. I paid sixty for it.", Decimal(60)),
    ],
)
def test_an_amount_the_customer_haggles_for_is_the_amount_asked(read, answer, amount):
    ask = read.ask(
        REFUND,
        "c: the lamp came scratched, I want the 60 back",
        "a: If you keep it, I can do fifteen pounds.",
        f"c: {answer}",
    )
    assert ask is not None
    assert ask.status.granted
    assert ask.amount == amount


PRICED_THEN_WORKED_OUT = {
    "I paid 80 for the six-week course and only made three|so half back, fair?": 40,
    "the season ticket cost $200 and the club folded mid-season|I want half back": 100,
    "it was 60 for the two-day hire and it rained the second day|half of it back": 30,
    "bought the jacket for 90, it's now 75 on your site|I'd like the difference": 15,
    "it was £40 at checkout, next morning £32|can I have the difference back": 8,
}


@pytest.mark.parametrize("call", PRICED_THEN_WORKED_OUT)
def test_a_share_or_difference_asked_later_is_worked_out_from_prices_said_before(read, call):
    first, later = call.split("|")
    asks = read(f"c: {first}", "a: Thanks, you're verified.", f"c: {later}").asks_of(REFUND)
    # worked out, never surely what is meant
    expected = Decimal(PRICED_THEN_WORKED_OUT[call])
    assert [(a.amount, a.amount_confidence < SURE) for a in asks] == [(expected, True)]


@pytest.mark.parametrize(
    "then",
    [
        "c: ok, ship the new one then. No need of money.",
        "c: right, send me another one. Don't bother with the money.",
        "c: go on, swap it for the blue one. Forget about the refund.",
    ],
)
def test_a_take_back_naming_an_earlier_ask_takes_that_one_back_not_the_last(read, then):
    said = read(
        "c: the kettle came dented, I'd like my money back",
        "a: I can refund it or send a replacement.",
        then,
    )
    refund, replacement = said.asks_of(REFUND), said.asks_of(AskKind.REPLACEMENT)
    assert [a.status.granted for a in refund] == [False]
    assert [a.status.granted for a in replacement] == [True]


def test_a_take_back_naming_something_else_leaves_both_asks(read):
    said = read(
        "c: the kettle came dented, I'd like my money back",
        "a: Sure. Do you want a receipt emailed?",
        "c: no need for a receipt.",
    )
    assert [a.status.granted for a in said.asks_of(REFUND)] == [True]


@pytest.mark.parametrize(
    "answer",
    [
        "Oh, a voucher refund, wonderful. That'll get my wedding photos back, will it?",
        "Wow, the money back, marvellous. That will fix the holiday, will it?",
        "Fabulous. That will bring the honeymoon back, will it?",
        "Well, a refund, terrific. I'm sure that'll make the kids' day.",
    ],
)
def test_an_offer_mocked_with_praise_is_not_surely_taken(read, answer):
    ask = read.ask(
        REFUND,
        "c: the photographer never turned up to the wedding",
        "a: I'm so sorry. I can refund the 300 deposit.",
        f"c: {answer}",
    )
    assert ask is None or not (ask.status.granted and ask.confidence >= SURE)


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        ("c: two mugs broke, so that's nineteen ninety I'm after", Decimal("19.90")),
        ("c: the late fee was wrong. ten euros we want, no more", Decimal(10)),
        ("c: the strap snapped. $30 is what I'm after, I'll keep the rest.", Decimal(30)),
        ("c: the lid cracked. just the 8.50 for the lid please", Decimal("8.50")),
    ],
)
def test_an_amount_put_first_as_what_is_wanted_asks_for_it(read, said, amount):
    ask = read.ask(REFUND, said)
    assert ask is not None
    assert ask.status.granted
    assert ask.amount == amount


def test_keeping_the_good_ones_counts_things_and_lets_no_amount_go(read):
    ask = read.ask(
        REFUND, "c: I want 25 back for the cracked plates. I'll keep the three good ones."
    )
    assert ask is not None
    assert ask.status.granted
    assert ask.amount == Decimal(25)


@pytest.mark.parametrize(
    ("added", "let_go"),
    [
        (
            "c: Also there's a three dollar service charge on it?",
            "c: Ah ok, keep the three dollars.",
        ),
        ("c: And the delivery was £4.99 too.", "c: fine, forget the 4.99, just the lamp."),
        ("c: plus the two euros for the bag", "c: no, skip the two euros, it's nothing."),
    ],
)
def test_letting_one_of_two_amounts_go_leaves_the_other_asked(read, added, let_go):
    said = ("c: I'd like the 45 for the lamp refunded please", "a: Of course.", added)
    kept = read.ask(REFUND, *said, "a: Noted.", let_go)
    assert kept is not None
    assert kept.status is AskStatus.ASKED
    assert kept.amount == Decimal(45)


@pytest.mark.parametrize("let_go", ["c: ah, keep the 45 then", "c: oh, forget the 45, it's fine"])
def test_letting_the_only_amount_asked_go_takes_the_ask_back(read, let_go):
    said = ("c: I'd like the 45 for the lamp refunded please", "a: I can see the charge.")
    ask = read.ask(REFUND, *said, let_go)
    assert ask is not None
    assert ask.status is AskStatus.RETRACTED


@pytest.mark.parametrize(
    "said",
    [
        "c: So £30 back would be right, I did use the other three.",
        "c: Just refund $12 for the one, we ate the other two.",
        "c: I'd take 20 back, the other nights were fine.",
    ],
)
def test_the_other_things_the_customer_used_add_nothing_to_the_amount_asked(read, said):
    ask = read.ask(
        REFUND,
        "c: I paid 60 for six, can I get something back for the ones that were bad?",
        "a: What would you like?",
        said,
    )
    assert ask is not None
    assert ask.amount in (Decimal(30), Decimal(12), Decimal(20))


def test_the_other_charge_named_besides_adds_to_the_amount_asked(read):
    ask = read.ask(
        REFUND,
        "c: can I get the $15 late fee back?",
        "a: I can see it.",
        "c: and the other $5 one as well please",
    )
    assert ask is not None
    assert ask.amount == Decimal(20)


def test_a_refund_taken_back_in_a_later_turn_is_retracted(read):
    ask = read.ask(REFUND, "c: I want a refund please", "a: Sure.", "c: actually never mind")
    assert ask is not None
    assert ask.status is AskStatus.RETRACTED


@pytest.mark.parametrize(
    "said",
    [
        "oh, it's been done already? then there's nothing to do",
        "ah right, no need for anything then",
        "great, so nothing else is needed from you",
    ],
)
def test_an_ask_found_already_done_is_taken_back(read, said):
    ask = read.ask(
        REFUND,
        "c: there's a $12 admin fee on my bill, I want the 12 back",
        "a: I can see that fee was already credited last week.",
        f"c: {said}",
    )
    assert ask is not None
    assert ask.status is AskStatus.RETRACTED


def test_a_charge_having_nothing_to_do_with_the_customer_takes_nothing_back(read):
    ask = read.ask(
        REFUND, "c: I want the 12 back", "a: Let me look.", "c: that fee has nothing to do with me"
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED


def test_the_thing_settled_on_last_drops_the_other_it_stands_in_for(read):
    said = (
        "c: the blender arrived with a cracked jug, I want my money back",
        "a: I can do that, or send a new one tomorrow.",
        "c: hmm, let me think. The money, I guess.",
        "a: Okay.",
    )
    changed = read(*said, "c: No, you know what, I'd rather have the replacement.")
    drifted = read(*said, "c: Send me the replacement then.")
    both = read(*said, "c: And send me a replacement jug too please.")
    refund, replacement = changed.asks_of(REFUND)[0], changed.asks_of(AskKind.REPLACEMENT)[0]
    assert refund.status is AskStatus.RETRACTED
    assert refund.confidence >= SURE
    assert replacement.status is AskStatus.ASKED
    assert drifted.asks_of(REFUND)[0].status is AskStatus.RETRACTED
    assert drifted.asks_of(REFUND)[0].confidence < SURE
    assert both.asks_of(REFUND)[0].status is AskStatus.ASKED


ON_THE_TABLE = (
    "c: the mixer rattles, I suppose I could have the 80 back",
    "a: Sure, or we can fix it under warranty. No rush.",
)
OFFERED = (
    "c: the outage lasted all weekend",
    "a: I can put ten pounds back on your card for that if you like?",
)


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ((*ON_THE_TABLE, "c: Right. I'd better sleep on it."), AskStatus.RETRACTED),
        (
            (*ON_THE_TABLE, "c: Let me just talk it over with my partner first."),
            AskStatus.RETRACTED,
        ),
        ((*ON_THE_TABLE, "c: Hmm, I haven't decided. Maybe another time."), AskStatus.RETRACTED),
        ((*ON_THE_TABLE, "c: I'll have a think about the new plans."), AskStatus.ASKED),
        (
            (*ON_THE_TABLE, "c: OK. I need ask my wife first, then I ring back."),
            AskStatus.RETRACTED,
        ),
        ((*ON_THE_TABLE, "c: Eighty, good. I must check with the owner."), AskStatus.RETRACTED),
        ((*ON_THE_TABLE, "c: Hmm. I need talk to my father about it."), AskStatus.RETRACTED),
        ((*OFFERED, "c: that's good of you, but I'll have a think."), AskStatus.OFFERED_DECLINED),
    ],
)
def test_a_decision_put_off_takes_back_only_what_was_on_the_table(read, said, status):
    ask = read.ask(REFUND, *said)
    assert ask is not None
    assert ask.status is status


def test_it_in_an_answer_points_back_at_the_account_the_agents_open_question_named(read):
    question = "a: Congratulations! What would you like to do with the membership now?"
    closing = read.ask(CLOSURE, question, "c: Oh, close it up, I don't go any more.")
    keeping = read.ask(CLOSURE, question, "c: Keep it open for now, I might go back.")
    assert closing is not None
    assert closing.status is AskStatus.ASKED
    assert keeping is None or not keeping.status.granted


@pytest.mark.parametrize(
    "then",
    [
        "c: close my account... no, leave it open",
        "c: Wait. Direct debit? No, not close. Keep open please.",
        "c: sorry, sorry. don't close. leaving active, I think again.",
        "c: hmm, in that case leave open for now",
        "c: Ah, only twenty a month? Okay, then I stay.",
        "c: hmm. fine, we keep it, the cheaper plan is ok",
        "c: So, I stay, change me to the basic one.",
        "c: Half price for a year? Fine, at that rate I'll carry on.",
        "c: oh go on then, I will continue with you",
        "c: ok you've talked me round, we'll stick with you",
    ],
)
def test_keeping_the_account_open_after_asking_to_cancel_is_not_a_closure(read, then):
    ask = read.ask(CLOSURE, "c: Close account, I use other bank now.", "a: I can do that.", then)
    assert ask is not None
    assert not ask.status.granted
    assert ask.confidence >= SURE


def test_going_on_with_the_closure_is_no_staying(read):
    ask = read.ask(
        CLOSURE,
        "c: close my account please",
        "a: Are you sure?",
        "c: yes, I'll carry on with the closure",
    )
    assert ask is not None
    assert ask.status.granted


@pytest.mark.parametrize(
    "said",
    [
        ("c: Someone's used my debit card online. I want it shut down. The card, I mean.",),
        ("c: My order's wrong again, just cancel it.", "c: Cancel the order, I mean."),
        (
            "c: I'm fed up, close it please.",
            "c: No, the complaint. Close the complaint, it's sorted.",
        ),
    ],
)
def test_a_closure_of_it_then_said_to_be_of_another_thing_is_not_surely_the_accounts(read, said):
    ask = read.ask(CLOSURE, *said)
    assert ask is None or not (ask.status.granted and ask.confidence >= SURE)


def test_a_closure_of_the_account_by_name_stays_when_the_card_is_named_after(read):
    ask = read.ask(CLOSURE, "c: close my account please.", "c: the card, I mean, cut it up too.")
    assert ask is not None
    assert ask.status.granted


@pytest.mark.parametrize(
    "refusal",
    [
        "a: I'm afraid I can't refund it, it was on clearance.",
        "a: We can't give money back on opened software, sorry.",
        "a: I can not put that back on your card, the window has passed.",
    ],
)
def test_an_agent_saying_they_cannot_do_it_offers_nothing_to_accept(read, refusal):
    ask = read.ask(REFUND, "c: the lamp came broken", refusal, "c: ok")
    assert ask is None or not ask.status.granted


@pytest.mark.parametrize(
    "offer",
    [
        "a: I could refund your shipping if you like?",
        "a: It's no trouble to refund the shipping instead, if that's easier.",
        "a: Honestly, it'd be no bother at all to put the shipping back on your card.",
    ],
)
def test_an_agent_offer_the_customer_accepts_is_granted_and_one_declined_is_not(read, offer):
    accepted = read.ask(REFUND, "c: my parcel is late", offer, "c: yes please")
    declined = read.ask(REFUND, "c: my parcel is late", offer, "c: nah. thanks, but no need")
    assert accepted is not None
    assert accepted.status is AskStatus.OFFERED_ACCEPTED
    assert declined is not None
    assert declined.status is AskStatus.OFFERED_DECLINED
    assert declined.confidence >= SURE


@pytest.mark.parametrize(
    ("said", "amount", "currency"),
    [
        ("can i have thirty quid back", Decimal(30), "GBP"),
        ("a fiver back would do", Decimal(5), "GBP"),
        ("refund me €15", Decimal(15), "EUR"),
        ("refund the twelve ninety nine", Decimal("12.99"), None),
        ("forty back please... actually twenty is fine", Decimal(20), None),
        ("refund me fifty euros no sorry 10 euros", Decimal(10), "EUR"),
        ("I paid $129.99, can you refund the $30 difference?", Decimal(30), "USD"),
        ("Could I get a refund of $30 for the glasses. And $35 for the jug", Decimal(65), "USD"),
        ("bung us a pony back", Decimal(25), "GBP"),
        ("it was one five dollars, refund that", Decimal(15), "USD"),
        ("i want fifty quid back well 20 pounds would do", Decimal(20), "GBP"),
        ("The lamp was $80. If you refund 25% of the price I'll keep it.", Decimal(20), "USD"),
        ("refund me 3 bucks, half the difference", Decimal(3), "USD"),
        ("it was fifty, I want half back", Decimal(25), None),
        ("I don't need the whole amount back, just the £10 delivery fee", Decimal(10), "GBP"),
        ("I don't want all forty back, twenty would do", Decimal(20), None),
        ("i want the 12 pounds back and the 15 quid back", Decimal(27), "GBP"),
        ("just that forty back please, the rest of the one forty bill is fine", Decimal(40), None),
        (
            "I paid 80 for the boots, they're 65 now, can I get the difference back",
            Decimal(15),
            None,
        ),
        ("the set was 120, so what I paid less the 20 postage please", Decimal(100), None),
        ("it came to 75 with the 10 delivery, refund me minus the delivery", Decimal(65), None),
        ("refund me the charger, 19.99", Decimal("19.99"), None),
        ("cobraron trescientos, I want back the difference, ciento cincuenta", Decimal(150), None),
        ("quiero mi dinero back, fueron veintidós con noventa", Decimal("22.90"), None),
        ("the two hundred and ten, can you put that back on my card", Decimal(210), None),
        # a learner leaves the object out: the amount just named is what they want back
        ("only the delivery, the 12, please give back to me", Decimal(12), None),
        ("this fee, 8 dollars, I want back, the rest is fine", Decimal(8), "USD"),
        ("no, the forty-five, you send back on my card", Decimal(45), None),
        ("refund the difference between 140 and 115 please", Decimal(25), None),
        ("the bowl and the jug came cracked, refund both, 12 and 18", Decimal(30), None),
        (
            "the lamp was $40 and the shade $12. the shade is torn, refund the shade",
            Decimal(12),
            "USD",
        ),
        ("refund me €12,50 please", Decimal("12.5"), "EUR"),
        ("just the booking fee back please, it was 3.75", Decimal("3.75"), None),
        ("they billed 300 on 2 March, reverse that charge please", Decimal(300), None),
        ("please reverse the 2 duplicate payments of 19.99", Decimal("19.99"), None),
        ("keeping the drone, just the fifty bucks difference please", Decimal(50), "USD"),
        ("refund the three tickets, they were 12.50 each", Decimal("37.50"), None),
        ("refund me the two forty-nine ninety-five", Decimal("249.95"), None),
        ("I'd like the difference, please, the thirty-five dollars", Decimal(35), "USD"),
        ("the tumblers are 6.50 each, four came cracked. can I get those four refunded", 26, None),
        ("two of the plates broke, they were 12 dollars each, refund both please", 24, "USD"),
    ],
)
def test_the_amount_asked_is_read_from_words_slang_and_corrections(read, said, amount, currency):
    ask = read.ask(REFUND, f"c: {said}")
    assert ask is not None
    assert (ask.amount, ask.currency) == (amount, currency)


def test_a_count_said_later_is_no_amount(read):
    ask = read.ask(
        REFUND,
        "c: the upgrade shows twice on my card, I'd like the second one put back",
        "a: Done. Anything else?",
        "c: no, you've done all three things I rang about, thanks",
    )
    assert ask is not None
    assert ask.amount is None


def test_an_amount_said_ambiguously_is_settled_by_its_reading_named_with_a_currency(read):
    ask = read.ask(
        REFUND,
        "a: I see the Pro add-on at $4.50 a month.",
        "c: yeah, can I get the four fifty back?",
        "a: Sure, I'll return the $4.50 to your card.",
        "c: thanks",
    )
    assert ask is not None
    assert ask.amounts == (Decimal("4.50"),)
    assert ask.amount_confidence >= SURE


@pytest.mark.parametrize(
    ("said", "amounts"),
    [
        ("can i have two fifty back", (Decimal("2.50"), Decimal(250))),
        ("just refund the one twenty", (Decimal("1.20"), Decimal(120))),
        ("refund the twelve ninety nine", (Decimal("12.99"),)),
        ("can i have £2.50 back", (Decimal("2.50"),)),
        (
            "Can you refund the eggs and yogurt? That's $4.50 and $3.20.",
            (Decimal("4.50"), Decimal("7.70")),
        ),
        ("She rented 4 films at $5.99 each, refund them", (Decimal("5.99"), Decimal("23.96"))),
        (
            "She rented 4 films. They're $5.99 each. Refund them.",
            (Decimal("5.99"), Decimal("23.96")),
        ),
        ("can I get about forty back", (Decimal(40), Decimal(44))),
        ("a tenner-ish back would do", (Decimal(10), Decimal(11))),
        ("I want 15 or 20 back", (Decimal(15), Decimal(20))),
        ("refund the four 12 dollar tickets", (Decimal(12), Decimal(48))),
    ],
)
def test_an_amount_spoken_ambiguously_keeps_every_plausible_reading(read, said, amounts):
    ask = read.ask(REFUND, f"c: {said}")
    assert ask is not None
    assert ask.amounts == amounts


def test_a_count_of_things_is_no_amount(read):
    counted = (
        "c: I'd like those four charges refunded please, all of them",
        "c: can you reverse the 3 transactions from Saturday",
        "c: refund the 2 kids meals that never came",
    )
    asks = [read.ask(REFUND, said) for said in counted]
    assert [(a.status, a.amount) if a else None for a in asks] == [(AskStatus.ASKED, None)] * 3


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        ("I want money back for the outage, the four, four days it was down", None),
        ("refund me the stay, the two... two nights we couldn't use the room", None),
        ("can I get the lessons back, um, the 6, sorry 6 weeks the pool was shut", None),
        # in the asking clause itself, a hesitation not ending it
        ("I want money back for the dead days, um, the three, three days", None),
        ("refund the nights, er, the two, two nights", None),
        # an amount, then another number with its unit
        ("I want money back for the outage, the 40, it was down four days", Decimal(40)),
        ("refund me the stay, the 90, 2 nights we couldn't use", Decimal(90)),
    ],
)
def test_a_number_said_again_with_its_unit_is_a_count_not_the_amount(read, said, amount):
    assert read.ask(REFUND, f"c: {said}").amount == amount


def test_an_amount_in_the_asking_clause_is_sure_and_one_said_elsewhere_is_not(read):
    named = read.ask(REFUND, "c: it broke, can i get $30 back please")
    paid = read.ask(REFUND, "c: i paid $30 for it, i want my money back")
    assert named is not None
    assert paid is not None
    assert named.amount_confidence >= SURE > paid.amount_confidence


def test_an_amount_in_words_joined_by_and_is_one_amount(read):
    ask = read.ask(REFUND, "c: reimburse the one hundred and twenty bucks please")
    assert ask is not None
    assert ask.amount == Decimal(120)


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        ("it turned up in bits", Reason.DAMAGED),
        ("it should have been here Tuesday", Reason.LATE),
        ("you took it out of my account twice", Reason.BILLING),
        ("you billed me 80 for a scratch on the wing that isn't there", Reason.BILLING),
        ("they charged me for a broken mirror that I never did", Reason.BILLING),
        ("the van came with a scratch that wasn't there before", Reason.DAMAGED),
    ],
)
def test_a_reason_described_not_named_is_the_refund_reason(read, said, reason):
    """A charge for damage the customer says is not there is a billing problem."""
    ask = read.ask(REFUND, f"c: {said}, I want my money back")
    assert ask is not None
    assert ask.reason is reason


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        ("the kettle carked it after two days", Reason.DAMAGED),
        ("the handle came off the first time I used it", Reason.DAMAGED),
        ("there's a massive dent in the side", Reason.DAMAGED),
        ("it took nine days to get here", Reason.LATE),
        ("the delivery date came and went", Reason.LATE),
        ("the direct debit came out twice this month", Reason.BILLING),
        ("you charged me for a plan I cancelled", Reason.BILLING),
        ("there's a charge I did not authorise", Reason.BILLING),
        ("your engineer never showed and I took the day off work", Reason.GOODWILL),
        ("I've been a loyal customer for years and been messed about", Reason.GOODWILL),
        ("the heater stopped heating", Reason.DAMAGED),
        ("my new phone keeps restarting by itself", Reason.DAMAGED),
        ("the courier lost my parcel", Reason.LATE),
        ("tracking hasn't moved in ten days", Reason.LATE),
        ("my subscription renewed even though I cancelled it", Reason.BILLING),
        ("you took £40 instead of £20", Reason.BILLING),
        ("I've been a member for ten years and this is how you treat me", Reason.GOODWILL),
        ("the plumber was supposed to come Monday and came Wednesday", Reason.LATE),
        ("we sat on the runway for three hours and missed the connection", Reason.LATE),
        ("the dumplings were missing from the bag", Reason.WRONG_ITEM),
        ("you still took the premium after I ended the policy", Reason.BILLING),
        # a fee for an overdraft that never was
        ("they took the overdraft fee but my account was never overdrawn", Reason.BILLING),
        ("35 fee for going over, but the balance at no point went negative", Reason.BILLING),
        # a learner's present for the past
        ("I stop the gym in May but you still take the money in June", Reason.BILLING),
        ("the contract is finish, and they again charge my card", Reason.BILLING),
        ("I close the line already, why you also bill me for it", Reason.BILLING),
        ("the fee was applied in error, it should never have been charged", Reason.BILLING),
        ("the box keeps buffering and the channels went black", Reason.TECHNICAL),
        ("the milk had gone off", Reason.DAMAGED),
        ("it's three days past the delivery date", Reason.LATE),
        ("the courier says delivered but it's not here", Reason.LATE),
        ("you billed me $80 but the quote was $50", Reason.BILLING),
        ("the promo discount wasn't applied", Reason.BILLING),
        ("I got a blue one and I ordered red", Reason.WRONG_ITEM),
        ("I'm a platinum member and you still charged me for seat selection", Reason.BILLING),
        ("the bill was an estimated reading again", Reason.BILLING),
        ("you gave me the 5 mg pack and my prescription is for 10", Reason.WRONG_ITEM),
        ("I am waiting the sofa since three weeks", Reason.LATE),
        ("the voucher didn't come off at checkout", Reason.BILLING),
        ("they promised me 15 percent off and I never got it", Reason.BILLING),
        ("the label on the rail said less than I paid", Reason.BILLING),
        ("you billed us for a quarter we weren't even customers", Reason.BILLING),
        ("the pizza was stone cold when it arrived", Reason.DAMAGED),
        ("the blender doesn't do what it says it does", Reason.DAMAGED),
        ("the cardigan shrank the first time I washed it", Reason.DAMAGED),
        ("the apartment was filthy when we checked in", Reason.SERVICE),
        ("the membership renewed even though I'd switched renewal off", Reason.BILLING),
        ("you took the instalment five days early", Reason.BILLING),
        ("my premium has gone up by a third", Reason.BILLING),
        ("my account was debited for a booking I cancelled", Reason.BILLING),
        ("the table is wonky", Reason.DAMAGED),
        ("the headset only works on one side", Reason.DAMAGED),
        ("the left speaker quit", Reason.DAMAGED),
        ("I paid for 2 day delivery. It took 6.", Reason.LATE),
        ("they said 2 weeks for the sofa, it's been 7", Reason.LATE),
        ("the fast track visa was meant to be 5 working days and it took over 20", Reason.LATE),
        ("the dressing wasn't in the bag", Reason.WRONG_ITEM),
        ("opened it up and the cable's not in there", Reason.WRONG_ITEM),
        ("we got three of the veggie trays instead", Reason.WRONG_ITEM),
        ("my kettle's quit on me", Reason.DAMAGED),
        ("the trimmer quit working after a week", Reason.DAMAGED),
        ("the box came half empty", Reason.WRONG_ITEM),
        ("they sent the large one, not the small", Reason.WRONG_ITEM),
        ("the parcel this morning is not my shopping", Reason.WRONG_ITEM),
        ("the box was not mine, a different family name on it", Reason.WRONG_ITEM),
        ("open the bag and it has other customer order inside", Reason.WRONG_ITEM),
        ("I only got two of the four plates", Reason.WRONG_ITEM),
        ("the driver keeps saying tomorrow", Reason.LATE),
        ("the app crashed at checkout", Reason.TECHNICAL),
        ("the fan has just stopped spinning", Reason.DAMAGED),
        ("the invoice has the call-out on it two times", Reason.BILLING),
        ("there are two bills here for the same delivery", Reason.BILLING),
        ("it said 45 pounds and then 45 pounds again underneath", Reason.BILLING),
        ("the scan was cancelled and I still paid for it", Reason.BILLING),
        ("the engineer never came out but the visit is on my bill", Reason.BILLING),
        (
            "the plumber stood us up. and now there's an 85 dollar call-out fee on my bill",
            Reason.BILLING,
        ),
        ("nobody rang me. now I see a missed appointment charge on my statement", Reason.BILLING),
        (
            "they lost my booking, but now you've put a cancellation fee on my account",
            Reason.BILLING,
        ),
        ("it was listed at 80 but my card got charged 95", Reason.BILLING),
        ("I paid about 20 more than I should have", Reason.BILLING),
        ("you've put me on the wrong tariff", Reason.BILLING),
        ("they must have read the meter wrong", Reason.BILLING),
        ("we're billed for ten licences but we only use six", Reason.BILLING),
        ("the price has dropped since I bought it", Reason.BILLING),
        ("the parcel rocked up on Thursday, four days later", Reason.LATE),
        ("you said Wednesday. it's friday, still nothing", Reason.LATE),
        ("I ordered the large frame, you sent me the small one", Reason.WRONG_ITEM),
        ("i order green kettle. you send white one", Reason.WRONG_ITEM),
        ("the charger you sent is for a Dell and I have a Lenovo", Reason.WRONG_ITEM),
        ("they moved me to a standard room when I'd paid for the suite", Reason.SERVICE),
        ("the strap has come right off my new handbag", Reason.DAMAGED),
        ("the cake turned up the morning after the party", Reason.LATE),
        ("the airline kept my suitcase for four days", Reason.LATE),
        ("you've billed me for three months in one go", Reason.BILLING),
        ("you took 30 after we cancelled", Reason.BILLING),
        ("they estimated our gas at twice what we burn", Reason.BILLING),
        ("ten days for a chair that was supposed to take 2 days", Reason.LATE),
        ("the bill says 300 but the quote you sent me said 250", Reason.BILLING),
        ("dabba khola to mug toota tha", Reason.DAMAGED),
        ("we ordered the cake for 3pm and it came at half 5", Reason.LATE),
        ("the pizza turned up gone midnight", Reason.LATE),
        ("paid the deposit in March and nobody's come since", Reason.LATE),
        ("the courier got completely lost on the way", Reason.LATE),
        ("on my statement appear two times the same payment of 40", Reason.BILLING),
        ("there are 2 identical parking charges for one stay", Reason.BILLING),
        ("the gym still take 30 pound from my card after I cancel", Reason.BILLING),
        ("and in April you take again 12.99", Reason.BILLING),
        ("me cobraron dos veces el mismo pedido", Reason.BILLING),
        ("la mitad de las fresas estaban podridas", Reason.DAMAGED),
        ("the prawns smelt off the moment I opened them", Reason.DAMAGED),
        ("the milk had gone sour before the date", Reason.DAMAGED),
        ("the right earbud is completely silent", Reason.DAMAGED),
        ("there's no sound from the soundbar at all", Reason.DAMAGED),
        ("el cargador no funciona", Reason.DAMAGED),
        ("the fridge makes a horrible buzz all night", Reason.DAMAGED),
        ("I sold the caravan but my premium never went down", Reason.BILLING),
        ("I'm paying 60 a month and it should be 45", Reason.BILLING),
        ("every bill is twelve pounds extra", Reason.BILLING),
        ("my new headphones keep crackling in the left ear", Reason.DAMAGED),
        ("on my statement there's a gym fee but I never joined a gym", Reason.BILLING),
        ("on the invoice, six chairs. in the van, nothing", Reason.BILLING),
        ("the direct debit went through anyway", Reason.BILLING),
        ("they cut my phone off for non-payment. i paid, i have the receipt", Reason.BILLING),
        ("a penalty of twenty pounds, but I paid before the deadline", Reason.BILLING),
        ("I'm not paying for texts I don't send", Reason.BILLING),
        ("I stopped the subscription, but I got billed again", Reason.BILLING),
        # billed on guesses, of the bill or of the company
        ("the gas bill was estimated yet again", Reason.BILLING),
        ("they keep estimating my usage instead of reading the meter", Reason.BILLING),
        ("you've been estimating us since the spring", Reason.BILLING),
        ("the estimates were way too high all winter", Reason.BILLING),
        # a charge higher than it should be
        ("this quarter's bill is far too high for a one-bed flat", Reason.BILLING),
        ("my statement came and it's way too much", Reason.BILLING),
        # charged for what was said to be free or waived
        ("there's a 25 activation fee, the salesman told me activation was free", Reason.BILLING),
        ("a delivery charge on the invoice, but delivery was meant to be included", Reason.BILLING),
        ("you added an admin fee. the lady said it would be waived", Reason.BILLING),
        # charged for a time after leaving
        ("I left the flat in May and you still billed the line rent through June", Reason.BILLING),
        ("we switched in March but they charged the standing charge for April", Reason.BILLING),
        # cancelled, and still charged, a fragment or two between
        ("I cancelled the sports thing? In, um, August? And it's still on there.", Reason.BILLING),
        # quoted one price, drawn another
        ("My quote said 280 a month. You drew 312 off my account.", Reason.BILLING),
        # charges the customer never asked for
        ("three charges from you this month and two of them I didn't ask for", Reason.BILLING),
    ],
)
def test_a_problem_is_read_by_its_meaning_class_in_any_wording(read, said, reason):
    assert reason in {i.reason for i in read(f"c: {said}").issues if not i.negated}


@pytest.mark.parametrize(
    "said",
    [
        "the estimated delivery date is Friday",
        "you estimated the repair at two weeks",
        "the volume is far too high on the new handset",
        "the engineer said the repair would be free under warranty",
        "I left the keys with the neighbour and you collected the parcel fine",
    ],
)
def test_words_of_estimates_prices_and_leaving_about_no_wrong_bill_are_no_billing_issue(read, said):
    assert Reason.BILLING not in {i.reason for i in read(f"c: {said}").issues}


def test_people_going_quiet_or_a_silent_setting_is_no_fault(read):
    for said in ("c: the kids went silent when he walked in", "c: my phone was on silent mode"):
        assert not read(said).issues


@pytest.mark.parametrize(
    "said",
    [
        "c: hold on, my son's just come in, he'll know. The mower won't start.",
        "c: sorry, my husband has only just arrived home. Anyway, the screen is cracked.",
        "c: I've just got here from work, the kettle leaks everywhere.",
    ],
)
def test_a_person_arriving_is_no_late_delivery(read, said):
    reasons = {i.reason for i in read(said).issues}
    assert Reason.LATE not in reasons
    assert Reason.DAMAGED in reasons


def test_a_parcel_only_just_arriving_is_still_late(read):
    issues = read("c: the parcel has only just arrived, two weeks after you said").issues
    assert Reason.LATE in {i.reason for i in issues}


def test_a_problem_stated_before_a_condition_counts_and_one_inside_it_does_not(read):
    stated = read("c: the microwave won't turn on and worst case if nothing works I want $50 back")
    conditional = read("c: if it arrives damaged I'll want my money back")
    assert Reason.DAMAGED in {i.reason for i in stated.issues}
    assert conditional.issues == ()


@pytest.mark.parametrize(
    "said",
    [
        "It's not broken or anything, I just don't like the colour.",
        "They say there's a scratch on the bumper which isn't even there.",
        "The report lists a crack that doesn't exist, I have the photos.",
        "The man at the desk pointed to a dent which I didn't do.",
    ],
)
def test_a_problem_the_customer_denies_is_read_as_denied(read, said):
    issues = read(f"c: {said}").issues
    assert [(i.reason, i.negated) for i in issues] == [(Reason.DAMAGED, True)]


@pytest.mark.parametrize(
    "said",
    [
        "There's a tiny scuff on the lid, but that's nothing. It got here a week late though.",
        "The packaging was a bit crushed, doesn't matter. What annoys me is it came a week late.",
        "bit of a scratch on the side no big deal, it's the late delivery that's the problem",
        "the carton was torn, honestly that's not an issue, it just turned up days late",
    ],
)
def test_a_problem_waved_away_right_after_it_is_named_is_not_the_one_called_about(read, said):
    issues = {i.reason: i.negated for i in read(f"c: {said}").issues}
    assert issues.get(Reason.DAMAGED) is not False  # not stated, or stated as denied
    assert issues.get(Reason.LATE) is False


def test_a_problem_said_fine_otherwise_is_still_the_problem(read):
    issues = read("c: the screen came cracked, it's fine otherwise").issues
    assert [(i.reason, i.negated) for i in issues] == [(Reason.DAMAGED, False)]


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("my card is four one one one one one one one one one one one one one one one", "card"),
        ("card number 4111 1111 1111 1111 expiry twelve twenty six", "card"),
        ("my social is one two three four five six seven eight nine", "ssn"),
        ("ssn 219-09-9999", "ssn"),
        ("it's four one one one, one one one one, one one one one, one one one one", "card"),
        ("my social is one two three, four five, six seven eight nine", "ssn"),
        ("my social's three one two, um, sorry, six four, hang on, eight eight two one", "ssn"),
        (
            "card's five five double oh, double oh double oh, double oh double oh, double oh oh four",
            "card",
        ),
        ("four triple one, triple one one, one triple one, one one double one", "card"),
    ],
)
def test_card_numbers_and_ssns_are_found_in_any_written_form_and_never_kept(read, said, kind):
    found = read(f"c: {said}").sensitive
    assert [s.kind for s in found] == [SensitiveKind(kind)]
    assert all(e.text in ("[CARD]", "[SSN]") for s in found for e in s.evidence)


def test_a_number_that_fails_the_luhn_check_is_not_a_card(read):
    assert read("c: my order is 4111 1111 1111 1112").sensitive == ()


@pytest.mark.parametrize(
    "said",
    [
        "c: the reference is 12719169 / 22038",  # 13 digits, Luhn-valid: only Visa's are 13
        "c: order 9817 4402 1183 6624 please",  # no scheme issues cards from 9
        "c: tracking 0004 5821 9930 0172",
        "c: booking 7301-2245-8891-3340",
        "c: the policy number is 1234 5678 9012 3452",  # 16 from 1: UATP's are 15
    ],
)
def test_a_luhn_valid_number_no_card_scheme_issues_is_not_a_card(read, said):
    assert read(said).sensitive == ()


@pytest.mark.parametrize(
    "said",
    ["c: it's 4222 2222 22222", "c: card 3056 930902 5904", "c: my uatp is 1354 100140 04955"],
)
def test_a_card_of_a_schemes_own_length_is_a_card(read, said):
    assert [s.kind for s in read(said).sensitive] == ["card"]


@pytest.mark.parametrize(
    ("last", "outcome"),
    [
        ("c: it's working now, thanks", Outcome.RESOLVED),
        ("a: our engineer will give you a ring on Monday", Outcome.CALLBACK_SCHEDULED),
    ],
)
def test_the_outcome_the_transcript_shows_is_read(read, last, outcome):
    reading = read("c: my wifi keeps dropping", "a: I've reset your router.", last)
    assert reading.outcome is not None
    assert reading.outcome.value is outcome


def test_no_outcome_is_read_from_a_call_still_going(read):
    assert read("c: my wifi keeps dropping", "a: let me check").outcome is None


def test_speech_to_text_is_read_like_chat_and_never_more_surely(read):
    chat = read.ask(REFUND, "c: I was charged twice. I want my money back, it was thirty quid.")
    asr = read.ask(
        REFUND,
        "c: um so yeah i i was charged twice for the the order and uh i want my money back "
        "its like thirty quid",
    )
    assert chat is not None
    assert asr is not None
    assert (asr.status, asr.amount, asr.reason) == (chat.status, chat.amount, chat.reason)
    assert asr.confidence <= chat.confidence


def test_speech_to_text_readings_are_discounted_by_the_calibrated_factor():
    said = "um so yeah i i was charged twice for the order and uh i want my money back"
    speech = [Turn(role="customer", text=said)]
    lexicon = Lexicon.default()
    doubted = replace(lexicon, asr_factor=0.5)
    full = LexicalBackend(lexicon).understand(speech).asks[0].confidence
    halved = LexicalBackend(doubted).understand(speech).asks[0].confidence
    assert halved == pytest.approx(full * 0.5, abs=0.002)


def test_evidence_points_at_the_words_in_the_turn(read):
    said = "Hello there. Could you put that back on my card?"
    (ask,) = read(f"c: {said}").asks
    (evidence,) = ask.evidence
    assert said[evidence.start : evidence.end] == evidence.text
    assert "back on my card" in evidence.text


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ("c: bin my account, I'm done", AskStatus.ASKED),
        ("c: i want nothing more to do with you lot", AskStatus.ASKED),
        ("c: I'm taking my business elsewhere", AskStatus.ASKED),
        ("c: I'm not going anywhere, don't close it", AskStatus.DECLINED),
        ("c: Could you explain the process for closing an account.", AskStatus.QUESTION),
        ("c: How can I close my account?", AskStatus.QUESTION),
        ("c: could you wrap it up for me, the account?", AskStatus.ASKED),
        ("c: I am writing to request the closure of my account", AskStatus.ASKED),
        ("c: pls shut everthing down on my account", AskStatus.ASKED),
        ("c: the membership is no longer needed, please end it", AskStatus.ASKED),
        ("c: as soon as my last payment clears I'm closing this account", AskStatus.HYPOTHETICAL),
        ("c: maybe we should just close the account, would that wake you up?", AskStatus.DECLINED),
        ("c: perhaps I should close my account and go elsewhere", AskStatus.HYPOTHETICAL),
        ("c: Priya says I should close the account with you", AskStatus.THIRD_PARTY),
        ("c: my mother, she want to close her savings account", AskStatus.THIRD_PARTY),
        ("c: can you freeze my account while I'm travelling? I'm coming back", AskStatus.DECLINED),
        ("c: can I pause my shop for a while? don't want to lose my ratings", AskStatus.DECLINED),
        ("c: I was about to close my account but you've fixed it now", AskStatus.HYPOTHETICAL),
        ("c: I just want to stop being one of your customers", AskStatus.ASKED),
        ("c: my business partner asked me to ring and close the account", AskStatus.THIRD_PARTY),
        ("c: my wife and I want to close our joint account", AskStatus.ASKED),
        ("c: what do I have to do to close my account?", AskStatus.QUESTION),
        ("c: please do the needful and close my account", AskStatus.ASKED),
        ("c: could you wind up my account, I'm emigrating", AskStatus.ASKED),
        ("c: please remove me as a customer", AskStatus.ASKED),
        ("c: I no longer wish to be a member", AskStatus.ASKED),
        ("c: close the account, I don't want to lose my number so I'm porting it", AskStatus.ASKED),
    ],
)
def test_a_closure_is_read_by_verb_and_object_and_its_scope(read, said, status):
    ask = read.ask(CLOSURE, said)
    assert ask is not None
    assert ask.status is status


def test_a_refund_asked_later_for_a_new_problem_adds_to_the_first(read):
    ask = read.ask(
        REFUND,
        "c: You took it out of my account twice. Could I get €40 back?",
        "a: Done. Anything else?",
        "c: Yes, the glass on the phone case was shattered. I'll take EUR 25 back for it.",
    )
    assert ask is not None
    assert ask.amount == Decimal(65)


def test_a_lower_amount_for_the_same_problem_replaces_the_first(read):
    ask = read.ask(
        REFUND,
        "c: it arrived smashed, can I have €40 back?",
        "a: Let me check.",
        "c: actually I'll take 25 euros back",
    )
    assert ask is not None
    assert ask.amount == Decimal(25)


@pytest.mark.parametrize(
    ("said", "kind", "status"),
    [
        ("c: since my husband died I don't need the joint account, close my account", CLOSURE,
         AskStatus.ASKED),
        ("c: my husband wants his account closed", CLOSURE, AskStatus.THIRD_PARTY),
        ("c: a friend of mine wants €22 back on her card", REFUND, AskStatus.THIRD_PARTY),
        ("c: my sister talk say make I close the account", CLOSURE, AskStatus.THIRD_PARTY),
        ("c: mera account band kar dijiye, I'm moving", CLOSURE, AskStatus.ASKED),
        ("c: it never came, I just want my money", REFUND, AskStatus.ASKED),
        ("c: the wifi was down all week, I'd like 15 taken off my next bill", REFUND, AskStatus.ASKED),
        ("c: it broke. Actually no, forget the refund, I'll keep it.", REFUND,
         AskStatus.DECLINED),
    ],
)  # fmt: skip
def test_someone_else_is_a_third_party_only_when_they_want_it_and_a_dismissed_ask_is_declined(
    read, said, kind, status
):
    ask = read.ask(kind, said)
    assert ask is not None
    assert ask.status is status


def test_an_ask_naming_no_amount_takes_the_amount_paid_but_not_surely(read):
    ask = read.ask(
        REFUND, "c: The tablet just dies, that's €199 down the drain. I want my money back."
    )
    assert ask is not None
    assert ask.amount == Decimal(199)
    assert ask.amount_confidence < SURE


def test_a_spoken_correction_between_commas_keeps_the_amount_said_last(read):
    ask = read.ask(REFUND, "c: put fifty on my card, um, no, 20, the delivery part was free")
    assert ask is not None
    assert ask.amount == Decimal(20)


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        ("the keyboard arrived smashed, cough up the 80", Decimal(80)),
        ("is there any way to get that €120 returned to me?", Decimal(120)),
        ("I'm owed 30 quid", Decimal(30)),
        ("i want my seven dollars and fifty cents back mate", Decimal("7.50")),
        ("the parcel is late, what's happening with my refund of $30?", Decimal(30)),
    ],
)
def test_money_asked_back_in_any_verb_and_object_is_a_refund_ask(read, said, amount):
    ask = read.ask(REFUND, f"c: {said}")
    assert ask is not None
    assert ask.status is AskStatus.ASKED
    assert ask.amount == amount


@pytest.mark.parametrize(
    ("said", "status"),
    [
        (
            (
                "s: Three-way call: account holder Mr Abara and his son Kelechi on the line.",
                "c: Kelechi: Dad never uses it any more. Please shut the account down.",
                "c: Mr Abara: I do use it, son.",
            ),
            AskStatus.THIRD_PARTY,
        ),
        (
            (
                "c: Lena (daughter): I want Mum's account closed today, she can't manage it.",
                "a: I hear you. Is that what you want too, Mrs Hale?",
            ),
            AskStatus.THIRD_PARTY,
        ),
        (
            (
                "s: Joint call: account holder Rosa, her partner Ines also speaking.",
                "c: Rosa: I'd like to close my account, I'm moving abroad.",
                "c: Ines: Yes, close it, she's told me for weeks.",
            ),
            AskStatus.ASKED,
        ),
    ],
)
def test_on_a_conference_call_only_the_holders_words_ask(read, said, status):
    """A speaker labelled as the holder's relation or carer asks for a third party, however
    they put it; the holder's own ask stands whatever the other speaker adds."""
    ask = read.ask(CLOSURE, *said)
    assert ask is not None
    assert ask.status is status
    assert ask.confidence >= SURE


@pytest.mark.parametrize(
    "said",
    [
        ("c: I'm ringing about my gym membership.", "c: [husband] Just cancel the whole account."),
        ("c: the phone bill's gone up again", "c: [daughter]: Mum, close the account, honestly."),
        ("c: hi, about my account", "c: [Flatmate, in background] tell them to shut it down!"),
    ],
)
def test_a_transcribers_bracketed_tag_marks_another_speakers_words(read, said):
    ask = read.ask(CLOSURE, *said)
    assert ask is not None
    assert ask.status is AskStatus.THIRD_PARTY


def test_a_bracketed_tag_naming_the_holder_leaves_the_ask_theirs(read):
    ask = read.ask(CLOSURE, "c: [account holder] please close my account, I'm moving away")
    assert ask is not None
    assert ask.status is AskStatus.ASKED


@pytest.mark.parametrize(
    "said",
    [
        (
            "c: Son: Hiya, I'm on with my dad, it's his account. Close it please, he never uses it.",
            "a: I'll need the holder. Can you confirm your postcode, sir?",
            "c: Mr Lowe: AB1 2CD. I'm not sure I want that, mind.",
        ),
        (
            "c: Hello, it's Ana Ruiz, the holder, my husband Tomas is listening in.",
            "a: Hello to you both. How can I help?",
            "c: Tomas: Just close the account, we're done with it.",
            "c: Ana Ruiz: Hang on, I haven't decided anything.",
        ),
        (
            "c: Hi, Priya here, account's mine, my flatmate Jo is on speaker.",
            "c: Jo: Shut it down, honestly, it's a waste of money.",
        ),
    ],
)
def test_a_speaker_labelled_by_their_relation_or_introduced_so_by_the_holder_is_another_person(
    read, said
):
    ask = read.ask(CLOSURE, *said)
    assert ask is not None
    assert not ask.status.granted


def test_an_offer_answered_only_by_another_speaker_is_not_taken(read):
    ask = read.ask(
        REFUND,
        "s: Call with account holder Nadia and her husband Omar.",
        "c: Nadia: The blender arrived cracked.",
        "a: I'm sorry. Would you like me to refund it?",
        "c: Omar: Yes, go on.",
    )
    assert ask is not None
    assert not ask.status.granted


def test_a_heading_before_a_colon_is_no_speaker(read):
    headed = ("c: Re: my order. Can you refund the cracked blender?", "c: Quick one: refund it")
    asks = [read.ask(REFUND, "c: the blender arrived cracked", said) for said in headed]
    assert [a.status if a else None for a in asks] == [AskStatus.ASKED, AskStatus.ASKED]


@pytest.mark.parametrize(
    ("said", "status", "amount"),
    [
        (("c: Quiero que me regresen los 35, the lamp came rota.",), AskStatus.ASKED, Decimal(35)),
        (
            ("c: Quiero mi dinero back, 35.", "c: Espera, mejor no. Mándame otra lámpara."),
            AskStatus.RETRACTED,
            Decimal(35),
        ),
        (
            ("c: the lamp is broken but no quiero el dinero, just a new one",),
            AskStatus.DECLINED,
            None,
        ),
        (
            ("c: Regrésame los 50, porfa.", "c: Perdón, 50 fue otra cosa. Nomás los 30."),
            AskStatus.ASKED,
            Decimal(30),
        ),
        (
            ("c: the lamp came broken", "a: Would you like a refund of the 35?", "c: Sí, claro."),
            AskStatus.OFFERED_ACCEPTED,
            Decimal(35),
        ),
    ],
)
def test_a_refund_asked_taken_back_or_corrected_in_spanish_is_read(read, said, status, amount):
    ask = read.ask(REFUND, *said)
    assert ask is not None
    assert (ask.status, ask.amount) == (status, amount)
    assert ask.confidence >= SURE


def test_the_customer_speaking_for_themself_after_a_third_party_asks_for_themself(read):
    ask = read.ask(REFUND, "c: my boss wants a refund and I should get my money back too")
    assert ask is not None
    assert ask.status is AskStatus.ASKED


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ("c: it was late and a refund's not what I'm after", AskStatus.DECLINED),
        ("c: it took a week, refunding me won't help", AskStatus.DECLINED),
        ("c: the keyboard is busted. Keep your money, just sort it", AskStatus.DECLINED),
        ("c: it's not about the money", AskStatus.DECLINED),
        ("c: refund the $99, no wait, don't, I'll sort it myself", AskStatus.RETRACTED),
        ("c: Please disregard my earlier request for a refund.", AskStatus.DECLINED),
        ("c: Could you advise whether I am entitled to a refund.", AskStatus.QUESTION),
        ("c: refnud the 60 euros pls", AskStatus.ASKED),
        ("c: would it be at all possible to have the extra 20 back?", AskStatus.ASKED),
        ("c: is it even possible to get the fee refunded?", AskStatus.ASKED),
        ("c: I want the 20 quid for that weekend back", AskStatus.ASKED),
        ("c: it's a small thing but if it's okay, could I get the 8 back?", AskStatus.ASKED),
        ("c: I was curious whether the mug would qualify for a refund", AskStatus.QUESTION),
        (
            "c: my bank said not to accept a refund from you while they look into it",
            AskStatus.DECLINED,
        ),
        ("c: I'm not after receiving any refund, I want the thing to work", AskStatus.DECLINED),
        ("c: I ain't fussed about a refund, just get it fixed", AskStatus.DECLINED),
        ("c: dinnae bother wi' the money, hen, just send the part", AskStatus.DECLINED),
        ("c: not bothered about the bees and honey, mate, I want it sorted", AskStatus.DECLINED),
        ("c: don't bother with the refund, I'll keep it", AskStatus.DECLINED),
        (
            "c: Scrap my last email, the box arrived today. No refund needed.\n"
            "> Yesterday I wrote:\n> It never came, please refund the 30.",
            AskStatus.RETRACTED,
        ),
    ],
)
def test_a_refund_not_wanted_is_read_however_it_is_put(read, said, status):
    ask = read.ask(REFUND, said)
    assert ask is not None
    assert ask.status is status


@pytest.mark.parametrize(
    ("said", "cleaned"),
    [
        ("order one oh four four two", "order 1 04 4 2"),
        ("the code is six six two oh", "the code is 6 6 2 0"),
        ("flight two oh oh nine", "flight 2 009"),
        ("i paid 5 oh no", "i paid 5 oh no"),
        ("five, oh, and another thing", "5, oh, and another thing"),
        ("call me on oh seven seven double oh nine", "call me on 07 7 009"),
        ("a double 10 minute wait", "a double 10 minute wait"),
        ("ref double oh double oh triple seven", "ref 00007 7 7"),
        ("it's four seven, double-eight, treble-two", "it's 4 7, 8 8, 2 2 2"),
        ("it's nine, oh, three, oh, one", "it's 9, 0, 3, 0, 1"),
        ("it was double the price", "it was double the price"),
    ],
)
def test_oh_among_digits_is_a_zero_and_elsewhere_a_word(said, cleaned):
    assert clean(said) == cleaned


@pytest.mark.parametrize(
    ("said", "cleaned"),
    [
        ("can i ask four my money back", "can i ask for my money back"),
        ("i waited four the parcel all week", "i waited for the parcel all week"),
        ("it costs four a month", "it costs 4 a month"),
        ("please shut my a count", "please shut my account"),
        ("the pin is one four that one", "the pin is 1 4 that one"),
        # a g dropped ("closin'") is the word; "in'" alone is left
        ("we ain't payin' for nothin'", "we ain't paying for nothing"),
        ("quit messin' me about", "quit messing me about"),
        ("come in' out", "come in' out"),
    ],
)
def test_words_a_speech_recogniser_mishears_are_read_as_meant(said, cleaned):
    assert clean(said) == cleaned


def test_a_typo_one_letter_from_a_key_word_is_mended_and_a_real_word_is_not():
    assert clean("my acount, the refuund, refudns") == "my account, the refund, refunds"
    assert clean("a recount of the refined plan") == "a recount of the refined plan"


@pytest.mark.parametrize(
    ("said", "status"),
    [
        (
            "c: I'm staying with you, I just want this fixed",
            AskStatus.DECLINED,
        ),
        ("c: my daughter has died and I need her account closing", AskStatus.THIRD_PARTY),
        ("c: can I close my account online?", AskStatus.QUESTION),
        ("c: will closing my account cancel the direct debits?", AskStatus.QUESTION),
        ("c: I don't want it closed", AskStatus.DECLINED),
    ],
)
def test_a_closure_not_wanted_now_by_the_holder_is_read_so(read, said, status):
    ask = read.ask(CLOSURE, said)
    assert ask is not None
    assert ask.status is status


@pytest.mark.parametrize(
    ("said", "closure", "cancellation"),
    [
        ("c: cancel the music add-on please, only that, not the whole account", False, True),
        ("c: Close card, I lose it. Account no, just card.", False, False),
        ("c: Stop the gym plan. Account I still need, my son uses it.", False, True),
        ("c: Cancel the phone, I lost it. The account, the rest, stays the same.", False, True),
        ("c: close that old card please, but my account remains open", False, False),
        ("c: shut down the debit card, the main account, all of it, stay as it is", False, False),
        ("c: close the account I use for bills, it's not needed", True, False),
        ("c: that doesn't account for the fee, close my account please", True, False),
        ("c: delete my web account, the password thing. the membership is fine, I use the card",
         False, False),
        ("c: remove my online profile please. My account's fine as it is.", False, False),
        ("c: the account's fine, I just want it closed, I'm moving away", True, False),
        ("c: My account is fine. Close it anyway, I'm moving abroad.", True, False),
    ],
)  # fmt: skip
def test_the_account_kept_while_something_else_goes_is_no_closure(
    read, said, closure, cancellation
):
    reading = read(said)
    granted = {a.kind for a in reading.asks if a.status.granted}
    assert (CLOSURE in granted, AskKind.CANCELLATION in granted) == (closure, cancellation)


def test_an_account_said_to_be_closing_is_no_ask(read):
    assert read.ask(CLOSURE, "c: I got a letter saying my account will be closed. Why?") is None


@pytest.mark.parametrize(
    ("said", "kind", "status"),
    [
        ("c: I want my money back or I'll take this to the ombudsman", REFUND, AskStatus.ASKED),
        ("c: refund me, if not I will close my account", REFUND, AskStatus.ASKED),
        ("c: refund me, if not I will close my account", CLOSURE, AskStatus.HYPOTHETICAL),
        ("c: When will I get my refund?", REFUND, AskStatus.ASKED),
        ("c: will I get a refund if I send it back?", REFUND, AskStatus.HYPOTHETICAL),
    ],
)
def test_a_threat_after_an_ask_leaves_it_asked_and_chasing_is_asking(read, said, kind, status):
    ask = read.ask(kind, said)
    assert ask is not None
    assert ask.status is status


def test_an_amount_floated_beside_the_asked_one_is_a_plausible_reading(read):
    ask = read.ask(REFUND, "c: I'd like 30 back, maybe 40 if you can")
    assert ask is not None
    assert ask.amounts == (Decimal(30), Decimal(40))


def test_an_amount_said_after_an_ask_that_named_none_is_taken_unsurely(read):
    ask = read.ask(REFUND, "c: can I get a refund", "a: How much was it?", "c: it was 45 dollars")
    assert ask is not None
    assert ask.amount == Decimal(45)
    assert ask.amount_confidence < SURE


@pytest.mark.parametrize(
    "said",
    ["I'd like a refund, unless you can send a new one today", "Without a refund I'm not happy"],
)
def test_an_ask_with_a_way_out_or_a_complaint_around_it_is_still_asked(read, said):
    ask = read.ask(REFUND, f"c: {said}")
    assert ask is not None
    assert ask.status is AskStatus.ASKED


def test_a_refund_that_has_not_come_is_not_a_late_delivery(read):
    said = read("c: I was charged twice and the refund you promised never came")
    assert {i.reason for i in said.issues} == {Reason.BILLING}


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ("Can shipping be refunded too?", AskStatus.ASKED),
        ("can something be done about my refund", AskStatus.ASKED),
        ("can refunds be done to a different card", AskStatus.QUESTION),
        ("I want a refund, please tell me how long it takes", AskStatus.ASKED),
        ("Sweet as if I could just get the twenty bucks back.", AskStatus.ASKED),
        ("it would be grand if we could have our money back", AskStatus.ASKED),
        ("honestly it'd be ace if I could be refunded", AskStatus.ASKED),
    ],
)
def test_a_question_about_how_refunds_work_is_told_from_a_polite_ask(read, said, status):
    ask = read.ask(REFUND, f"c: {said}")
    assert ask is not None
    assert ask.status is status


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ("I want my money back and if it happens again I'm leaving", AskStatus.ASKED),
        ("I want a refund, and I'm thinking about a new phone", AskStatus.ASKED),
        ("if it doesn't come by monday i'll want my money back", AskStatus.HYPOTHETICAL),
        ("Worst case, if nothing works, I'd want thirty back", AskStatus.HYPOTHETICAL),
        ("I'll want a refund if it's not here by Friday", AskStatus.HYPOTHETICAL),
        (
            "if the parcel gets lost and you can't trace it, can I get my money back?",
            AskStatus.HYPOTHETICAL,
        ),
        ("If it breaks again or the warranty runs out, I'd want a refund", AskStatus.HYPOTHETICAL),
        (
            "supposing my son travels and the roaming fails, is a refund possible",
            AskStatus.HYPOTHETICAL,
        ),
    ],
)
def test_a_condition_reaches_only_the_ask_it_governs(read, said, status):
    ask = read.ask(REFUND, f"c: {said}")
    assert ask is not None
    assert ask.status is status


def test_a_later_ask_after_also_in_its_turn_adds_to_the_first(read):
    ask = read.ask(
        REFUND,
        "c: There's a charge I did not authorise. Just give me 40 bucks back.",
        "a: Done. Anything else?",
        "c: Yes, also there is a billing discrepancy on my account. I'd like $25 back.",
    )
    assert ask is not None
    assert ask.amount == Decimal(65)


def test_an_amount_added_in_a_later_clause_widens_the_reading_to_the_total(read):
    ask = read.ask(REFUND, "c: I want £20 back for the delivery and £30 for the item")
    assert ask is not None
    assert max(ask.amounts) == Decimal(50)


def test_a_late_payment_fee_is_not_a_late_delivery(read):
    reasons = {i.reason for i in read("c: you charged me a late payment fee").issues}
    assert Reason.LATE not in reasons


@pytest.mark.parametrize(
    "said",
    [
        "it turned up bang on time, as you promised. The delivery chap was lovely. It's scratched",
        "the sofa came a day early, no complaints there, but the leg is snapped",
    ],
)
def test_a_problem_denied_in_so_many_words_is_denied_even_beside_words_that_could_state_it(
    read, said
):
    (late,) = [i for i in read(f"c: {said}").issues if i.reason is Reason.LATE]
    assert late.negated
    assert late.confidence >= SURE


def test_a_denial_negated_states_the_problem(read):
    (late,) = read("c: the courier was never on time").issues
    assert late.reason is Reason.LATE
    assert not late.negated


@pytest.mark.parametrize(
    "said",
    [
        "honestly I'm flat broke until payday",
        "we're a bit broke this month with the wedding",
        "my head is fried after the night shift",
        "I nearly fell off the sofa when I saw the bill",
        "the kids are wrecked after the party",
        "it's freezing cold out there this morning",
        "it was cold today so I stayed in",
        "could I book a late checkout next time",
        "the parcel is for my late father's house",
        "the engineer can come late next week",
        "they packed 2 extra towels in the box",
        "I can't come in to the branch this week",
    ],
)
def test_a_problem_word_said_of_a_person_the_weather_or_a_time_of_day_is_no_problem(read, said):
    assert not read(f"c: {said}").issues


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        ("my son broke it the first day", Reason.DAMAGED),
        ("the lasagne was cold when it arrived", Reason.DAMAGED),
        ("it turned up late again", Reason.LATE),
        ("I'd like the overcharge back", Reason.BILLING),
    ],
)
def test_the_same_words_said_of_the_thing_bought_are_its_problem(read, said, reason):
    assert reason in {i.reason for i in read(f"c: {said}").issues}


def test_the_agents_account_of_the_problem_counts_only_unsure_and_only_when_the_customer_gave_none(
    read,
):
    (late,) = read("c: can I have the fee back", "a: sorry for the delay, refunding it").issues
    assert late.reason is Reason.LATE
    assert late.confidence < SURE
    issues = read("c: it arrived cracked, refund it", "a: sorry for the delay").issues
    assert {i.reason for i in issues} == {Reason.DAMAGED}


@pytest.mark.parametrize(
    ("said", "late"),
    [("c: the price is fine, I'd just like the fee back", True),
     ("c: it came right on time, I'd just like the fee back", False)],
)  # fmt: skip
def test_a_problem_the_customer_denies_silences_the_agents_account_of_it_alone(read, said, late):
    issues = read(said, "a: sorry for the delay, refunding it").issues
    assert ((Reason.LATE, False) in {(i.reason, i.negated) for i in issues}) is late


def test_numbers_and_dates_said_in_words_are_facts_in_normal_form_and_cards_are_not(read):
    facts = read(
        "c: the claim number is six six two oh, the visit was on the twenty-first of March",
        "c: and the card was four one one one one one one one one one one one one one one one",
    ).facts
    said = {(f.kind, f.value) for f in facts}
    assert (FactKind.NUMBER, "6620") in said
    assert (FactKind.DATE, "--03-21") in said
    assert not any("4111" in f.value for f in facts)


@pytest.mark.parametrize(
    ("said", "status", "amount"),
    [
        ("I'm not asking for the full 60. Just the 15 for the postage.", AskStatus.ASKED, 15),
        (
            "I'm not asking for 80, love. It's only the 20 parking they charged.",
            AskStatus.ASKED,
            20,
        ),
        ("I'm not asking for 80. The room itself was fine.", AskStatus.DECLINED, None),
        ("To be clear I'm only asking for 25 back", AskStatus.ASKED, 25),
    ],
)
def test_a_sum_refused_then_a_part_named_asks_for_the_part(read, said, status, amount):
    ask = read.ask(REFUND, f"c: {said}")
    assert ask is not None
    assert (ask.status, ask.amount) == (status, amount and Decimal(amount))
    assert ask.amount_confidence >= SURE or amount is None


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("me cobraron siete con cincuenta por el envío", "7.5"),
        ("the tamales, los de quince con veinticinco", "15.25"),
        ("el flete fue 40 con 99", "40.99"),
    ],
)
def test_an_amount_said_with_its_cents_after_con_is_money(read, said, value):
    facts = read(f"c: {said}").facts
    assert value in {f.value for f in facts if f.kind is FactKind.MONEY}


def test_an_ask_after_a_pause_past_a_conditions_outcome_stands(read):
    said = "c: If it breaks again I'll ring you. Anyway, I want the 30 back for this one."
    ask = read.ask(REFUND, said)
    assert ask is not None
    assert ask.status is AskStatus.ASKED


@pytest.mark.parametrize(
    ("first", "later", "status"),
    [
        (
            "c: I'd like to close her account, she moved to a care home.",
            "c: please shut it this week",
            AskStatus.THIRD_PARTY,
        ),
        (
            "c: I'm calling to cancel my uncle's membership.",
            "c: can you close it now?",
            AskStatus.THIRD_PARTY,
        ),
        (
            "c: I want to close his account, he passed away.",
            "c: and mine too, I want it closed as well",
            AskStatus.ASKED,
        ),
    ],
)
def test_an_ask_pointing_back_at_someone_elses_thing_stays_theirs(read, first, later, status):
    ask = read.ask(CLOSURE, first, "a: I see, let me pull that up.", later)
    assert ask is not None
    assert ask.status is status
    assert ask.confidence >= SURE


TOLD_LATE = "c: can I get the £12 delivery charge back, it came late"


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        (
            (
                "c: the heater I bought stopped working",
                "a: I can refund the $80 for it. Would you like that?",
                "c: yes please",
                "a: Okay. Just so you know, that means your extended warranty is cancelled too.",
                "c: oh, then don't. I'll keep the warranty.",
            ),
            False,
        ),
        (
            (TOLD_LATE, "a: Sure. Bear in mind a refund resets your points.", "c: Hmm. Forget it."),
            False,
        ),
        (
            (
                "c: the course was cancelled, refund my 200 please",
                "a: I can do that. That would mean a $25 admin fee comes off it, by the way.",
                "c: ugh, no. leave it then.",
            ),
            False,
        ),
        # a condition taken, or a no to the closing question, leaves it
        ((TOLD_LATE, "a: Sure. Note it takes 5 working days. Anything else?", "c: no, ta"), True),
        ((TOLD_LATE, "a: Sure. Bear in mind it takes a few days.", "c: no worries, fine"), True),
        (
            (TOLD_LATE, "a: Note it ends your promo. Still want it?", "c: no... oh ok, yes"),
            True,
        ),
    ],
)
def test_backing_out_once_told_what_it_brings_takes_the_ask_back(read, said, kept):
    ask = read.ask(REFUND, *said)
    assert ask is not None
    assert ask.status.granted is kept
    assert kept or ask.status is AskStatus.RETRACTED


CLOSE = "c: I'd like to close my account please, the fees are a joke."


@pytest.mark.parametrize(
    ("fee", "questions", "then"),
    [
        (
            "a: I can. Accounts closed in the first year have a $25 early exit fee.",
            ("c: Twenty-five dollars? Seriously? When's the year up?", "a: On the 3rd of May."),
            "c: Ugh. Right, I'll wait till May then.",
        ),
        (
            "a: Sure. You're in contract, so there's an early termination charge of £120.",
            ("c: A hundred and twenty? For what?", "a: It's £20 for each month left."),
            "c: Nah. I'm not paying that. Leave it.",
        ),
        (
            "a: Okay. Just so you know, closing now will mean a $60 fee.",
            (
                "c: Sixty? Why?",
                "a: It's in the terms.",
                "c: Which terms?",
                "a: Section four, early closure.",
            ),
            "c: Fine. I'll just ride out the contract and go after.",
        ),
    ],
)
def test_backing_out_after_asking_about_the_fee_the_ask_costs_takes_it_back(
    read, fee, questions, then
):
    ask = read.ask(CLOSURE, CLOSE, fee, *questions, then)
    assert ask is not None
    assert not ask.status.granted


@pytest.mark.parametrize(
    "then",
    ["c: Fine, I'll pay it, close it today please.", "c: ok whatever, just close it"],
)
def test_paying_the_fee_after_asking_about_it_keeps_the_ask(read, then):
    fee = "a: I can. There's a $25 early closure fee though."
    ask = read.ask(CLOSURE, CLOSE, fee, "c: Twenty-five? Why?", "a: It's in the terms.", then)
    assert ask is not None
    assert ask.status.granted


def test_leaving_it_after_an_answer_that_named_no_cost_is_not_backing_out(read):
    ask = read.ask(
        CLOSURE,
        CLOSE,
        "a: I can help. Is the account in your name?",
        "c: Yes. Is it the savings one you need?",
        "a: The current account, yes.",
        "c: I'll leave it with you then, thanks.",
    )
    assert ask is not None
    assert ask.status.granted


def test_a_no_to_another_thing_put_forward_with_a_condition_leaves_the_ask(read):
    ask = read.ask(
        REFUND,
        "c: the blender's cracked, I want my money back",
        "a: I can send a replacement instead, but note it takes 10 days. Would you like that?",
        "c: no",
    )
    assert ask is not None
    assert ask.status.granted


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        ("I want the 40 for the lesson I missed returned to me", 40),
        ("I need the 12 dollars for the bag that never came sent back to my card", 12),
        ("we'd like the 300 of the deposit you kept refunded", 300),
    ],
)
def test_an_amount_wanted_then_what_it_is_for_then_its_return_is_a_refund_ask(read, said, amount):
    ask = read.ask(REFUND, f"c: {said}")
    assert ask is not None
    assert ask.status is AskStatus.ASKED
    assert ask.amount == amount


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        (
            (
                "c: the hotel moved me to a room with no sea view, which I paid extra for",
                "a: Two options. Option one: I refund the $40 view supplement. Option two: I "
                "cancel the stay and refund all $680. Which do you prefer?",
                "c: eh, the cheaper one, we're staying",
            ),
            Decimal(40),
        ),
        (
            (
                "c: the course started a week late",
                "a: There are two options. 1) refund the $90 for the missed week. 2) refund "
                "the full $450 fee and withdraw you. Which suits?",
                "c: the smaller amount please",
            ),
            Decimal(90),
        ),
        (
            (
                "c: my order came two weeks late and the lid is cracked",
                "a: The first option is a refund of the $8 shipping, the second is a refund "
                "of the whole $64 order. Which would you like?",
                "c: Honestly? The bigger one.",
            ),
            Decimal(64),
        ),
    ],
)
def test_an_option_picked_by_what_it_costs_is_taken_at_its_amount(read, said, amount):
    ask = read.ask(REFUND, *said)
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_ACCEPTED
    assert ask.amount == amount


@pytest.mark.parametrize("said", ["I quit, this is the last time", "we quit the gym in May"])
def test_a_person_quitting_is_no_damage(read, said):
    assert Reason.DAMAGED not in {i.reason for i in read(f"c: {said}").issues}


@pytest.mark.parametrize(
    "said", ["no it played fine lol. just a rip off", "what a rip-off that is"]
)
def test_a_price_called_a_rip_off_is_no_damage(read, said):
    assert Reason.DAMAGED not in read.reasons(f"c: {said}")


@pytest.mark.parametrize(
    "said", ["the service was fine until May and then it went downhill", "service has been awful"]
)
def test_service_fine_only_until_something_is_no_praise(read, said):
    assert Reason.SERVICE not in {i.reason for i in read(f"c: {said}").issues if i.negated}


def test_money_that_cleared_late_is_no_late_delivery(read):
    said = "c: My salary went in on the 1st. It was a bank holiday, it cleared late."
    assert Reason.LATE not in read.reasons(said)


@pytest.mark.parametrize(
    ("said", "billing"),
    [("So it's twelve I've paid over.", True), ("I've paid over the odds for it.", False)],
)
def test_what_the_customer_has_paid_over_is_billing_not_a_price_thought_high(read, said, billing):
    assert (Reason.BILLING in read.reasons(f"c: {said}")) is billing


def test_a_rip_in_the_thing_is_still_damage(read):
    assert Reason.DAMAGED in read.reasons("c: the jacket came with a rip in the sleeve")


@pytest.mark.parametrize(
    "said", ["got an L hoodie. ordered M", "I got a large but I ordered a medium"]
)
def test_the_size_that_came_then_the_size_ordered_is_a_wrong_item(read, said):
    assert Reason.WRONG_ITEM in read.reasons(f"c: {said}")


@pytest.mark.parametrize("said", ["got the small one, it's what i ordered", "got the M as ordered"])
def test_the_size_that_came_as_ordered_is_no_wrong_item(read, said):
    assert Reason.WRONG_ITEM not in read.reasons(f"c: {said}")


@pytest.mark.parametrize(
    "said",
    [
        ("a: The refund reaches you ten days after the parcel arrives.", "c: ten days after?"),
        ("a: Delivery now takes three weeks from today.", "c: three weeks?"),
        ("a: The engineer can come in a fortnight.", "c: in a fortnight?!"),
    ],
)
def test_a_question_echoing_the_agents_words_is_no_complaint_of_lateness(read, said):
    assert Reason.LATE not in {i.reason for i in read(*said).issues}


def test_a_question_of_the_customers_own_words_still_states_lateness(read):
    said = ("a: How can I help?", "c: why is my parcel three weeks late?")
    assert Reason.LATE in {i.reason for i in read(*said).issues}


@pytest.mark.parametrize(
    "answer", ["c: no, that's everything", "c: nope. cheers", "c: No thanks, that's all."]
)
def test_a_no_to_anything_else_does_not_turn_down_the_refund_said_before_it(read, answer):
    ask = read.ask(
        REFUND,
        "c: the toaster came with a cracked tray",
        "a: Sorry! I'll refund the £8 to your card now. Anything else today?",
        answer,
    )
    assert ask is not None
    assert ask.status is not AskStatus.OFFERED_DECLINED


def test_if_i_could_get_it_said_as_a_condition_stays_hypothetical(read):
    ask = read.ask(REFUND, "c: if I could get a refund I'd go to a shop instead")
    assert ask is None or ask.status is not AskStatus.ASKED


TWO_WAYS = (
    "c: the kettle I got leaks from the base",
    "a: I have two options. One, a replacement kettle, in about two weeks. Two, a refund of "
    "$35. Which would you like?",
)


@pytest.mark.parametrize(
    ("answer", "refund_taken"),
    [
        ("c: Two weeks? No way. The cash.", True),
        ("c: hmm. the money, thanks", True),
        ("c: Oh. The new one please.", False),
    ],
)
def test_an_option_named_by_a_word_for_it_is_the_one_taken(read, answer, refund_taken):
    ask = read.ask(REFUND, *TWO_WAYS, answer)
    assert ask is not None
    expected = AskStatus.OFFERED_ACCEPTED if refund_taken else AskStatus.OFFERED_DECLINED
    assert ask.status is expected


def test_a_closure_asked_with_the_g_dropped_is_asked(read):
    ask = read.ask(CLOSURE, "c: I'm closin' my account, y'all been chargin' me twice")
    assert ask is not None
    assert ask.status is AskStatus.ASKED


@pytest.mark.parametrize(
    "kept",
    [
        "I'm keeping the account, we shop here weekly.",
        "We're still holding on to the account.",
        "I'll be keeping my account, thanks.",
    ],
)
def test_saying_the_account_is_kept_turns_the_closure_down(read, kept):
    ask = read.ask(
        CLOSURE,
        "c: there's an expired Visa on file. I want to cancel that off the account.",
        "a: You'd like me to cancel your account. Is that correct?",
        f"c: Oh, no no. The Visa. {kept}",
    )
    assert ask is None or not ask.status.granted


@pytest.mark.parametrize(
    ("said", "granted"),
    [
        ("I don't uh, want a refund, I just want it working", False),
        ("I'm not, erm, after a refund", False),
        ("if the new one is hmm, faulty as well, I'd want a refund", False),
        ("I'd like my, you know, money back", True),
    ],
)
def test_a_comma_that_closes_a_hesitation_does_not_end_the_clause(read, said, granted):
    ask = read.ask(REFUND, f"c: {said}")
    assert (ask is not None and ask.status.granted) is granted


@pytest.mark.parametrize(
    "taken_back",
    ["Hmm, actually, leave it.", "No, on reflection, don't bother.", "Never mind, forget it then."],
)
def test_an_offer_taken_up_and_then_taken_back_is_retracted(read, taken_back):
    said = (
        "c: the lid of the teapot came chipped",
        "a: I can refund the teapot if that suits?",
        "c: ok great",
        "a: Right, bear with me.",
        f"c: {taken_back}",
    )
    assert read.status(REFUND, *said) is AskStatus.RETRACTED
    assert read.status(REFUND, *said[:4]) is AskStatus.OFFERED_ACCEPTED


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ("stop the paper delivery, and shut the account too while you're at it", AskStatus.ASKED),
        ("while you're at it, please close the account as well", AskStatus.ASKED),
        ("why don't you just shut my account while you're at it", AskStatus.DECLINED),
    ],
)
def test_while_youre_at_it_is_sarcasm_only_after_a_why_dont_you(read, said, status):
    assert read.status(CLOSURE, f"c: {said}") is status


@pytest.mark.parametrize(
    ("said", "asked"),
    [
        ("could you post the deposit back to us, the flat fell through", True),
        ("just wire my money back to me", True),
        ("mend the strap and send it back to me", False),
    ],
)
def test_the_money_sent_back_to_the_customer_is_a_refund_ask(read, said, asked):
    assert (read.status(REFUND, f"c: {said}") is AskStatus.ASKED) is asked


@pytest.mark.parametrize(
    ("answer", "granted"),
    [
        ("honestly, forget the fifteen quid, just send the part", False),
        ("keep the fiver, I just want it working", False),
        ("nah never mind the 12 dollars, I'm not bothered", False),
        ("forget the 35, just put the 20 back", True),
        ("yes please, the 15 back would be great", True),
    ],
)
def test_an_answer_letting_go_of_the_money_offered_turns_the_refund_down(read, answer, granted):
    offer = "a: I can refund the delivery charge for the trouble, and send a new one."
    status = read.status(REFUND, "c: the kettle I got is dead", offer, f"c: {answer}")
    assert status is not None
    assert status.granted is granted


@pytest.mark.parametrize(
    ("said", "money"),
    [
        ("the fastest is tomorrow by 10", False),
        ("he'll be there monday before 9", False),
        ("they come in the morning around 11", False),
        ("can you take it down by 10", True),
        ("refund me 10 by tomorrow", True),
    ],
)
def test_a_time_of_day_after_a_day_is_no_amount(said, money):
    assert bool(bare_amounts(said)) is money


@pytest.mark.parametrize(
    ("said", "kind", "status"),
    [
        (
            "c: I'm not saying I want to shut the account. I want the charge gone.",
            CLOSURE,
            AskStatus.DECLINED,
        ),
        (
            "c: I never said I wanted a refund, I said the lid was cracked.",
            REFUND,
            AskStatus.DECLINED,
        ),
        (
            "c: I didn't say I want my money back. I asked where the parcel is.",
            REFUND,
            AskStatus.DECLINED,
        ),
        # the no itself denied: the wish stands
        ("c: I'm not saying I don't want my money back, I do.", REFUND, AskStatus.ASKED),
        ("c: I never said I didn't want the account closed.", CLOSURE, AskStatus.ASKED),
        # saying it is asking it
        ("c: I'm saying I want the account closed.", CLOSURE, AskStatus.ASKED),
    ],
)
def test_denying_having_said_a_wish_denies_the_wish(read, said, kind, status):
    assert read.status(kind, said) is status


@pytest.mark.parametrize(
    "said",
    [
        "c: Oh aye, close it, and then where would I get my internet, the library?",
        "c: Sure, refund me, and then how would I pay for a new one?",
        "c: Yeah, shut the account, and then what would I do for a phone, smoke signals?",
    ],
)
def test_a_yes_mocked_by_asking_what_it_would_leave_is_no_ask(read, said):
    ask = read(said).asks[0]
    assert not ask.status.granted
    assert ask.confidence < SURE  # mocked, not surely meant either way


@pytest.mark.parametrize(
    "said",
    [
        "c: Close the account, and then I'll move everything to the credit union.",
        "c: Please refund it and then I can order the right size.",
        "c: Shut the account down, and then we are done with each other.",
    ],
)
def test_an_ask_followed_by_what_comes_next_still_asks(read, said):
    assert read(said).asks[0].status is AskStatus.ASKED


@pytest.mark.parametrize(
    "answer",
    [
        "Oh, that's very kind, but I think I'll manage. It was my own fault.",
        "That's good of you, but we'll manage fine.",
        "I'll leave it for now. Let me see how the rest of it goes.",
        "I'm not sure that's necessary, honestly.",
        "I'd rather you didn't, I'll sort it myself.",
    ],
)
def test_an_offer_turned_down_politely_is_declined(read, answer):
    said = ("c: there's a charge I didn't expect", "a: I could refund it as a one-off?")
    assert read.status(REFUND, *said, f"c: {answer}") is AskStatus.OFFERED_DECLINED


@pytest.mark.parametrize(
    "answer",
    ["Oh, that's very kind, thank you.", "That's kind. Yes please.", "Lovely, go on then."],
)
def test_thanks_for_an_offer_without_a_but_takes_it(read, answer):
    said = ("c: there's a charge I didn't expect", "a: I could refund it as a one-off?")
    assert read.status(REFUND, *said, f"c: {answer}") is AskStatus.OFFERED_ACCEPTED


@pytest.mark.parametrize(
    "answer",
    [
        "And what good's twelve pound to me when I can't work?",
        "What use is a fiver to us? Just fix the line.",
        "what good would 10 quid be to me, honestly",
    ],
)
def test_an_offer_of_money_asked_what_good_it_is_is_declined(read, answer):
    said = ("c: the line's been dead since Monday", "a: Shall I refund you 12 pounds for it?")
    assert read.status(REFUND, *said, f"c: {answer}") is AskStatus.OFFERED_DECLINED


@pytest.mark.parametrize(
    "offer",
    [
        "a: I can add a free class credit to your account.",
        "a: I'll put a free session credit on your account for the trouble.",
        "a: We can add a free night's credit to your account.",
    ],
)
def test_a_credit_given_in_kind_taken_is_no_refund(read, offer):
    assert read.ask(REFUND, "c: the instructor never showed up", offer, "c: do, yeah") is None


@pytest.mark.parametrize(
    "offer",
    [
        "a: I can add a credit of 20 pounds to your account.",
        "a: I can credit the 20 back to your card, free of charge.",
    ],
)
def test_a_credit_of_money_taken_is_a_refund(read, offer):
    said = ("c: the instructor never showed up", offer, "c: do, yeah")
    assert read.status(REFUND, *said) is AskStatus.OFFERED_ACCEPTED


@pytest.mark.parametrize(
    "said",
    [
        "c: Just get it back on. That's all I'm asking.",
        "c: I need the broadband back on today, I work from home.",
        "c: Can you get the heating back on before the weekend?",
    ],
)
def test_a_service_wanted_back_on_is_no_money_back(read, said):
    assert read.ask(REFUND, said) is None


@pytest.mark.parametrize(
    "said",
    [
        "c: Can you get the money back on my card?",
        "c: I'd like the deposit back on the card I paid with.",
        "c: Yes, put that back on for me, please.",
    ],
)
def test_money_wanted_back_on_a_card_is_a_refund(read, said):
    assert read.status(REFUND, said) is AskStatus.ASKED


@pytest.mark.parametrize(
    "said",
    [
        (
            "c: everything's moved to the credit union now",
            "a: Just so I'm sure: you'd like me to close the chequing account?",
            "c: I do.",
        ),
        (
            "c: we've no use for it since the move",
            "a: To check, you would like the account closed?",
            "c: We do, yes.",
        ),
    ],
)
def test_a_yes_to_the_agent_checking_the_wish_in_their_words_is_the_customers_ask(read, said):
    assert read.status(CLOSURE, *said) is AskStatus.ASKED


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        (
            (
                "c: The heating went on the Wednesday night. I'd like that night back.",
                "a: So that's a refund of the full stay, two hundred and forty?",
                "c: No, no, not the whole stay. Just the one night. A hundred and twenty.",
            ),
            Decimal(120),
        ),
        (
            (
                "c: The rug came stained, I'd like my money back for it.",
                "a: So that's the whole order refunded, 90 pounds?",
                "c: God no. Only the rug. 35.",
            ),
            Decimal(35),
        ),
    ],
)
def test_the_agents_paraphrase_corrected_down_sets_the_amount(read, said, amount):
    assert read.ask(REFUND, *said).amount == amount


@pytest.mark.parametrize(
    ("said", "amount"),
    [
        ("c: I just want back the money for her ticket. Sixty-five.", Decimal(65)),
        ("c: Can you refund the jumper please? 24.99.", Decimal("24.99")),
        ("c: I'd like the booking fee back. Twelve fifty.", Decimal("12.50")),
    ],
)
def test_an_amount_said_as_a_sentence_of_its_own_after_the_ask_is_the_amount_asked(
    read, said, amount
):
    ask = read.ask(REFUND, said)
    assert ask.amount == amount
    assert ask.amount_confidence >= SURE


def test_what_was_paid_said_after_the_ask_is_not_surely_the_amount_asked(read):
    ask = read.ask(REFUND, "c: I'd like my money back. It was 40.")
    assert ask.amount_confidence < SURE


@pytest.mark.parametrize(
    "said",
    [
        "c: I'm calling about a damage charge on my hire car, the scratch was already there.",
        "c: I was charged a 20 euro unpaid item fee because your system was down.",
        "c: I've been hit with a cleaning fee for a room we left spotless.",
        "c: Hi, I'm ringing about the late payment fee on my statement.",
    ],
)
def test_a_charge_called_about_or_hit_with_is_a_billing_problem(read, said):
    issues = {i.reason for i in read(said).issues if not i.negated}
    assert Reason.BILLING in issues
    assert Reason.DAMAGED not in issues


def test_a_damaged_thing_next_to_a_charge_is_still_damage(read):
    issues = {
        i.reason for i in read("c: there's a big dent in the door, and the charge too").issues
    }
    assert Reason.DAMAGED in issues


@pytest.mark.parametrize(
    "said",
    [
        "c: there are long distance calls on the bill that weren't mine",
        "c: three purchases on my card that weren't me",
        "c: the transactions from Tuesday are not ours",
    ],
)
def test_being_billed_for_what_was_not_theirs_is_a_billing_problem(read, said):
    assert Reason.BILLING in {i.reason for i in read(said).issues if not i.negated}


def test_a_thing_not_theirs_that_is_no_charge_is_no_billing_problem(read):
    said = "c: the parcels that weren't mine got left on my step"
    assert Reason.BILLING not in {i.reason for i in read(said).issues}


@pytest.mark.parametrize(
    ("said", "damaged"),
    [
        ("c: the scratch was already there when I picked the car up", False),
        ("c: that big dent was always there, it's in my photos", False),
        ("c: there's a scratch on the bumper that wasn't there before", True),
    ],
)
def test_damage_that_was_there_all_along_is_no_damage_of_theirs(read, said, damaged):
    found = {i.reason for i in read(said).issues if not i.negated}
    assert (Reason.DAMAGED in found) is damaged


@pytest.mark.parametrize(
    "said",
    [
        "c: the wages went in late, so the direct debit bounced",
        "c: my pension was paid in late this month",
        "c: the salary came through late",
    ],
)
def test_money_going_in_late_is_no_late_delivery(read, said):
    assert Reason.LATE not in {i.reason for i in read(said).issues}


@pytest.mark.parametrize(
    "said",
    [
        "c: I rang last week and he said ye'd be refunding me the 30. It's not on my card.",
        "c: She told me I'd get my money back within a week. Nothing yet.",
        "c: I spoke to a lad Tuesday, he said you would credit my account.",
    ],
)
def test_the_companys_promise_to_the_customer_told_is_their_own_ask(read, said):
    assert read.status(REFUND, said) is AskStatus.ASKED


@pytest.mark.parametrize(
    "said",
    [
        "c: My wife said I should get a refund.",
        "c: He said you'd refund his card, it's his order.",
        "c: My husband says he wants his money back.",
    ],
)
def test_someone_elses_wish_told_is_still_theirs(read, said):
    assert read.status(REFUND, said) is AskStatus.THIRD_PARTY


@pytest.mark.parametrize(
    "said",
    [
        (
            "c: I'm ringing to see when my refund will show up, for the cracked mug.",
            "a: I can see the refund was issued on the ninth, it takes 3 to 5 days.",
            "c: Lovely, I'll keep an eye out.",
        ),
        (
            "c: Where's my refund? It's been two weeks.",
            "a: It went out last Tuesday, it should land any day.",
            "c: Ah right, thanks.",
        ),
        (
            "c: just wanted to know when my money back is coming",
            "a: that refund has already been processed, you'll see it Friday",
        ),
    ],
)
def test_chasing_a_refund_made_before_the_call_asks_no_other(read, said):
    ask = read.ask(REFUND, *said)
    assert ask is not None
    assert not ask.status.granted


@pytest.mark.parametrize(
    "said",
    [
        (
            "c: I'm ringing to see when the refund will show up, for the kettle.",
            "a: I can't see any refund raised, I'm afraid.",
            "c: So if it's not raised, raise it, would you?",
        ),
        (
            "c: Where's my refund? It's been two weeks.",
            "a: It went out last Tuesday.",
            "c: Well it never arrived, I want my money back.",
        ),
    ],
)
def test_chasing_a_refund_not_made_still_asks(read, said):
    assert read.status(REFUND, *said) is AskStatus.ASKED


@pytest.mark.parametrize(
    "said",
    [
        "c: I think it's time we parted ways, you and me.",
        "c: Honestly, I'd like to part company with your bank.",
        "c: Shut her down for me, would ya? The whole account.",
    ],
)
def test_closing_said_as_an_idiom_is_asked(read, said):
    assert read.status(CLOSURE, said) is AskStatus.ASKED


def test_a_person_parting_ways_is_no_closure(read):
    assert read.ask(CLOSURE, "c: my husband and I parted ways last year, it's just me now") is None


@pytest.mark.parametrize(
    "said",
    [
        "c: So knock off the twenty-five and we good.",
        "c: Can you take off the parking fee? It was meant to be included.",
        "c: right, so is there any way that could come off? we were never disconnected",
    ],
)
def test_a_charge_asked_off_with_the_particle_first_is_a_refund_ask(read, said):
    assert read.status(REFUND, said) is AskStatus.ASKED


def test_a_charge_that_came_off_by_itself_is_no_ask(read):
    assert read.ask(REFUND, "c: the sticker could come off the box, it's peeling") is None


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ("c: Well. I'd not say no to having that back, if it's going.", AskStatus.ASKED),
        ("c: I wouldn't say no to a bit of money back, to be honest.", AskStatus.ASKED),
        ("c: I'd say no to a refund, thanks, just fix it.", AskStatus.DECLINED),
        ("c: if it's going missing again I'll want my money back", AskStatus.HYPOTHETICAL),
    ],
)
def test_not_saying_no_to_it_is_a_yes(read, said, status):
    assert read.status(REFUND, said) is status


@pytest.mark.parametrize(
    "repair",
    [
        ("c: I'd like $40 back. Hang on, it was $30.",),
        ("c: I'd like $40 back - sorry - $30.",),
        ("c: I'd like $40 back. No, $30.",),
        ("c: I'd like $40 back, not $40, $30.",),
        ("c: I'd like $40 back. Oops, should be $30.",),
        ("c: I'd like $40 back.", "a: ok", "c: oops, I meant $30."),
    ],
)
def test_an_amount_said_again_after_a_self_repair_settles_on_the_later_one(read, repair):
    ask = read.ask(REFUND, "c: the kettle broke", *repair)
    assert ask is not None
    assert max(ask.amounts) == 30


@pytest.mark.parametrize(
    "other",
    [
        ("c: I'd like $40 back. The delivery was $30.",),
        ("c: I'd like $40 back. My other order was $30.",),
        ("c: I'd like $40 back.", "a: ok", "c: no, the charger was $30 too."),
        ("c: I'd like $40 back, not $30.",),
        ("c: I'd like $40 back.", "a: Anything else?", "c: no, you've done all 3 things, thanks."),
    ],
)
def test_another_things_amount_after_the_ask_corrects_nothing(read, other):
    ask = read.ask(REFUND, "c: the kettle broke", *other)
    assert ask is not None
    assert max(ask.amounts) >= 40
