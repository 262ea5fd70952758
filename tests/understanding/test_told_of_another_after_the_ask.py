"""Someone else told of after the customer's ask, in a sentence run on without stops as a
speech recognizer writes it ("i'd like the seven fifty back for the delivery please the flowers
were lovely she said"), tells of what was said between, not of the ask: the ask is the
customer's. Told of right at the ask ("i want it back she says"), it is theirs."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "said",
    [
        "i'd like the seven fifty back for the delivery please the flowers were lovely she said",
        "can i get my money back for the late delivery the driver was rude my husband said",
    ],
)
def test_an_ask_before_someone_else_told_of_much_later_is_the_customers(read, said):
    assert read.status(REFUND, f"c: {said}") is AskStatus.ASKED


@pytest.mark.parametrize(
    "said",
    [
        "she wants the seven fifty back for the delivery",
        "she says give me the seven fifty back",
        "the seven fifty back my husband said",
    ],
)
def test_an_ask_told_of_someone_else_is_theirs(read, said):
    assert read.status(REFUND, f"c: {said}") is AskStatus.THIRD_PARTY
