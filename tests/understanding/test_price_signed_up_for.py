"""A plan signed up for at one price and billed at another is a billing error ("I signed up
for the basic plan, 9.99, and I've been billed 24.99 every month"), and so is a charge said to
be one it should have been ("it should have been twenty-five"); a line's lag on the call is no
late delivery ("sorry about the delay on the line")."""

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    "said",
    [
        "c: I signed up for the starter plan, twelve ninety-nine, in March, and I've been "
        "billed nineteen ninety-nine every month since.",
        "c: We joined at 30 a month but you've been charging us 45.",
        "c: I was charged 80 for the family pass. It should have been 35.",
        "c: That's the premium price. It should have been fifteen dollars.",
    ],
)
def test_a_price_other_than_the_one_signed_up_for_is_a_billing_error(read, said):
    assert Reason.BILLING in read.reasons(said)


@pytest.mark.parametrize(
    "said",
    [
        "c: I signed up for the starter plan at 12.99 and I've been paying it monthly.",
        "c: It should have been delivered by now.",
        "c: The engineer should have been here at 9.",
    ],
)
def test_a_price_kept_or_a_thing_that_should_have_come_is_no_billing_error(read, said):
    assert Reason.BILLING not in read.reasons(said)


@pytest.mark.parametrize(
    "said",
    [
        "c: Hi, I'm calling from a ship, sorry about the delay on the line.",
        "c: Sorry, the delay on the call is the signal here, not you.",
    ],
)
def test_a_lag_on_the_line_is_no_late_delivery(read, said):
    assert Reason.LATE not in read.reasons(said)


def test_a_delay_to_the_order_is_still_late(read):
    assert Reason.LATE in read.reasons("c: Sorry, but the delay on my order is ridiculous.")
