"""A yes to an agent's turn that offers one thing and then asks about another answers the
question it names ("I could refund the 28. Also, shall I switch off the texts?" - "Okay, the
texts are annoying"): the offer is left unanswered, so the customer's own sum stands. A yes to
a question that only puts the offer to them ("Would that be all right?") still takes it."""

from __future__ import annotations

from decimal import Decimal

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND
ASKED = "c: The food came an hour late. Give me the delivery fee back, £3.99."


def test_a_yes_naming_the_other_question_leaves_the_larger_offer_untaken(read):
    offer = (
        "a: I could refund the whole £28. Also, do you want me to switch off the app's"
        " marketing texts while I'm in here?"
    )
    ask = read.ask(REFUND, ASKED, offer, "c: Okay. Yeah, the texts are annoying.")
    assert ask is not None
    assert ask.amount == Decimal("3.99")


def test_a_yes_to_the_offer_put_to_them_takes_it(read):
    offer = "a: I could refund the whole £28 for the trouble. Would that be all right?"
    ask = read.ask(REFUND, ASKED, offer, "c: Yes, that would be lovely, thank you.")
    assert ask is not None
    assert ask.amount == Decimal("28")


def test_an_offer_alone_answered_with_a_yes_is_taken(read):
    offer = "a: I can refund £20 as a goodwill gesture. Also, is your email still the same?"
    ask = read.ask(REFUND, "c: Four days without internet.", offer, "c: Yes, thank you.")
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_ACCEPTED
