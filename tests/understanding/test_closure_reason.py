"""Why the customer is leaving: the closure ask carries the reason they gave, said before or
after the ask, or as a complaint; none when they refuse, give none or stay vague."""

import pytest

from guardrail.understanding.model import AskKind, AskStatus, Reason

CLOSURE = AskKind.ACCOUNT_CLOSURE


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        (("c: The router drops the connection every night. Please close my account.",),
         Reason.TECHNICAL),
        (("c: I want my account closed.", "a: May I ask why?",
          "c: You took the monthly fee out twice in March."), Reason.BILLING),
        (("c: The website won't let me sign in, it hasn't for days. Close the account.",),
         Reason.TECHNICAL),
        (("c: Your call centre staff have been so rude to me. I'd like to close my account.",),
         Reason.SERVICE),
        (("c: Shut my account down please.", "a: Can I ask what happened?",
          "c: It's been one hassle after another with you lot."), Reason.SERVICE),
    ],
)  # fmt: skip
def test_a_closure_carries_the_reason_the_customer_gave(read, said, reason):
    ask = read.ask(CLOSURE, *said)
    assert ask is not None
    assert ask.status is AskStatus.ASKED
    assert ask.reason is reason


@pytest.mark.parametrize(
    "answer",
    ["I'd sooner not get into that.", "No reason at all, just close it please.",
     "Just fancy a change, really.", "It's personal."],
)  # fmt: skip
def test_a_closure_with_no_reason_given_carries_none(read, answer):
    ask = read.ask(CLOSURE, "c: Please close my account.", "a: What's made you decide?",
                   f"c: {answer}")  # fmt: skip
    assert ask is not None
    assert ask.status is AskStatus.ASKED
    assert ask.reason is None


def test_a_refund_for_the_hassle_stays_a_gesture(read):
    ask = read.ask(AskKind.REFUND, "c: The whole thing has been a total hassle, I want a refund.")
    assert ask is not None
    assert ask.reason is Reason.GOODWILL


@pytest.mark.parametrize(
    "said",
    ["My phone keeps telling me my login is wrong, it won't let me log in.",
     "The app has not let me access my statements since Monday."],
)  # fmt: skip
def test_being_kept_out_by_the_service_is_a_technical_problem(read, said):
    assert Reason.TECHNICAL in {i.reason for i in read(f"c: {said}").issues}


@pytest.mark.parametrize(
    "said",
    ["My manager won't let me take the day off to wait in.",
     "The shop won't let me return it without a receipt."],
)  # fmt: skip
def test_someone_not_allowing_something_else_is_no_technical_problem(read, said):
    assert Reason.TECHNICAL not in {i.reason for i in read(f"c: {said}").issues}


@pytest.mark.parametrize(
    ("said", "reason"),
    [("It's not the money, honestly, the fees are fine.", Reason.BILLING),
     ("Nothing to do with the price. I'm moving away.", Reason.BILLING),
     ("No, the bill's fine. The router keeps dropping out.", Reason.BILLING),
     ("My invoice is correct, it's the engineer who never came.", Reason.BILLING),
     ("You've all been brilliant, I can't fault the staff.", Reason.SERVICE)],
)  # fmt: skip
def test_the_cost_or_the_service_said_not_to_be_the_problem_is_denied(read, said, reason):
    assert (reason, True) in {(i.reason, i.negated) for i in read(f"c: {said}").issues}


@pytest.mark.parametrize(
    "said",
    ["The fees are not fine at all, they went up twice.", "Your staff were never helpful.",
     "I want the money back."],
)  # fmt: skip
def test_a_cost_or_service_complained_of_or_money_wanted_is_not_denied(read, said):
    assert not any(i.negated for i in read(f"c: {said}").issues)
