"""What the agent says back is read as the customer's: a wish read back as a statement, and a
deed told as where it stands."""

import pytest

from guardrail.understanding.model import AskKind, AskStatus, Outcome

CLOSURE = AskKind.ACCOUNT_CLOSURE


@pytest.mark.parametrize(
    "read_back",
    [
        "ok mrs delaney you'd like to close the storage account",
        "Right, you would like to close your membership account today.",
        "got it, you'd like to close your account",
    ],
)
def test_the_agent_reading_back_a_wish_as_a_statement_takes_the_customers_yes_as_their_ask(
    read, read_back
):
    ask = read.ask(
        CLOSURE, "c: hi its about the acount please", f"a: {read_back}", "c: yes thats it"
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED


@pytest.mark.parametrize(
    "offer",
    [
        "If you'd like to close the account, I can do that now.",
        "Would you like to close the account instead?",
        "We can close it whenever you'd like to close it.",
    ],
)
def test_an_offer_to_close_is_not_read_as_the_customers_wish_read_back(read, offer):
    ask = read.ask(CLOSURE, "c: the app keeps logging me out", f"a: {offer}", "c: yes ok")
    assert ask is not None
    assert ask.status is AskStatus.OFFERED_ACCEPTED


@pytest.mark.parametrize(
    "told",
    [
        "Done. It's escalated to our fraud team now.",
        "Right, that's now referred to the complaints team.",
        "Your complaint is escalated to a team leader.",
    ],
)
def test_an_escalation_told_as_where_it_stands_is_the_outcome(read, told):
    reading = read(
        "c: I was charged twice", "a: I can escalate this. Want that?", "c: yes", f"a: {told}"
    ).outcome
    assert reading is not None
    assert reading.value is Outcome.ESCALATED


@pytest.mark.parametrize(
    "said",
    [
        "It's not escalated to anyone yet, I've fixed it here.",
        "The row has escalated since Monday, I know, but that's sorted now.",
    ],
)
def test_an_escalation_denied_or_of_something_else_is_no_escalation(read, said):
    reading = read("c: I was charged twice", f"a: {said}", "c: thanks").outcome
    assert reading is None or reading.value is not Outcome.ESCALATED
