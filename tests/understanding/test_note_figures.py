"""A note's figures are grounded by class: an amount in an amount said, a count in the same
count of the same things, a length of time in the same length in any unit, a worked-out sum
only where the note names it one and the call said its parts."""

import pytest

from .conftest import judged


@pytest.mark.parametrize(
    ("said", "note", "unsupported"),
    [
        # a charge said as two numbers, noted in digits; rounded, it is another figure
        ("c: there's a fee of thirty-two fifty on my bill", "Fee of 32.50 queried.", []),
        ("c: there's a fee of thirty-two fifty on my bill", "Fee of 33 queried.", ["33"]),
        ("c: there's a fee of thirty-two fifty on my bill", "Fee of 32 queried.", ["32"]),
        # a rate, priced by "per month" or "each" after it
        ("a: the cover is 19 a month", "Cover at 19 per month.", []),
        ("a: the cover is 19 a month", "Cover at 21 per month.", ["21"]),
        ("c: they charged me 14 each for the bulbs", "Bulbs charged at 14 each.", []),
        ("c: they charged me 14 each for the bulbs", "Bulbs charged at 41 each.", ["41"]),
        # a number that prices nothing is no amount to ground
        ("c: the gate is stuck", "Gate 2 stuck, site told.", []),
        # money named by what it is after it ("20 goodwill credit"), not inside a reference
        (
            "a: account BB-7120-88. I can put fifteen pounds' credit on your account",
            "Customer accepted 15 goodwill credit.",
            [],
        ),
        (
            "a: account BB-7120-88. I can put fifteen pounds' credit on your account",
            "Customer accepted 20 goodwill credit.",
            ["20"],
        ),
    ],
)
def test_a_bare_amount_a_note_prices_must_be_the_amount_said(said, note, unsupported):
    assert judged(said).unsupported_facts(note) == unsupported


@pytest.mark.parametrize(
    ("said", "note", "unsupported"),
    [
        ("c: two of the mugs arrived chipped", "2 mugs chipped in transit.", []),
        ("c: two of the mugs arrived chipped", "3 mugs chipped in transit.", ["3 mugs"]),
        ("c: 2 mugs arrived chipped", "Two chipped mugs returned.", []),
        ("c: both hinges on the gate are loose", "2 hinges loose on the gate.", []),
        ("c: the engineer came three times", "Engineer visited 3 times.", []),
        # the number was said, of other things
        ("c: we've three dogs and two cats", "Flea treatment for 3 cats.", ["3 cats"]),
        ("c: we've three dogs and two cats", "Flea treatment for 2 cats.", []),
        # said alone, what it counts left to the words before it
        ("c: the pills: you sent thirty, I need ninety", "30 tablets sent, 90 needed.", []),
        ("c: the pills: you sent thirty, I need ninety", "40 tablets sent.", ["40 tablets"]),
        ("c: my son's seventeen", "Adding 17-year-old son as a driver.", []),
        ("c: my son's seventeen", "Adding 18-year-old son as a driver.", ["18-year-old"]),
        # a unit of measure is no thing counted
        ("c: I pay for 300 and get 38", "Paying for 300 Mbps, getting 38 Mbps.", []),
        # the things named otherwise, never counted by the note's name
        ("c: it was for my son's party, nine kids", "Party for 9 children.", []),
        ("c: it was for my son's party, nine kids", "Party for 10 children.", ["10 children"]),
        # "full-day" says what the outages were; they are what is counted
        ("c: three outages last month", "3 full-day outages in May.", []),
        ("c: three outages last month", "4 full-day outages in May.", ["4 full-day outages"]),
        # a figure said in words in the hundreds
        ("c: the slip says three hundred and ten litres", "310 litres delivered.", []),
        ("c: the slip says three hundred and ten litres", "301 litres delivered.", ["301 litres"]),
        # one thing is no count a note can get wrong by a figure
        ("c: there's a nest in the shed", "One nest in the shed.", []),
    ],
)
def test_a_count_in_a_note_must_be_the_count_said_of_the_same_things(said, note, unsupported):
    assert judged(said).unsupported_facts(note) == unsupported


@pytest.mark.parametrize(
    ("said", "note", "unsupported"),
    [
        ("c: it's been a fortnight since I ordered", "Waiting 14 days.", []),
        ("c: it's been a fortnight since I ordered", "Waiting 2 weeks.", []),
        ("c: it's been a fortnight since I ordered", "Waiting 3 weeks.", ["3 weeks"]),
        ("c: I've been with you eleven years", "Customer for 11 years.", []),
        ("c: I've been with you eleven years", "Customer for 12 years.", ["12 years"]),
        ("a: it renews for another year", "Renewed for 12 months.", []),
        ("a: it renews for another year", "Renewed for 24 months.", ["24 months"]),
        ("a: the lab takes about ten working days", "Back from the lab in 10 days.", []),
        ("a: from the 3rd to the 9th, so seven days", "Credit for 7 unused days.", []),
        (
            "a: from the 3rd to the 9th, so seven days",
            "Credit for 8 unused days.",
            ["8 unused days"],
        ),
        ("a: it's a twelve month contract", "Signed a 12-month contract.", []),
        # a term and a rate nobody said
        (
            "c: just carry on with the plan please",
            "Renewed for 12 months at 24 per month.",
            ["12 months", "24"],
        ),
    ],
)
def test_a_length_of_time_in_a_note_must_be_the_length_said_in_any_unit(said, note, unsupported):
    assert judged(said).unsupported_facts(note) == unsupported


