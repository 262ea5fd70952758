"""A customer narrows to one of the things the agent priced, each in a sentence of its own
("March was 32. April also at 32." - "Just March."): the part is asked, at its amount; and a
sum the agent then states that counts the part over (64 for two months) is more than asked,
not the customer's price counted, so their part stands, unsure."""

from __future__ import annotations

from decimal import Decimal

from guardrail.understanding.model import SURE, AskKind

REFUND = AskKind.REFUND
CALL = (
    "c: I was without broadband most of March. I want that month's charge refunded.",
    "a: March was thirty-two pounds. I can see April also at thirty-two.",
    "c: April was fine, it came back on the first. Just March.",
)


def test_the_thing_narrowed_to_is_asked_at_its_own_sentences_amount(read):
    ask = read.ask(REFUND, *CALL)
    assert ask is not None
    assert ask.amount == Decimal("32")


def test_a_multiple_of_the_part_the_agent_only_states_leaves_the_part_asked(read):
    ask = read.ask(REFUND, *CALL, "a: Right, I'll refund those for you, sixty-four pounds.",
                   "c: Okay then.")  # fmt: skip
    assert ask is not None
    assert ask.amount == Decimal("32")
    assert ask.amount_confidence < SURE


def test_a_price_per_thing_the_customer_gave_may_still_be_counted_over(read):
    ask = read.ask(REFUND, "c: The tickets were 6.50 each and the show was cancelled. Refund them.",
                   "a: Two tickets, so I'll refund 13.00.", "c: Thanks.")  # fmt: skip
    assert ask is not None
    assert ask.amount == Decimal("13")
