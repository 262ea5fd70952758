"""A card number split between a text field and a phone field, through the real proxy
(simple-salesforce over TLS) to the sandbox with the shipped pack's sensitive-data rule. A phone
field whose whole value is a valid phone number is not read for cards alone (a finder misreads
some numbers as cards), but most card numbers end (or start) in ten digits that make a valid US
number: the rest in a name or note, the two say the card together. Refused in one write, and
across two, however the phone is grouped; the contact keeps what it held. A real phone number
beside an ordinary name still lands."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from simple_salesforce.exceptions import SalesforceMalformedRequest

from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CONTACT_ID
from guardrail.testing import Stack
from tests.conftest import cards_split_at_a_phone, phone_numbers
from tests.helpers import salesforce_in, through_a_stack

RULE = "card number or a social security number"
_conversations = itertools.count()


@pytest.fixture(scope="module")
def stack(notes_stack: Stack) -> Stack:
    return notes_stack


def agent(stack: Stack) -> Any:
    body = {"channel": "voice", "customer": {"account_ids": [ACME_ACCOUNT_ID],
            "contact_ids": [ACME_CONTACT_ID], "verified": True},
            "turns": [{"role": "customer", "text": "Please update my phone number."}]}  # fmt: skip
    return salesforce_in(stack, f"sf-card-split-{next(_conversations)}", body, "agent-split")


def contact(stack: Stack) -> dict[str, Any]:
    async def row() -> dict[str, Any]:
        found = stack.store.get("Contact", ACME_CONTACT_ID)
        assert found is not None
        return found

    return stack.call(row)


def halves(card: str, phone_first: bool) -> str:
    """The part of the card the phone does not hold, as a name would carry it."""
    return f"{card[10:]} Doe" if phone_first else f"Doe {card[:-10]}"


@through_a_stack(30)
@given(split=cards_split_at_a_phone())
def test_a_card_split_between_a_name_and_a_phone_in_one_write_is_refused(
    stack: Stack, split: tuple[str, str, bool]
) -> None:
    card, phone, phone_first = split
    sf = agent(stack)
    before = contact(stack)
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Contact.update(ACME_CONTACT_ID, {"LastName": halves(card, phone_first), "Phone": phone})
    assert RULE in refused.value.content[0]["message"], (card, phone)
    assert contact(stack) == before


@through_a_stack(20)
@given(split=cards_split_at_a_phone())
def test_a_card_split_between_a_name_and_a_later_phone_is_refused(
    stack: Stack, split: tuple[str, str, bool]
) -> None:
    card, phone, phone_first = split
    sf = agent(stack)
    sf.Contact.update(ACME_CONTACT_ID, {"LastName": halves(card, phone_first)})
    before = contact(stack)
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Contact.update(ACME_CONTACT_ID, {"Phone": phone})
    assert RULE in refused.value.content[0]["message"], (card, phone)
    assert contact(stack) == before


@through_a_stack(30)
@given(phone=phone_numbers(), name=st.sampled_from(["Doe", "O'Brien", "Doe-Smith", "Li"]))
def test_a_real_phone_number_beside_an_ordinary_name_lands(
    stack: Stack, phone: str, name: str
) -> None:
    sf = agent(stack)
    sf.Contact.update(ACME_CONTACT_ID, {"LastName": name, "Phone": phone})
    assert (contact(stack)["LastName"], contact(stack)["Phone"]) == (name, phone)
