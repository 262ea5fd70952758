"""Advice the speaker gave someone else ("I told him he should close the account") asks
nothing of the company; the speaker's own wish said to them still asks."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind

CLOSURE = AskKind.ACCOUNT_CLOSURE


@pytest.mark.parametrize(
    "said",
    [
        "c: (interpreter) I told him he should close the account, honestly, he has another bank.",
        "c: I keep telling my husband he should close the account.",
    ],
)
def test_advice_to_someone_else_asks_nothing(read, said):
    ask = read.ask(CLOSURE, said)
    assert ask is None or not ask.status.granted


def test_the_speakers_own_wish_still_asks(read):
    ask = read.ask(CLOSURE, "c: I told my husband I want to close the account, so close it please.")
    assert ask is not None
    assert ask.status.granted
