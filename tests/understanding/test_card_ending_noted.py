"""A card number the customer read out in words: a note may state its last four digits (what a
masked card shows), never its other digits nor a last four that was not said."""

from __future__ import annotations

from tests.understanding.conftest import judged

CALL = (
    "c: Can I pay the delivery charge now? Card is four one one one, one one one one, one one "
    "one one, one one one one.",
    "a: Please don't read cards out, I'll text you a payment link instead.",
    "c: Right, done that, it went through.",
)


def test_a_note_of_the_last_four_of_a_card_read_out_in_words_is_supported() -> None:
    assert judged(*CALL).unsupported_facts("Paid delivery by link, card ending 1111.") == []


def test_a_last_four_the_customer_never_read_out_is_unsupported() -> None:
    note = "Paid delivery by link, card ending 4242."
    assert judged(*CALL).unsupported_facts(note) == ["4242"]


def test_the_first_digits_of_a_card_read_out_are_no_fact() -> None:
    talk = (
        "c: My card is four zero one two, eight eight eight eight, eight eight eight eight, one "
        "eight eight one.",
        "a: Thanks, that's gone through.",
    )
    assert judged(*talk).unsupported_facts("Card starting 4012 used.") == ["4012"]
    assert judged(*talk).unsupported_facts("Card ending 1881 used.") == []
