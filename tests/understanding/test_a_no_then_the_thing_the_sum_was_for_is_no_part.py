"""A no to money offered, then the thing the one sum was offered for ("I don't want money,
could you just have it mended?"), takes no part of the sum: it is not an offer accepted."""

from __future__ import annotations

from guardrail.understanding.model import AskKind, AskStatus


def test_a_no_and_then_the_thing_the_sum_was_for_is_not_a_refund_taken(read):
    ask = read.ask(
        AskKind.REFUND,
        "c: The handle of my pram came off in my hand on the first day.",
        "a: A new handle costs about forty dollars, so I can refund you the forty dollars to have"
        " it mended locally, or we can send it to our workshop.",
        "c: No, I don't want money, I'd never find anyone. Could you just have it mended?",
    )
    assert ask is not None
    assert ask.status is not AskStatus.OFFERED_ACCEPTED
