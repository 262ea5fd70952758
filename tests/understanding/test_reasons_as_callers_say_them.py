"""Problems said the way callers put them that no phrase read: a penalty charged though they
paid in time ("a late fee and I paid on time"), the price it should have been then the one
charged ("supposed to be 10 and I got charged 42"), charged for a service shut at the time
("charged parking but valet was closed"), the size sent then the size ordered ("u sent
me size 9 i ordered 11"), a part come through ("a spring poking through", "the stitching came
out"), and a part come off with a dialect intensifier ("the heel came plum off")."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        ("c: there's an overdue fee on my bill but i made the payment early", Reason.BILLING),
        ("c: the visit was supposed to be 25 dollars and they charged me 60", Reason.BILLING),
        ("c: you sent me a size 7 and i ordered a 9", Reason.WRONG_ITEM),
        ("c: we were billed for the spa $30 a day but the spa was out of order", Reason.BILLING),
        ("c: the sofa has a spring sticking out of the cushion", Reason.DAMAGED),
        ("c: the stuffing is coming out of the teddy already", Reason.DAMAGED),
        ("c: the handle came plumb off the first time i used it", Reason.DAMAGED),
    ],
)
def test_a_problem_said_as_callers_say_it_is_read(read, said, reason):
    assert reason in read.reasons(said)


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        ("c: the late fee was waived because i paid on time thanks", Reason.BILLING),
        ("c: it's supposed to be delivered by friday", Reason.BILLING),
        ("c: the spa was out of order but we had a lovely stay", Reason.BILLING),
        ("c: you sent me size 9 slippers as a gift, thanks", Reason.WRONG_ITEM),
        ("c: the kids were poking through the boxes all morning", Reason.DAMAGED),
    ],
)
def test_its_near_look_alikes_state_no_such_problem(read, said, reason):
    assert reason not in read.reasons(said)
