"""A customer who, after asking money back for what someone close to them bought, decides to
let that person keep it ("let him keep it", "let her keep that") takes the ask back; the
company keeping goods ("let them keep it") or the person keeping the thing while the money is
still wanted is no retraction."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

ASKED = (
    "c: My daughter bought a skin in a game on my card, 15 dollars. Can I get that back?",
    "a: I can refund it and take the skin off her profile.",
)


@pytest.mark.parametrize(
    "said",
    ["c: Oh, let her keep it, she's done her chores.", "c: Hmm. Let her just keep that."],
)
def test_letting_someone_keep_what_they_bought_takes_the_ask_back(read, said):
    assert read.status(AskKind.REFUND, *ASKED, said) is AskStatus.RETRACTED


@pytest.mark.parametrize(
    "said",
    [
        "c: No, let her keep it, but I do want the 15 back.",
        "c: Let them keep it, they can have it, I just want my money.",
    ],
)
def test_the_money_still_wanted_is_still_asked(read, said):
    assert read.status(AskKind.REFUND, *ASKED, said) is AskStatus.ASKED
