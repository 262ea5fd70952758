"""A closure reason that complains of how something was handled ("Not happy with claims
handling", "Not happy with renewal handling") is one of service: where the
customer said they were well served, it is not theirs."""

import pytest

from .conftest import reason_verdict

WELL_SERVED = (
    "c: We've sold the flat, so close the contents policy please.",
    "a: Will do. Have you been happy with us?",
    "c: Never had a single problem, you've been great.",
)


@pytest.mark.parametrize(
    "written", ["Not happy with claims handling", "Not happy with renewal handling"]
)
def test_a_complaint_of_handling_is_not_the_reason_of_one_well_served(written):
    assert reason_verdict(WELL_SERVED, written) != "fits"
