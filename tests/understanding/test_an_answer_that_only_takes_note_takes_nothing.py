"""The agent telling what could be refunded, and the customer only taking note of it ("good
to know", "I'll bear that in mind"), is no refund taken up."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

TOLD = (
    "c: Quick one. If my flight gets cancelled, do you refund the airport parking?",
    "a: We can refund the parking if the airline cancels and you send us the notice. Your"
    " booking next week is forty pounds.",
)


@pytest.mark.parametrize(
    "answer",
    ["c: Okay, good to know, thanks.", "c: Right, I'll bear that in mind. Cheers."],
)
def test_taking_note_of_what_could_be_refunded_is_no_refund_taken(read, answer):
    ask = read.ask(AskKind.REFUND, *TOLD, answer)
    assert ask is None or ask.status not in (AskStatus.ASKED, AskStatus.OFFERED_ACCEPTED)
