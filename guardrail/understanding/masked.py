"""Turns as an outside reader (an LLM endpoint) may see them: card numbers and SSNs masked in
every written form, spoken digit by digit ("four one one one...") as well as typed, with the
project's redaction (guardrail.sinks.redact) on top for emails, phones and credentials.

A masked turn maps positions back to the original text, so a quote the reader returns can be
checked against what it was shown and its evidence placed in the turn it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from guardrail.sinks.redact import MASKS, mask_text
from guardrail.understanding.model import SensitiveKind
from guardrail.understanding.numbers import sensitive_digits
from guardrail.understanding.text import clean, digits_from_words

_DIGIT_WORD = (
    r"\d+|zero|oh|o|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred|double|triple|treble"
)
# A run of digits and number words as a speaker says them, however grouped or punctuated.
_RUN = re.compile(
    rf"(?<![\w])(?:{_DIGIT_WORD})(?:[\s.,/-]{{1,3}}(?:{_DIGIT_WORD}))*(?![\w])", re.IGNORECASE
)
_MIN_DIGITS = 9  # an SSN's length: shorter runs (prices, order numbers) stay readable
_MASK = re.compile("|".join(re.escape(m) for m in MASKS.values()))


@dataclass(frozen=True, slots=True)
class Hidden:
    """A card number or SSN masked: where it was in the original text."""

    kind: SensitiveKind
    start: int
    end: int
    confidence: float


@dataclass(frozen=True, slots=True)
class MaskedTurn:
    original: str
    text: str  # what the reader is shown
    hidden: tuple[Hidden, ...]
    _ops: tuple[tuple[str, int, int, int, int], ...]  # difflib opcodes, original -> masked

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that ``text[start:end]`` was made from (a mask
        inside it stands for the whole number it hides)."""
        first = next(op for op in self._ops if op[3] <= start < op[4] or op[3] == op[4] == start)
        last = next(op for op in reversed(self._ops) if op[3] < end <= op[4] or op[3] == end)
        begin = first[1] + (start - first[3]) if first[0] == "equal" else first[1]
        finish = last[1] + (end - last[3]) if last[0] == "equal" else last[2]
        return begin, max(begin, finish)


def mask_turn(text: str) -> MaskedTurn:
    """``text`` with card numbers and SSNs masked (``[CARD]``, ``[SSN]``) in any form."""
    found = sensitive_digits(clean(text))
    hidden: list[Hidden] = []
    pieces: list[str] = []
    at = 0
    if found:
        kinds = {f.kind for f in found}
        confidence = max(f.confidence for f in found)
        for m in _RUN.finditer(text):
            digits = re.sub(r"\D", "", digits_from_words(clean(m.group(0))))
            if len(digits) < _MIN_DIGITS:
                continue
            kind = (
                "card" if "ssn" not in kinds or (len(digits) >= 13 and "card" in kinds) else "ssn"
            )
            hidden.append(Hidden(SensitiveKind(kind), m.start(), m.end(), confidence))
            pieces += [text[at : m.start()], MASKS[kind]]
            at = m.end()
    pieces.append(text[at:])
    masked = mask_text("".join(pieces))
    ops = tuple(SequenceMatcher(None, text, masked, autojunk=False).get_opcodes()) or (
        ("equal", 0, 0, 0, 0),
    )
    turn = MaskedTurn(text, masked, (), ops)
    known = {(h.start, h.end) for h in hidden}
    for m in _MASK.finditer(masked):  # what the redaction masked on its own (typed numbers)
        masked_kind = {MASKS["card"]: "card", MASKS["ssn"]: "ssn"}.get(m.group(0))
        span = turn.original_span(m.start(), m.end())
        if masked_kind is not None and span not in known:
            hidden.append(Hidden(SensitiveKind(masked_kind), *span, 0.95))
    return MaskedTurn(text, masked, tuple(hidden), ops)
