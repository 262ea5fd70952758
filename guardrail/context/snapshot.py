"""The conversation context a write was judged in, as the audit log keeps it and as
``guardrail replay`` rebuilds it.

Rules judge a write against its conversation (transcript, verified customer, entitlements,
outcome, metadata, what the agent read and wrote) and against the account's recent writes, at
a moment in time. The audit log keeps all of that, so a past decision can be judged again by
another policy set without the CRM and without the conversation store (which forgets a
conversation after its idle time). It is kept masked as the rest of the record is
(guardrail.sinks.redact): free text and field values have personal data masked, secret-named
keys dropped; ids, times and versions are kept as they are, since rules compare them. A rebuilt
context says it is ``redacted``, so checks that look for personal data read the masks as what
they replaced.

A record holds references, not copies: what the platform said (turns, customer,
entitlements...) is one ``Part`` per conversation revision, and each read and write the proxy
recorded is one ``Part``, each stored once under the SHA-256 of its canonical JSON (the audit
log's ``audit_contexts``, shared by every record and replica). The record's ``context`` names
them by hash; the record is chained, so a part changed after the fact no longer matches the
hash its records name. Masking and hashing run on the write path (the record is appended
before the agent's answer leaves), so each part is made once: the platform part per revision,
each read and write when first seen; a long call's next write costs what is new, not what it
has said. A record names the newest ``KEPT_RECORDS`` reads and writes of the conversation:
rules look at recent history, and replay of an older read or write than that judges without it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from guardrail.context.facts import Facts, Transcript
from guardrail.context.lru import Lru
from guardrail.context.model import WRITE_JSON, Conversation, ReadRecord, WriteRecord
from guardrail.context.records import named
from guardrail.sinks.redact import mask_text, mask_value

Masker = Callable[[Any], Any]
# Part memos, bounded: the platform part of the calls in progress, and their newest reads and
# writes (each is masked, encoded and hashed once, not once per later write of its call). A
# call's own records are named through its window (below), so the record memo mostly serves the
# accounts' newest writes; a miss costs masking one record again, never a wrong part.
_PLATFORM_CACHE = 256
_RECORD_CACHE = 4096
KEPT_RECORDS = 50
# How many reads or writes may arrive between two writes and still be looked up alone.
_NEW_RECORDS = 16


@dataclass(frozen=True, slots=True)
class Part:
    """A piece of a context, stored once: its canonical JSON and the SHA-256 (hex) of it."""

    hash: str
    body: bytes

    @classmethod
    def of(cls, value: Mapping[str, Any]) -> Part:
        # The audit record's own canonical form (sorted keys, no spaces, UTF-8), copied: the
        # bytes orjson returns keep its whole 4 KB buffer, and parts are kept by the thousand.
        body = memoryview(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).tobytes()
        return cls(hashlib.sha256(body).hexdigest(), body)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A context as a record keeps it: ``document`` names its parts by hash, ``parts`` holds
    them (to be stored beside the record; a part named twice is stored once)."""

    document: dict[str, Any]
    parts: tuple[Part, ...]


@dataclass(frozen=True, slots=True)
class _Window:
    """The parts of a conversation's newest reads or writes, and their hashes as a record names
    them: kept together, so a write names a window it shares with the call's last one without
    reading its parts again."""

    parts: tuple[Part, ...]
    hashes: tuple[str, ...]

    @classmethod
    def of(cls, parts: tuple[Part, ...]) -> _Window:
        return cls(parts, tuple(p.hash for p in parts))

    def then(self, fresh: tuple[Part, ...], size: int) -> _Window:
        """This window followed by ``fresh``, its newest ``size`` parts."""
        if not fresh:
            return self if len(self.parts) <= size else _Window.of(self.parts[-size:])
        later = _Window.of(fresh)
        return _Window((self.parts + later.parts)[-size:], (self.hashes + later.hashes)[-size:])


_NO_WINDOW = _Window((), ())


def _masked(text: str | None) -> str | None:
    return None if text is None else mask_text(text)


def _kept(
    kind: str, c: Conversation, records: Sequence[Any], part_of: Callable[[Any], Part]
) -> _Window:
    """The parts of the newest KEPT_RECORDS of a conversation's reads or writes. A store
    appends to them, so a window named before that ends at one of the newest records (by value:
    the Redis store hands out new objects on every load) is extended by the records after it,
    whichever write named it (concurrent writes of a call see different versions)."""
    kept = records[-KEPT_RECORDS:]
    if not kept:
        return _NO_WINDOW
    window = None
    for new in range(min(len(kept), _NEW_RECORDS)):
        key = (kind, c.id, c.created_at, named(kept[-1 - new]))
        before = _windows.peek(key)
        if before is not None:
            fresh = tuple(part_of(r) for r in kept[len(kept) - new :])
            window = before.then(fresh, len(kept))
            if new:  # superseded by the longer window put below
                _windows.drop(key)
            break
    if window is None:
        window = _Window.of(tuple(part_of(r) for r in kept))
    _windows.put((kind, c.id, c.created_at, named(kept[-1])), window)
    return window


# The platform part changes only with a conversation's rev; a store never repeats a rev for an
# id, and the creation time tells apart two stores (or inline conversations) that use the same
# id in one process. A read or write, once recorded, never changes: its id and time name it.
_platforms: Lru[Part] = Lru(_PLATFORM_CACHE)
_records: Lru[Part] = Lru(_RECORD_CACHE)
# Per call in progress, reads and writes: the parts of the window its latest write named (one
# superseded by a later write's is dropped), by the newest record in it.
_windows: Lru[_Window] = Lru(16 * _PLATFORM_CACHE)


