"""What a note claims the customer did, held against what the conversation shows: a request
("Customer requested account closure") where the reader found no ask of that kind at all, nor
words that may have asked it unread; a refund told as issued that the agent left waiting for
approval; a threat of legal action where the customer named nothing legal. The figures a note
states are checked apart (guardrail.context.facts.stated_facts); these are its claims."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from guardrail.context.model import Turn
from guardrail.understanding.lexical import LexicalBackend
from guardrail.understanding.model import AskKind, AskStatus, Outcome, Understanding, unread
from guardrail.understanding.text import clean

# The customer as a note's subject, then asking ("Customer requested a refund", "cx asked to
# close the account", "caller wants a manager").
_CUSTOMER_ASKED = re.compile(
    r"\b(?:customer|cust|cx|caller|client|member|account ?holder|she|he|they)\b"
    r"(?:\s+\w+){0,2}?\s+(?:requested|requests|request|asked for|asked to|asks for|asks to|"
    r"wants|wanted|would like|demanded|demands|insisted on)\b"
)
# A threat of legal action, as a note puts it.
_LEGAL_CLAIM = re.compile(
    r"\b(?:legal action|legal proceedings|lawsuit|to sue|suing|take (?:us|the company) to court|"
    r"small claims|solicitor|lawyer|attorney)\b"
)
# Anything legal the customer said: a claim of a threat has something to stand on.
_LEGAL_SAID = re.compile(
    r"\b(?:legal\w*|law|laws|lawyers?|solicitors?|attorneys?|sue|sues|suing|sued|lawsuit|courts?|"
    r"ombudsman|regulator|small claims|trading standards|tribunal)\b"
)
# A refund told as done ("Refund of 30 approved and issued", "refunded $30 to the card").
_REFUND_DONE = re.compile(
    r"\brefund\w*\b(?:\W+\w+){0,6}?\W+(?:issued|processed|approved|completed|paid|sent)\b"
    r"|\brefunded\b"
)
_SENTENCE = re.compile(r"[^.;!?\n]+")
_CLAIMED = frozenset({AskStatus.ASKED, AskStatus.THIRD_PARTY})
# The asks a note may not invent: leaving, money, a manager. A note's "moved to Mastercard" may
# read as an address change the reader never looks for so closely in a conversation.
_CHECKED = frozenset(
    {AskKind.ACCOUNT_CLOSURE, AskKind.CANCELLATION, AskKind.REFUND, AskKind.ESCALATION}
)


@functools.cache
def _reader() -> LexicalBackend:
    return LexicalBackend()


def unsupported_claims(
    note: str, turns: Sequence[Turn], reading: Callable[[], Understanding]
) -> list[str]:
    """The claims in ``note`` the conversation (its ``turns``, read as ``reading()`` returns)
    lacks. The conversation is read, and its turns searched, only for a note that makes a
    claim: most notes make none, and the reading is asked for only where a rule needs it."""
    found: list[str] = []
    for m in _SENTENCE.finditer(clean(note)):
        sentence = m.group(0).strip()
        if _CUSTOMER_ASKED.search(sentence):
            asked = _reader().understand([Turn(role="customer", text=sentence)]).asks
            for ask in asked:
                # the note speaks of the customer in the third person: read so, or as asking
                if (
                    ask.status in _CLAIMED
                    and ask.kind in _CHECKED
                    and not reading().asks_of(ask.kind)
                    and unread(ask.kind) not in reading().unsure
                ):
                    found.append(f"a request for {ask.kind.value}")
        if _REFUND_DONE.search(sentence) and _only_pending(turns, reading()):
            found.append("a refund issued")
        if _LEGAL_CLAIM.search(sentence) and not _LEGAL_SAID.search(_customer_said(turns)):
            found.append("a threat of legal action")
    return list(dict.fromkeys(found))


def _customer_said(turns: Sequence[Turn]) -> str:
    return " ".join(clean(t.text) for t in turns if t.role == "customer")


def _only_pending(turns: Sequence[Turn], reading: Understanding) -> bool:
    """Whether the agent left the refund waiting for someone's approval ("a supervisor
    approves these") and the conversation shows none issued."""
    if reading.outcome is not None and reading.outcome.value is Outcome.REFUND_ISSUED:
        return False
    pending = _reader().lexicon.scopes["pending_approval"]
    return any(t.role == "agent" and pending.search(clean(t.text)) for t in turns)
