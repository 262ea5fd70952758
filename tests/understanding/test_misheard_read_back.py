"""A number the agent reads back and the customer corrects ("Order 5272, is that right?" - "No,
fifty-five twenty-seven") was misheard: a note that keeps it misstates the customer, though it
is in the transcript. The corrected number grounds a note; a no that corrects nothing like it,
or a number said again elsewhere, leaves what was said standing."""

import pytest

from .conftest import judged

ORDER = (
    "c: My rug from order five five two seven came with a stain right in the middle.",
    "a: Order 5272, is that right?",
    "c: No, fifty-five twenty-seven. 5-5-2-7.",
    "a: Got it. I'll arrange a collection.",
)
PARCEL = (
    "a: Please say or key in your parcel reference.",
    "c: K, seven, four, nine, four, B.",
    "a: I heard K7449B. Is that correct?",
    "c: No. K, seven, four, nine, four, B. Nine then four.",
    "a: Thank you. K7494B. This parcel was marked delivered on Thursday.",
)


@pytest.mark.parametrize(
    ("call", "note", "unsupported"),
    [
        (ORDER, "Order 5272: rug arrived stained. Collection arranged.", ["Order 5272"]),
        (ORDER, "Order 5527: rug arrived stained. Collection arranged.", []),
        (PARCEL, "Parcel K7449B marked delivered, not received.", ["K7449B"]),
        (PARCEL, "Parcel K7494B marked delivered, not received.", []),
    ],
)
def test_a_number_read_back_and_corrected_grounds_no_note(call, note, unsupported):
    assert judged(*call).unsupported_facts(note) == unsupported


def test_a_misheard_number_the_customer_says_again_elsewhere_stays_grounded():
    call = (*ORDER, "c: Oh and 5272 is my old order, that one was fine.")
    assert judged(*call).unsupported_facts("Old order 5272 fine, 5527 stained.") == []


@pytest.mark.parametrize(
    "answer",
    [
        "c: No, that's everything, thanks.",  # a no that corrects nothing
        "c: No, but my phone number changed to 07700 900123.",  # a number unlike it
    ],
)
def test_a_no_that_names_nothing_like_the_number_refutes_nothing(answer):
    call = ("a: Your replacement ships Monday, order 88812. Anything else?", answer)
    assert judged(*call).unsupported_facts("Replacement order 88812 ships Monday.") == []
