"""A figure said alone after a length of time in the same sentence takes its unit ("charged me
for 40 minutes but I parked after 12": 12 minutes), so a note stating it in that unit is
grounded; said in another sentence, or noted in another length, it is not."""

import pytest

from .conftest import judged


@pytest.mark.parametrize(
    ("said", "note", "unsupported"),
    [
        (
            "c: the meter charged me for 40 minutes but I left after 12",
            "Left after 12 minutes, billed 40.",
            [],
        ),
        ("c: it was meant to take 2 weeks, it's been 5", "Waited 5 weeks so far.", []),
        # a length the figure was not said in
        (
            "c: the meter charged me for 40 minutes but I left after 12",
            "Left after 12 hours, billed 40.",
            ["12 hours"],
        ),
        # another sentence: the unit is not left to it
        ("c: it took 3 days. The box had 12.", "Box took 12 days.", ["12 days"]),
    ],
)
def test_a_figure_said_alone_after_a_length_of_time_is_that_length(said, note, unsupported):
    assert judged(said).unsupported_facts(note) == unsupported