@pytest.mark.parametrize(
    ("said", "note", "unsupported"),
    [
        # named a difference or a total, worked out from amounts said
        ("c: I paid £49.99, it's £39.99 on your site", "Refunded the £10 difference.", []),
        ("c: one was £20 and the other £15", "Refunded £35 in total.", []),
        # not named one: a figure of its own, which nobody said
        ("c: I paid £49.99, it's £39.99 on your site", "Refunded £10.", ["£10"]),
        ("c: one was £20 and the other £15", "Refunded £35 for the lamp.", ["£35"]),
        # a total the call worked out aloud is said
        ("a: three visits at 35, so that's 105 off", "105 credited for 3 visits.", []),
    ],
)
def test_a_sum_in_a_note_is_grounded_only_where_the_note_names_it_one(said, note, unsupported):
    assert judged(said).unsupported_facts(note) == unsupported


@pytest.mark.parametrize(
    ("said", "note", "unsupported"),
    [
        # amounts said in words with no currency, noted in digits
        ("a: the rent goes from sixty-two to fifty-eight a week", "Rent 62.00 down to 58.00.", []),
        (
            "a: the rent goes from sixty-two to fifty-eight a week",
            "Rent 62.00 down to 56.00.",
            ["56.00"],
        ),
        ("c: it was ninety-nine I paid for it", "Customer paid $99.", []),
        ("c: it was ninety-nine I paid for it", "Customer paid $89.", ["$89"]),
        # two numbers said as one amount stay one amount
        ("c: the fee was forty-one twenty", "Fee of 41.20 refunded.", []),
        ("c: the fee was forty-one twenty", "Fee of 41 refunded.", ["41"]),
    ],
)
def test_an_amount_said_in_words_grounds_the_same_amount_in_a_note(said, note, unsupported):
    assert judged(said).unsupported_facts(note) == unsupported


@pytest.mark.parametrize(
    ("said", "note", "unsupported"),
    [
        # the whole a part is said "out of" takes the part's unit
        ("a: twelve nights out of twenty, so we refund the rest", "Stayed 12 of 20 nights.", []),
        ("a: two weeks out of the four were used", "Used 14 of 28 days.", []),
        ("c: nine lessons out of ten I missed", "Missed 9 of 10 lessons.", []),
        # ... and no other whole
        (
            "a: twelve nights out of twenty, so we refund the rest",
            "Stayed 12 of 21 nights.",
            ["21 nights"],
        ),
        # a whole that names its own things lends it no unit
        (
            "c: I waited twelve days out of twenty people in the queue",
            "Waited 20 days.",
            ["20 days"],
        ),
    ],
)
def test_a_whole_said_out_of_shares_the_unit_of_its_part(said, note, unsupported):
    assert judged(said).unsupported_facts(note) == unsupported


@pytest.mark.parametrize(
    ("said", "note", "unsupported"),
    [
        # an amount said in words at the end of a sentence, after a pause
        ("c: The letter says I owe... sixty-five. That's the old price.", "Letter: 65.00.", []),
        ("c: It came to forty-two. Then the fee.", "Came to 42.00.", []),
        # ... and not another
        (
            "c: The letter says I owe... sixty-five. That's the old price.",
            "Letter: 56.00.",
            ["56.00"],
        ),
    ],
)
def test_an_amount_said_in_words_at_a_sentences_end_grounds_it(said, note, unsupported):
    assert judged(said).unsupported_facts(note) == unsupported


@pytest.mark.parametrize(
    ("note", "unsupported"),
    [
        ("Collection booked Thursday 19th, first thing.", []),
        ("Collection booked Thursday 21st, first thing.", ["21st"]),
    ],
)
def test_a_day_of_the_month_after_a_weekday_must_be_the_day_said(note, unsupported):
    said = "c: can you collect the mixer on Thursday the nineteenth"
    assert judged(said).unsupported_facts(note) == unsupported


@pytest.mark.parametrize(
    ("said", "note", "unsupported"),
    [
        ("a: I can offer ten percent off for twelve months", "Accepted 10% off for 12 months.", []),
        ("a: I can offer ten percent off for twelve months", "Accepted 15% off for 12 months.",
         ["15%"]),
        ("c: you said 12.5 per cent off", "Discount of 12.5 percent applied.", []),
        ("c: you said 12.5 per cent off", "Discount of 15 percent applied.", ["15 percent"]),
        # a share said in words is a share: "fifteen" said of minutes grounds no 15%
        ("c: I waited fifteen minutes", "Customer waited 15 minutes; 15% off given.", ["15%"]),
    ],
)  # fmt: skip
def test_a_percentage_in_a_note_must_be_a_share_said(said, note, unsupported):
    assert judged(said).unsupported_facts(note) == unsupported
