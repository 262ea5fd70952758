"""The conversation context a write was judged in, as the audit log keeps it and as
``guardrail replay`` rebuilds it.

Rules judge a write against its conversation (transcript, verified customer, entitlements,
outcome, metadata, what the agent read and wrote) and against the account's recent writes, at
a moment in time. The audit record keeps all of that, so a past decision can be judged again by
another policy set without the CRM and without the conversation store (which forgets a
conversation after its idle time). It is kept masked as the rest of the record is
(guardrail.sinks.redact): free text and field values have personal data masked, secret-named
keys dropped; ids, times and versions are kept as they are, since rules compare them. A rebuilt
context says it is ``redacted``, so checks that look for personal data read the masks as what
they replaced.

Masking runs on the write path (the record is appended before the agent's answer leaves), so
what was masked is remembered: the platform part (turns, customer, entitlements...) per
revision, each recorded read and write once; a long call's next write masks only what is new.
A record keeps the newest ``KEPT_RECORDS`` reads and writes of the conversation: every record
carrying a whole long history made each write cost more than the one before it (and the log
grow with the square of a call's length); rules look at recent history, and replay of an older
read or write than that judges without it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from datetime import datetime
from typing import Any

from guardrail.context.facts import Facts, Transcript
from guardrail.context.model import Conversation, ReadRecord, WriteRecord
from guardrail.sinks.redact import mask_text, mask_value

Masker = Callable[[Any], Any]
# Masking memos, bounded: the platform part of the calls in progress, and their newest reads
# and writes (each record is masked once, not once per later write of its call).
_PLATFORM_CACHE = 256
_RECORD_CACHE = 8192
KEPT_RECORDS = 50


def _masked(text: str | None) -> str | None:
    return None if text is None else mask_text(text)


class _Lru:
    """A bounded map, least recently used out first: what was masked once is not masked again
    on the next write of the same call."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()
        # One process may run several proxies in threads (tests, an embedding app).
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        made = make()
        with self._lock:
            self._entries[key] = made
            if len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return made


# The platform part changes only with a conversation's rev; a store never repeats a rev for an
# id, and the creation time tells apart two stores (or inline conversations) that use the same
# id in one process. A read or write, once recorded, never changes: its id and time name it.
_platforms = _Lru(_PLATFORM_CACHE)
_records = _Lru(_RECORD_CACHE)


def _platform(c: Conversation, value: Masker) -> dict[str, Any]:
    return {
        "channel": _masked(c.channel),
        "customer": c.customer.model_dump(mode="json"),
        "entitlements": value(dict(c.entitlements)),
        "turns": [{"role": t.role, "text": mask_text(t.text)} for t in c.turns],
        "outcome": _masked(c.outcome),
        "metadata": value(dict(c.metadata)),
    }


def dump(facts: Facts, value: Masker = mask_value) -> dict[str, Any]:
    """The context as a JSON-able, masked mapping (the ``context`` of a decision record).

    ``value`` masks a JSON value (field values, entitlements, metadata) the way the rest of the
    record's values are masked; text is masked with ``mask_text``. Give the same function every
    time (a module-level one): what it made is remembered by it.
    """
    c = facts.conversation
    conversation = None
    if c is not None:
        conversation = {
            "id": c.id,
            **_platforms.get((value, c.id, c.rev, c.created_at), lambda: _platform(c, value)),
            "reads": [_read(r, value) for r in c.reads[-KEPT_RECORDS:]],
            "writes": [_write(w, value) for w in c.writes[-KEPT_RECORDS:]],
            "created_at": c.created_at.isoformat(),
            "updated_at": c.updated_at.isoformat(),
            "version": c.version,
            "rev": c.rev,
        }
    return {
        "now": facts.now.isoformat(),
        "conversation": conversation,
        "account_writes": {
            key: [_write(w, value) for w in writes[-KEPT_RECORDS:]]
            for key, writes in facts.account_writes.items()
        },
    }


def _read(read: ReadRecord, value: Masker) -> dict[str, Any]:
    key = (value, "read", read.object, read.id, read.at)
    return _records.get(key, lambda: _masked_read(read, value))


def _masked_read(read: ReadRecord, value: Masker) -> dict[str, Any]:
    return {
        "object": read.object,
        "id": read.id,
        "fields": value(dict(read.fields)),
        "at": read.at.isoformat(),
    }


def _write(write: WriteRecord, value: Masker) -> dict[str, Any]:
    key = (value, "write", write.decision_id, write.object, write.id, write.at)
    return _records.get(key, lambda: _masked_write(write, value))


def _masked_write(write: WriteRecord, value: Masker) -> dict[str, Any]:
    return {
        "decision_id": write.decision_id,
        "object": write.object,
        "operation": write.operation,
        "id": write.id,
        "fields": value(dict(write.fields)),
        "decision": write.decision,
        "at": write.at.isoformat(),
    }


def load(data: Mapping[str, Any]) -> Facts:
    """The facts a recorded context stands for, marked ``redacted``. Raises ValueError (a
    pydantic ValidationError) when ``data`` is not a recorded context."""
    now = datetime.fromisoformat(str(data["now"]))
    raw = data.get("conversation")
    writes: Mapping[str, Sequence[Any]] = data.get("account_writes") or {}
    account_writes = {
        key: [WriteRecord.model_validate(w) for w in records] for key, records in writes.items()
    }
    if raw is None:
        return Facts(None, account_writes=account_writes, now=now, redacted=True)
    conversation = Conversation.model_validate(raw)
    return Facts(conversation, Transcript.of(conversation), account_writes, now=now, redacted=True)
