"""Reasons the customer gives in other words: a service never joined and charged for, the same
sum taken twice or the same thing bought twice, a sum on the bill called a mistake, a price
raised without a word, the price itself as the problem, a charge for what was already sent
back, food thrown out, nothing delivered all the time paid for, flowers spoiled, goods spoiled
by water; and near-misses that say none of them."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        ("c: I never signed up for that insurance add-on and you take it every month.", Reason.BILLING),
        ("c: We didn't opt in to any of those extras.", Reason.BILLING),
        ("c: Your site charged the booking fee twice on Friday.", Reason.BILLING),
        ("c: We never got a single drop all of March, not one crate of milk.", Reason.LATE),
        ("c: I haven't had one delivery since the 2nd.", Reason.LATE),
        ("c: The roses came wilted and the stems were droopy.", Reason.DAMAGED),
        ("c: Half the basil plants had gone brown by the time they got here.", Reason.DAMAGED),
        ("c: The box arrived soaked and the books inside are ruined.", Reason.DAMAGED),
        ("c: The colours have run on the new shirt.", Reason.DAMAGED),
        ("c: Look, this forty-one twenty on my statement is a mistake.", Reason.BILLING),
        ("c: No one warned us about the rate increase.", Reason.BILLING),
        ("c: The bill came with no explanation for the extra $35.", Reason.BILLING),
        ("c: The website glitched and ordered the same hoodie twice.", Reason.BILLING),
        ("c: Honestly the membership has got too pricey for us.", Reason.BILLING),
        ("c: You billed me May for the router but I'd posted it back in April.", Reason.BILLING),
        ("c: One sniff of the prawns and they went straight in the bin.", Reason.DAMAGED),
        ("c: After the third fee increase we can no longer afford it.", Reason.BILLING),
    ],
)  # fmt: skip
def test_a_reason_in_other_words_is_read(read, said, reason):
    assert reason in read.reasons(said)


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        ("c: I didn't get a delivery confirmation email.", Reason.LATE),
        ("c: I'd like the brown one instead of the grey.", Reason.DAMAGED),
        ("c: I got soaked waiting at the bus stop for your driver.", Reason.DAMAGED),
        ("c: I have rung you twice about the parcel already.", Reason.BILLING),
        ("c: I have ordered from you twice before and it was fine.", Reason.BILLING),
        ("c: Sorry, this 3 is a mistake, I meant 4 chairs.", Reason.BILLING),
        ("c: You could not afford to lose a customer like me.", Reason.BILLING),
        ("c: I put the old receipt in the drawer, not the bin.", Reason.DAMAGED),
    ],
)
def test_words_beside_those_reasons_do_not_say_them(read, said, reason):
    assert reason not in read.reasons(said)


def test_the_price_denied_is_read_as_denied(read):
    issues = read("c: It isn't too expensive, the app just keeps crashing.").issues
    assert [i.negated for i in issues if i.reason is Reason.BILLING] == [True]
