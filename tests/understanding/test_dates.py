"""Dates are compared by what they pin down, however they were said or written."""

import pytest

from guardrail.understanding.dates import dates_in, readings_of, same_date


@pytest.mark.parametrize(
    ("written", "readings"),
    [
        ("moved to the 21st of march", ("--03-21",)),
        ("due March 21st, 2027", ("2027-03-21",)),
        ("booked for 21 Mar", ("--03-21",)),
        ("it came on the 21st, at last", ("---21",)),
        ("due 2027-03-21", ("2027-03-21",)),
        ("seen 3/21", ("--03-21",)),
        ("seen 4/5/27", ("2027-04-05", "2027-05-04")),
        ("the first of june", ("--06-01",)),
        ("booked 21-Mar-2027", ("2027-03-21",)),
        ("due 2027/03/21", ("2027-03-21",)),
        ("due 21.03.2027", ("2027-03-21",)),
        ("no hot water since the 14th from the boiler fault", ("---14",)),
        ("roadworks from the 3rd until further notice", ("---03",)),
        ("delayed on the 22nd due to snow", ("---22",)),
        ("closed the 6th for the holiday", ("---06",)),
        ("the reading taken on the 21st was wrong", ("---21",)),
        ("the parcel due by the 9th never came", ("---09",)),
        ("booked for the 4th morning slot", ("---04",)),
        ("he came on the 12th and left a card", ("---12",)),
        ("collection booked Thursday 16th, first thing", ("---16",)),
        ("back to you Wed. 9th at the latest", ("---09",)),
        ("leaking since the day after Boxing Day", ("--12-27",)),
        ("delivered the day before New Year's Day", ("--12-31",)),
        ("booked for St. Patricks Day", ("--03-17",)),
        ("it was meant to come by Halloween", ("--10-31",)),
    ],
)
def test_a_date_is_read_as_everything_it_can_mean_and_no_more(written, readings):
    (found,) = dates_in(written)
    assert found.readings == readings


@pytest.mark.parametrize(
    "written",
    [
        "on the 2nd floor",
        "the 3rd time I rang",
        "the 4th house from the corner",
        "came 2nd with a good time",
        "on the 3rd attempt it worked",
        "the Friday 2nd shift was short",
        "she came 2nd was the news",
        "about 40 minutes",
        "it's tuesday",
        "paid 12.50",
        "wait 10-15 minutes",
        "ordered it before Christmas",
        "we were away over Easter",
    ],
)
def test_ordinals_and_numbers_that_are_no_dates_are_not_read_as_dates(written):
    assert dates_in(written) == []


def test_two_dates_are_the_same_unless_something_one_says_contradicts_the_other():
    assert same_date("--03-21", "---21")
    assert same_date("2027-03-21", "--03-21")
    assert not same_date("--03-21", "--03-12")
    assert not same_date("2026-03-21", "2027-03-21")


def test_a_fact_value_in_iso_stays_as_it_is_and_one_in_words_is_read():
    assert readings_of("---21") == ("---21",)
    assert readings_of("21st of March") == ("--03-21",)


@pytest.mark.parametrize(
    ("written", "days"),
    [
        ("we wanted 8th to 11th instead", ("---08", "---11")),
        ("the 14th through the 17th works for us", ("---14", "---17")),
        ("can you do 2nd-5th", ("---02", "---05")),
        ("she is away 19th until 21st at least", ("---19", "---21")),
        ("maybe 30th till 1st is better", ("---30", "---01")),
    ],
)
def test_both_ends_of_a_range_of_days_are_dates_whatever_words_surround_it(written, days):
    assert tuple(r for d in dates_in(written) for r in d.readings) == days


def test_a_range_of_floors_or_places_without_ordinals_on_both_ends_is_no_date():
    assert dates_in("moved from 2nd place to third") == []
