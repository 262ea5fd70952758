"""A refund told of as already made ("your colleague did a refund last week") is no ask now;
told of with the money not come ("it's not in my bank yet") or checked on ("just to check the
refund went through"), it is chased, and the agent finding it made before the call ("I can see
it, processed on the third") leaves no other refund asked."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    ("said", "asked"),
    [
        (
            (
                "c: Your colleague did a refund on Monday for the broken lamp. It hasn't shown up.",
                "a: I can see it here, twenty-two dollars, processed on the 4th. Allow five days.",
                "c: Oh right, thanks.",
            ),
            False,
        ),
        (
            (
                "c: You refunded me last week for the lamp but it's not in my account yet.",
                "a: The refund was issued on the 2nd, so any day now.",
                "c: Right, thanks.",
            ),
            False,
        ),
        (("c: Your colleague did a refund for the lamp, thanks for that.",), False),
        # checking a refund went through is chasing it; checking the rules asks nothing
        (
            (
                "c: I just wanted to check the refund you did on Monday went through?",
                "a: Yes, it was processed on Monday, it takes 3-5 days.",
                "c: Great, thanks.",
            ),
            False,
        ),
        (("c: I'd like to check the refund policy for opened items?",), False),
        # nothing found made: the chase still asks for it
        (
            (
                "c: I just wanted to check the refund you did on Monday went through?",
                "a: I can't see one, sorry. I'll put it through now.",
                "c: Great, thanks.",
            ),
            True,
        ),
        (
            (
                "c: Your colleague did a refund on Monday for the broken lamp. It hasn't shown up.",
                "a: I can't see any refund on the account, sorry. I'll do it now.",
                "c: Thanks.",
            ),
            True,
        ),
        # a refund still to be made, in the future, was not made before
        (
            (
                "c: Where's my refund for the lamp?",
                "a: I'll make sure the refund is processed on Monday.",
            ),
            True,
        ),
        # one told of, and another asked
        (
            (
                "c: Your colleague made a refund last week. Now the kettle's broken, I'd like a refund.",
            ),
            True,
        ),
    ],
)
def test_a_refund_told_of_as_made_is_no_ask_unless_not_found_made_or_asked_anew(read, said, asked):
    ask = read.ask(REFUND, *said)
    assert (ask is not None and ask.status.granted) is asked
