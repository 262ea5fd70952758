"""A card number or SSN whose digits are parted by a letter its reader sees as blank (a Hangul
filler: U+3164, its halfwidth U+FFA0, U+115F, U+1160) is found: such a letter is
default-ignorable and shows as a space, so '4ㅤ1ㅤ1ㅤ1...' reads as the digits spaced one by
one. Detection took it for a letter like any other, and a card parted by one after each
digit was no card to it and a card to whoever read the note."""

from __future__ import annotations

import pytest

from guardrail.understanding.sensitive import sensitive_kinds

FILLERS = ["\u3164", "\uffa0", "\u115f", "\u1160"]


@pytest.mark.parametrize("filler", FILLERS, ids=[f"U+{ord(f):04X}" for f in FILLERS])
def test_a_card_with_a_blank_letter_after_each_digit_is_a_card(filler: str) -> None:
    assert "card" in sensitive_kinds(f"Customer card {filler.join('4111111111111111')}")
    assert "ssn" in sensitive_kinds(f"SSN {filler.join('123456789')}")


@pytest.mark.parametrize("filler", FILLERS, ids=[f"U+{ord(f):04X}" for f in FILLERS])
def test_an_order_number_parted_so_is_no_card(filler: str) -> None:
    assert not sensitive_kinds(f"Order {filler.join('1234')} shipped")
