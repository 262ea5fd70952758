"""Redaction for anything that leaves the process as text: logs now, audit records later.

Secrets are dropped by key; personal data in values is masked by shape, so a card number in a
case description never reaches a log line whole. A long digit run is masked either way, but as
``[CARD]`` only when it passes the Luhn check cards do: a tracking number is ``[NUMBER]``, so a
masked record still tells what it held (guardrail replay judges card-number rules on it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

SECRET_KEYS = re.compile(r"authorization|token|secret|password|cookie|session|api[_-]?key", re.I)
#: A key naming an identifier (an agent token's ``token_id``, an OAuth ``client_id``) is no
#: secret, and logs must show it to be joined to the API and the audit log. Salesforce's
#: ``session_id`` is the session itself, so it stays a secret.
_IDENTIFIER_KEY = re.compile(r"(?<!session)[_-]ids?$", re.I)
REDACTED = "[REDACTED]"


def names_secret(key: str) -> bool:
    """Whether a value under ``key`` is a secret (dropped), rather than data or an identifier."""
    return SECRET_KEYS.search(key) is not None and _IDENTIFIER_KEY.search(key) is None


#: What each kind of personal data is masked as; a replayed record's masks stand for the data
#: they replaced (guardrail.context.facts.pii_in).
MASKS = {"card": "[CARD]", "ssn": "[SSN]", "email": "[EMAIL]", "phone": "[PHONE]"}
NUMBER = "[NUMBER]"


def luhn(number: str) -> bool:
    """Whether a string of digits passes the Luhn check (every payment card number does)."""
    total = 0
    for i, char in enumerate(reversed(number)):
        d = int(char)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = "".join(c for c in match.group(0) if c.isdigit())
    return MASKS["card"] if luhn(digits) else NUMBER


_PATTERNS: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    # Credentials pasted into text: Salesforce session ids and JWTs.
    (re.compile(r"\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]+"), "[SECRET]"),
    (re.compile(r"\beyJ[\w-]+\.[\w-]+\.[\w-]+"), "[SECRET]"),
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), MASKS["email"]),
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), MASKS["ssn"]),
    (re.compile(r"\b(?:\d[ -]?){12,18}\d\b"), _card),
    (
        re.compile(
            r"(?<!\w)(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])\d{3,4}[ .-]?\d{3,4}\b"
        ),
        MASKS["phone"],
    ),
)


# Every pattern above needs a digit, an "@" or a JWT's "eyJ": text with none (most field
# values: "Billing", "New") is returned without running them.
_MAYBE = re.compile(r"[0-9@]|eyJ")


def mask_text(text: str) -> str:
    """``text`` with credentials, emails, SSN-, card- and phone-shaped numbers masked."""
    if _MAYBE.search(text) is None:
        return text
    for pattern, label in _PATTERNS:
        text = pattern.sub(label, text)
    return text


def mask_value(value: Any) -> Any:
    """A JSON value with every string masked (recursively); secrets by key are dropped."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, Mapping):
        return {k: REDACTED if names_secret(str(k)) else mask_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(v) for v in value]
    return value
