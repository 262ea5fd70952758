"""What an outside reader is shown: card numbers and SSNs masked in any written form, and quotes
from the masked text placed back in the original."""

import pytest

from guardrail.understanding.masked import mask_turn
from guardrail.understanding.model import SensitiveKind


@pytest.mark.parametrize(
    ("text", "shown", "kind", "hidden"),
    [
        (
            "card 4111 1111 1111 1111 exp 12/27",
            "card [CARD] exp 12/27",
            "card",
            "4111 1111 1111 1111",
        ),
        ("it's 4111.1111.1111.1111", "it's [CARD]", "card", "4111.1111.1111.1111"),
        (
            "my card is four one one one one one one one one one one one one one one one thanks",
            "my card is [CARD] thanks",
            "card",
            "four one one one one one one one one one one one one one one one",
        ),
        ("ssn is 123-45-6789 ok", "ssn is [SSN] ok", "ssn", "123-45-6789"),
        (
            "my social is one two three four five six seven eight nine",
            "my social is [SSN]",
            "ssn",
            "one two three four five six seven eight nine",
        ),
    ],
)
def test_card_numbers_and_ssns_are_masked_however_they_are_said(text, shown, kind, hidden):
    masked = mask_turn(text)
    assert masked.text == shown
    (found,) = masked.hidden
    assert found.kind is SensitiveKind(kind)
    assert text[found.start : found.end] == hidden


def test_amounts_and_order_numbers_stay_readable():
    text = "I want a refund of $40 for order 10442, twenty five quid would do"
    masked = mask_turn(text)
    assert masked.text == text
    assert masked.hidden == ()


def test_a_quote_of_the_masked_text_maps_back_to_the_original():
    text = "refund the 35 to card 4111 1111 1111 1111 please, it arrived broken"
    masked = mask_turn(text)
    at = masked.text.index("it arrived broken")
    start, end = masked.original_span(at, at + len("it arrived broken"))
    assert text[start:end] == "it arrived broken"
    at = masked.text.index("card [CARD]")
    start, end = masked.original_span(at, at + len("card [CARD]"))
    assert text[start:end] == "card 4111 1111 1111 1111"
