"""A refund asked about as hanging on the customer's own later choice ("could I get my money
back, if I decided to return it?") is a question of whether it could be, not an ask."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus


@pytest.mark.parametrize(
    "said",
    [
        "c: The kettle is louder than I hoped. Could I get a refund on it, if I wanted to?",
        "c: Could I get my money back for the boots, if I decided to send them back?",
        "c: Would I get a refund, were I to cancel the course?",
    ],
)
def test_a_refund_hung_on_a_choice_not_yet_made_is_not_asked(read, said):
    ask = read.ask(AskKind.REFUND, said, "a: Yes, within thirty days you could.")
    assert ask is None or ask.status is not AskStatus.ASKED


def test_a_refund_asked_with_a_condition_on_the_company_is_still_asked(read):
    ask = read.ask(AskKind.REFUND, "c: Could I get a refund on the kettle, if that's okay?")
    assert ask is not None
    assert ask.status is AskStatus.ASKED
