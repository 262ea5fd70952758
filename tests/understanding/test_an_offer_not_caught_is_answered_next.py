"""An answer that first asks for the offer again ("Sorry?", "Pardon?", "Come again?") answers
it in the sentence after: "Sorry? No, why would you" turns the offer down, "Pardon? Oh, yes
please" takes it."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

OFFER = (
    "c: I dropped my phone and the screen's cracked. I've got your insurance.",
    "a: Shall I refund this month's premium since you're claiming?",
)


@pytest.mark.parametrize("lead", ["Sorry?", "Pardon?", "Come again?", "Sorry, what?", "Eh?"])
@pytest.mark.parametrize(
    ("answer", "status"),
    [
        ("No, why would you. Just the repair.", AskStatus.OFFERED_DECLINED),
        ("No thanks, I'm fine.", AskStatus.OFFERED_DECLINED),
        ("Oh, yes please.", AskStatus.OFFERED_ACCEPTED),
        ("Go on then.", AskStatus.OFFERED_ACCEPTED),
    ],
)
def test_the_answer_after_asking_the_offer_again_decides_it(read, lead, answer, status):
    ask = read.ask(AskKind.REFUND, *OFFER, f"c: {lead} {answer}")
    assert ask is not None
    assert ask.status is status
