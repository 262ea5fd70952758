"""A threat said as "one more of this and ..." ("one more mistake like this and I'm closing the
account") makes its ask conditional, as an "if" would; "one more thing, close my account" asks.
A plan for a later date ("I'll close it after Christmas") asks nothing now; off a mailing list
("take me off your list") is no closure."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

CLOSURE = AskKind.ACCOUNT_CLOSURE


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ("c: One more mistake like this and I'm closing the account, I swear.",
         AskStatus.HYPOTHETICAL),
        ("c: One more late delivery and I'm closing my account.", AskStatus.HYPOTHETICAL),
        ("c: Just one more thing, close my account please.", AskStatus.ASKED),
        ("c: One more thing and I'll go: close my account please.", AskStatus.ASKED),
    ],
)  # fmt: skip
def test_one_more_of_a_grievance_makes_the_ask_conditional(read, said, status):
    assert read.status(CLOSURE, said) is status


def test_a_closure_planned_for_later_is_not_asked_now(read):
    ask = read.ask(CLOSURE, "c: hmm. i'll close it after christmas, no point wasting the pass")
    assert ask is None or not ask.status.granted


@pytest.mark.parametrize(
    ("said", "closure"),
    [("c: hi can you take me off your list, I'm getting 4 emails a day", False),
     ("c: please take me off your books, I've moved abroad", True)],
)  # fmt: skip
def test_off_a_list_is_no_closure_off_the_books_is(read, said, closure):
    found = read.status(CLOSURE, said)
    assert (found is not None and found.granted) is closure
