"""One thing charged as two, said by the lines of a statement ("two lines for the same
session", "two payments for one order"): a billing error; two lines for two things is not."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    "said",
    [
        "c: My statement's got two lines for the same yoga class on the 9th.",
        "c: There are two payments for one order on my card.",
        "c: I can see duplicate entries for the same booking.",
    ],
)
def test_one_thing_shown_twice_on_the_statement_is_billing(read, said):
    assert Reason.BILLING in read.reasons(said)


def test_two_lines_for_two_things_is_no_billing_error(read):
    assert Reason.BILLING not in read.reasons(
        "c: There are two lines for the two tickets I bought."
    )
