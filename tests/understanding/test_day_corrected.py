"""A day said, corrected ("the 12th? no, sorry, the 14th"), then said again as a fact of its
own ("the twelfth's my daughter's wedding"): both days were said in the call, the corrected
one and the one said again, so a note naming either is grounded; a day nobody said is not."""

import pytest

from guardrail.understanding.text import clean

from .conftest import judged

CALL = (
    "c: Can we move the boiler service to the twelfth? No, sorry, the fourteenth. The twelfth's"
    " my daughter's wedding.",
    "a: The fourteenth then, morning slot.",
)


@pytest.mark.parametrize(
    ("note", "unsupported"),
    [
        ("Service moved to the 14th, morning.", []),
        ("Service moved to the 14th. Customer's daughter marries on the 12th.", []),
        ("Service moved to the 15th, morning.", ["15th"]),
    ],
)
def test_a_day_said_again_after_a_correction_grounds_a_note_of_it(note, unsupported):
    assert judged(*CALL).unsupported_facts(note) == unsupported


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("the third's the concert", "the 3rd is the concert"),
        ("the twenty-fourth's booked", "the 24th is booked"),
        ("my third's broken", "my third's broken"),  # no day: "the" names it
    ],
)
def test_an_ordinal_day_with_is_run_on_reads_as_a_day(said, read):
    assert clean(said) == read
