"""A time promised, then the longer time it took ("Express meant 2 to 3 days. It has been 8
days.") is a late delivery, said in one sentence or two; a time said twice as the same is not."""

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    "said",
    [
        "c: I paid for express. Express meant 2 to 3 days on your site. It has been 8 days.",
        "c: The quote said in 5 working days. It has been 12.",
        "c: You quoted 4 weeks for the print; it's been 9 weeks now.",
    ],
)
def test_a_time_promised_then_a_longer_one_taken_is_late(read, said):
    assert Reason.LATE in read.reasons(said)


def test_a_time_promised_and_kept_is_not_late(read):
    assert Reason.LATE not in read.reasons("c: You quoted 4 weeks for the print and it came.")
