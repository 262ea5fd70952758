"""The customer wondering if they could get or have the thing ("I was just wondering if I could
get my money back") asks for it: the usual polite form of a request, as "could I get" is.
Wondering about it, whether one exists, or if others get one, is still a musing, and a
condition after it still makes it conditional."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND
TOLD = "c: The lamp came with the shade split down one side."
SORRY = "a: Oh dear, I'm sorry about that."


@pytest.mark.parametrize(
    "said",
    [
        "c: I was just wondering if I could get my money back for the lamp.",
        "c: We were wondering whether we could have a refund for it.",
        "c: I wondered if I might get the twenty back.",
        "c: I'm wondering if I can get a refund on it, please.",
    ],
)
def test_wondering_if_one_could_get_it_asks_for_it(read, said):
    assert read.status(REFUND, TOLD, SORRY, said) is AskStatus.ASKED


@pytest.mark.parametrize(
    "said",
    [
        "c: I was wondering if people ever get refunds for that sort of thing.",
        "c: I was wondering about a refund, but I'd rather have another lamp.",
        "c: I was wondering if I could get a refund if I sent it back.",
    ],
)
def test_wondering_about_it_or_on_a_condition_asks_nothing_now(read, said):
    assert read.status(REFUND, TOLD, SORRY, said) is not AskStatus.ASKED
