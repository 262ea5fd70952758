"""A price shown, then another taken ("on the website at 149. When it went through it said
179"): a billing error; a price shown and the thing then found broken is not."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    ("said", "billing"),
    [
        ("c: The shed was on the website at a hundred and twenty. When it went through it said one fifty.", True),
        ("c: The kettle was on the shelf label for 4.99 and it rang up at 6.49.", True),
        ("c: I saw the kettle on the website at 49 and ordered it. It came with a cracked lid.", False),
    ],
)  # fmt: skip
def test_a_price_shown_then_another_taken_is_billing(read, said, billing):
    assert (Reason.BILLING in read.reasons(said)) is billing
