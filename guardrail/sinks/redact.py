"""Redaction for anything that leaves the process as text: logs now, audit records later.

Secrets are dropped by key; personal data in values is masked by shape, so a card number in a
case description never reaches a log line whole.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

SECRET_KEYS = re.compile(r"authorization|token|secret|password|cookie|session|api[_-]?key", re.I)
REDACTED = "[REDACTED]"

_PATTERNS = (
    # Credentials pasted into text: Salesforce session ids and JWTs.
    (re.compile(r"\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]+"), "[SECRET]"),
    (re.compile(r"\beyJ[\w-]+\.[\w-]+\.[\w-]+"), "[SECRET]"),
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), "[EMAIL]"),
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "[SSN]"),
    (re.compile(r"\b(?:\d[ -]?){12,18}\d\b"), "[CARD]"),
    (
        re.compile(
            r"(?<!\w)(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])\d{3,4}[ .-]?\d{3,4}\b"
        ),
        "[PHONE]",
    ),
)


def mask_text(text: str) -> str:
    """``text`` with credentials, emails, SSN-, card- and phone-shaped numbers masked."""
    for pattern, label in _PATTERNS:
        text = pattern.sub(label, text)
    return text


def mask_value(value: Any) -> Any:
    """A JSON value with every string masked (recursively); secrets by key are dropped."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, Mapping):
        return {
            k: REDACTED if SECRET_KEYS.search(str(k)) else mask_value(v) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask_value(v) for v in value]
    return value
