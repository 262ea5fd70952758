"""Speech handed over as one unpunctuated run: a question about what the company refunds said
mid-run ("... is that something you guys refund"), a swap asked bare ("nah just swap it then"),
and "it's fine" said of the thing's state ("it's fine it's still sealed"), not of the problem."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus, Reason

REFUND = AskKind.REFUND
HELLO = "a: how can i help"


@pytest.mark.parametrize(
    "said",
    [
        "c: the blender stopped working after a month is that something you guys refund",
        "c: my mat started peeling are those a thing you refund",
    ],
)
def test_a_question_about_what_is_refunded_is_no_ask(read, said):
    assert read.status(REFUND, HELLO, said) is AskStatus.QUESTION


def test_asking_for_the_refund_itself_mid_run_still_asks(read):
    said = "c: the blender stopped working after a month can you refund that"
    assert read.status(REFUND, HELLO, said) is AskStatus.ASKED


def test_a_bare_swap_is_a_replacement_asked(read):
    said = "c: the left one won't pair nah just swap it then"
    assert read.status(AskKind.REPLACEMENT, HELLO, said) is AskStatus.ASKED


def test_a_swap_back_or_out_of_something_else_is_no_replacement(read):
    said = "c: i'll swap it back to the old settings myself"
    assert read.status(AskKind.REPLACEMENT, HELLO, said) is None


def test_fine_said_of_the_things_state_leaves_the_problem(read):
    said = "c: the parcel came two days late it's fine it's still sealed but i paid for express"
    assert Reason.LATE in read.reasons(said)


def test_fine_said_of_the_problem_waves_it_away(read):
    assert Reason.LATE not in read.reasons("c: the parcel came two days late but that's fine")
