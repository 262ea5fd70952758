"""A take-back that names the thing asked for in the customer's own words ("don't worry about the
parking fee thing" after "can I have the parking fee back?") takes that ask back, even after
other requests and whatever the ask kind's cue words are; one naming something else, or a bare
"don't worry about it" to an apology, does not."""

from guardrail.understanding.model import AskKind, AskStatus

ASKED = (
    "c: the engineer was two hours late, can i have the 8.50 parking fee back?",
    "a: Sorry about that. Let me look.",
    "c: also can you move my next visit to friday",
    "a: Done, Friday it is. And there's a free filter change for you this month.",
)


def test_the_thing_asked_named_in_a_take_back_is_let_go(read):
    ask = read.ask(
        AskKind.REFUND, *ASKED, "c: oh great, then don't worry about the parking fee thing."
    )
    assert ask is not None
    assert ask.status is AskStatus.RETRACTED


def test_a_take_back_naming_something_else_leaves_the_ask(read):
    ask = read.ask(AskKind.REFUND, *ASKED, "c: oh great, then don't worry about the filter.")
    assert ask is not None
    assert ask.status is AskStatus.ASKED


def test_dont_worry_about_it_to_an_apology_leaves_the_ask(read):
    ask = read.ask(
        AskKind.REFUND,
        "c: can i have the 8.50 parking fee back?",
        "a: I'm so sorry for the wait today.",
        "c: don't worry about it.",
    )
    assert ask is not None
    assert ask.status is AskStatus.ASKED
