"""Someone else on the customer's side of the call asks for one thing and the account holder
chooses another ("(wife, Ana) Refund it." - "No, put it as credit on next month"): the holder's
choice is the request, the other person's is theirs, whether the transcript tags them in square
or round brackets."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND
OFFERED = (
    "c: Hi, it's Marco, my wife is here too, you're on speaker.",
    "c: The pool was shut all week and we paid 90 for the swim classes.",
    "a: Sorry about that. We can refund the 90 or put it as credit on next month's classes.",
)


@pytest.mark.parametrize(
    ("said", "status"),
    [
        (
            (
                "c: (wife, Ana) Refund. We want the money back.",
                "c: No Ana, it's the same money. Put it as credit on next month, please.",
            ),
            AskStatus.THIRD_PARTY,
        ),
        (
            ("c: (wife) Just refund it.", "c: Credit for next month is simpler, thanks."),
            AskStatus.THIRD_PARTY,
        ),
        (
            ("c: [wife] Refund, please.", "c: Credit on next month, thank you."),
            AskStatus.THIRD_PARTY,
        ),
        # the holder takes it up: their own ask
        (
            ("c: (wife, Ana) Refund.", "c: Yes, she's right, refund the 90 please."),
            AskStatus.ASKED,
        ),
        # a bracketed aside that names no one is still the holder speaking
        (("c: (laughs) Refund it, please.",), AskStatus.ASKED),
    ],
)
def test_the_holders_choice_is_the_request_over_another_on_the_call(read, said, status):
    assert read.status(REFUND, *OFFERED, *said) is status
