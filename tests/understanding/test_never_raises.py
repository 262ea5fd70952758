"""The reader must not raise on any text (the backend contract): a crash leaves a write judged
with no reading at all. Conversations are built from pieces of contact-center speech joined at
random, so several asks, outcomes, amounts and take-backs meet in one sentence or turn."""

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guardrail.context.model import Turn
from guardrail.understanding.classifier import ModelBackend
from guardrail.understanding.lexical import LexicalBackend

PIECES = [
    "can i get my money back",
    "i want a refund",
    "refund the 20",
    "close my account",
    "cancel it",
    "keep it open",
    "forget it",
    "never mind",
    "actually no",
    "yes please",
    "no thanks",
    "that's fine",
    "it's working now",
    "still not working",
    "i'll call back",
    "i'll transfer you",
    "let me check",
    "bear with me",
    "i've refunded you",
    "the refund has been issued",
    "we can send a replacement",
    "i'll take the replacement",
    "half of it",
    "the difference",
    "twenty nine ninety nine",
    "$4o",
    "19.99",
    "two payments of 12.50",
    "on the 14th",
    "last tuesday",
    "it arrived broken",
    "it came late",
    "you charged me twice",
    "my daughter wants",
    "if you can",
    "is there any way",
    "i was wondering if",
    "not",
    "don't",
    "thanks bye",
    "lol",
    "ok",
    "mm",
    "👍",
    "no wait",
    "the, the forty, fourteen",
    "callback monday at ten",
    "supervisor",
    "my card 4111 1111 1111 1111",
]
# pieces meet in one sentence more often than not: that is where readings collide
JOINS = [" ", " ", ", ", ", ", " and ", " but ", ". ", "? ", "! ", "... "]
ROLES = ["customer", "customer", "agent", "agent", "system"]

texts = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(alphabet=string.printable, max_size=12)),
    min_size=1,
    max_size=4,
).flatmap(
    lambda parts: st.lists(st.sampled_from(JOINS), min_size=len(parts), max_size=len(parts)).map(
        lambda joins: "".join(p + j for p, j in zip(parts, joins, strict=True))
    )
)
conversations = st.lists(
    st.builds(Turn, role=st.sampled_from(ROLES), text=texts), min_size=1, max_size=8
)
READERS = {"lexical": LexicalBackend(), "model": ModelBackend.from_file(None)}


@pytest.mark.parametrize("name", READERS)
@given(turns=conversations)
@settings(max_examples=600, deadline=None)
def test_a_reader_reads_any_conversation_without_raising(name, turns):
    reading = READERS[name].understand(turns, rev=3)
    assert reading.backend == name
    assert reading.rev == 3
    assert reading.to_json()["backend"] == name
