"""Which of the customer's accounts they said to keep ("keep the checking obviously", "the
savings stays open"): a customer with two accounts who asks to close one keeps the other, and
a closure written to the record that name names closes the wrong one. Only a word that names
one account among others counts, never the word account itself nor a pronoun."""

from __future__ import annotations

import re
from collections.abc import Sequence

from guardrail.context.model import Turn
from guardrail.understanding.text import clean

# "keep the checking", "leave my joint account open", "keeping the business one";
# "the checking stays open", "my savings account remains"; "not the savings".
_KEPT = re.compile(
    r"\b(?:keep|keeping|leave|leaving|hold on to|hang on to)\s+(?:the|my|our)\s+"
    r"(?P<a>\w+)(?:\s+(?P<b>\w+))?"
    r"|\b(?:the|my|our)\s+(?P<c>\w+)(?:\s+(?P<d>\w+))?\s+(?:account\s+|one\s+)?"
    r"(?:stays?|remains?|is staying|(?:can|will|should) stay)\b"
    r"|\bnot\s+(?:the|my|our)\s+(?P<e>\w+)(?:\s+(?P<f>\w+))?\s+(?:account|one)\b"
)
# Words that name no one account: the account itself, things kept that are not accounts,
# pronouns and fillers.
_NAMES_NONE = frozenset(
    (
        "account", "accounts", "acct", "one", "it", "open", "active", "same", "money",
        "card", "cards", "number", "details", "other", "rest", "balance", "points", "credit",
        "login", "email", "phone", "address", "name", "the", "a", "an", "and",
    )
)  # fmt: skip


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def kept_words(turns: Sequence[Turn]) -> frozenset[str]:
    """The words naming an account the customer said to keep, in any of their turns (those
    naming none, ``_NAMES_NONE``, left out): what the turns alone decide, so read once per
    revision of them, not once per record a write names (kept_named)."""
    return frozenset(
        w
        for turn in turns
        if turn.role == "customer"
        for m in _KEPT.finditer(clean(turn.text))
        for w in m.groups()
        if w and w not in _NAMES_NONE
    )


def kept_named(kept: frozenset[str], name: str) -> bool:
    """Whether the customer said to keep the account ``name`` (a record's Name) names: a word
    of a name, other than those naming none, among the words they keep (``kept_words``)."""
    return not kept.isdisjoint(_words(name) - _NAMES_NONE)
