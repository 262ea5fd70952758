"""When a write sent again is the same write: the key a hold is kept under.

An agent told its write waits for approval may send it again (a retry, or an agent that does
not listen). Approving each copy would make the write once per copy, so while a hold stands
the store keeps no second hold under its key (guardrail.sinks.audit.store.REPEAT_KEYS).
Two writes are the same when they would make the same changes in the same conversation: the
same records (object, operation, record id or lookup value), the same values, the same headers
that change what the CRM does, in the same order, as judged (names in the describe's
spelling, lookups resolved). What only spells a request does not count: its own id or other
headers the CRM ignores, its JSON keys' order or names' case, how a number is written (12.99
or 12.990), the endpoint carrying it (one record, or a collection of one).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from guardrail.model import WriteIntent


def repeat_key(conversation: str | None, intents: Sequence[WriteIntent]) -> str:
    """The key of ``intents`` written in ``conversation``: equal for the same write."""
    writes = [
        {
            "crm": i.crm,
            "object": i.object,
            "operation": str(i.operation),
            "record_id": i.record_id,
            "external_id_field": i.external_id_field,
            "external_id": i.external_id,
            "fields": _value(i.fields),
            "headers": _value(i.headers),
        }
        for i in intents
    ]
    text = json.dumps({"conversation": conversation, "writes": writes}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _value(value: Any) -> Any:
    """``value`` in one spelling: a number as its shortest decimal (12.99, 12.990 and 1299e-2
    alike; 13 and 13.0 alike), containers member by member."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal):
        return str(Decimal(str(value)).normalize())
    if isinstance(value, Mapping):
        return {str(k): _value(v) for k, v in value.items()}
    if isinstance(value, Sequence):
        return [_value(v) for v in value]
    return str(value)