def _platform(c: Conversation, value: Masker) -> Part:
    return Part.of(
        {
            "id": c.id,
            "channel": _masked(c.channel),
            "customer": c.customer.model_dump(mode="json"),
            "entitlements": value(dict(c.entitlements)),
            "turns": [{"role": t.role, "text": mask_text(t.text)} for t in c.turns],
            "outcome": _masked(c.outcome),
            "metadata": value(dict(c.metadata)),
            "created_at": c.created_at.isoformat(),
            "rev": c.rev,
        }
    )


def dump(facts: Facts, value: Masker = mask_value) -> Snapshot:
    """The context as a record keeps it: a JSON-able, masked mapping naming its parts.

    ``value`` masks a JSON value (field values, entitlements, metadata) the way the rest of the
    record's values are masked; text is masked with ``mask_text``. Give the same function every
    time (a module-level one): what it made is remembered by it.
    """
    parts: tuple[Part, ...] = ()
    c = facts.conversation
    conversation = None
    if c is not None:
        platform = _platforms.get((value, c.id, c.rev, c.created_at), lambda: _platform(c, value))
        reads = _kept(f"reads {id(value)}", c, c.reads, lambda r: _read(r, value))
        writes = _kept(f"writes {id(value)}", c, c.writes, lambda w: _write(w, value))
        conversation = {
            "id": c.id,
            "platform": platform.hash,
            "reads": list(reads.hashes),
            "writes": list(writes.hashes),
            "updated_at": c.updated_at.isoformat(),
            "version": c.version,
            "rev": c.rev,
        }
        if c.forgotten is not None:
            conversation["forgotten"] = c.forgotten.isoformat()
        parts = (platform, *reads.parts, *writes.parts)
    accounts = {
        key: [_write(w, value) for w in writes[-KEPT_RECORDS:]]
        for key, writes in facts.account_writes.items()
    }
    document = {
        "now": facts.now.isoformat(),
        "conversation": conversation,
        "account_writes": {key: [p.hash for p in found] for key, found in accounts.items()},
    }
    for found in accounts.values():
        parts += tuple(found)
    return Snapshot(document, parts)


def _read(read: ReadRecord, value: Masker) -> Part:
    return _records.get((value, *named(read)), lambda: _masked_read(read, value))


def _masked_read(read: ReadRecord, value: Masker) -> Part:
    return Part.of(
        {
            "object": read.object,
            "id": read.id,
            "fields": value(dict(read.fields)),
            "at": read.at.isoformat(),
        }
    )


def _write(write: WriteRecord, value: Masker) -> Part:
    return _records.get((value, *named(write)), lambda: _masked_write(write, value))


def _masked_write(write: WriteRecord, value: Masker) -> Part:
    return Part.of(
        {
            "decision_id": write.decision_id,
            "object": write.object,
            "operation": write.operation,
            "id": write.id,
            "fields": value(dict(write.fields)),
            "decision": write.decision,
            "at": write.at.isoformat(),
            **({"judged_as": write.judged_as} if write.judged_as else {}),
        }
    )


def references(document: Mapping[str, Any]) -> Iterator[str]:
    """The hashes of the parts a recorded context names (none for one kept whole, as records
    made before contexts were referenced keep it)."""
    conversation = document.get("conversation")
    if isinstance(conversation, Mapping) and "platform" in conversation:
        yield str(conversation["platform"])
        yield from (str(h) for h in conversation.get("reads", ()))
        yield from (str(h) for h in conversation.get("writes", ()))
    for writes in (document.get("account_writes") or {}).values():
        yield from (str(h) for h in writes if isinstance(h, str))


def expand(document: Mapping[str, Any], parts: Mapping[str, Any]) -> dict[str, Any]:
    """The recorded context whole, each reference replaced by its part (``parts``: the parsed
    parts by hash). A context kept whole comes back as it is. Raises KeyError naming the hash
    of a part that is missing."""
    conversation = document.get("conversation")
    if isinstance(conversation, Mapping) and "platform" in conversation:
        conversation = {
            **parts[conversation["platform"]],
            "reads": [parts[h] for h in conversation.get("reads", ())],
            "writes": [parts[h] for h in conversation.get("writes", ())],
            "updated_at": conversation.get("updated_at"),
            "version": conversation.get("version"),
            "rev": conversation.get("rev"),
            "forgotten": conversation.get("forgotten"),
        }
    return {
        **document,
        "conversation": conversation,
        "account_writes": {
            key: [parts[w] if isinstance(w, str) else w for w in writes]
            for key, writes in (document.get("account_writes") or {}).items()
        },
    }


def load(data: Mapping[str, Any]) -> Facts:
    """The facts a recorded context (``expand``ed) stands for, marked ``redacted``. Raises
    ValueError (a pydantic ValidationError) when ``data`` is not a recorded context."""
    now = datetime.fromisoformat(str(data["now"]))
    raw = data.get("conversation")
    writes: Mapping[str, Sequence[Any]] = data.get("account_writes") or {}
    account_writes = {
        key: [WRITE_JSON.validate_python(w) for w in records] for key, records in writes.items()
    }
    if raw is None:
        return Facts(None, account_writes=account_writes, now=now, redacted=True)
    conversation = Conversation.model_validate(raw)
    return Facts(conversation, Transcript.of(conversation), account_writes, now=now, redacted=True)
