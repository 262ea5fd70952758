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

A record holds references, not copies, and each is a few bytes however long the call: what the
platform said (turns, customer, entitlements...) is one ``Part`` per conversation revision, and
the reads and writes the proxy recorded are chains of parts, each link holding the records that
arrived since its predecessor and naming that predecessor by hash; a record names the newest
link and how many records back its window goes. Each part is stored once under the SHA-256 of
its canonical JSON (the audit log's ``audit_contexts``, shared by every record and replica);
the record is chained, so a part changed after the fact no longer matches the hash its records
name (or the hash its successor link names). Masking and hashing run on the write path (the
record is appended before the agent's answer leaves), so each part is made once: the platform
part per revision, a link per write that saw new reads or writes; a long call's next write costs
what is new, not what it has said. A record's window holds the newest ``KEPT_RECORDS`` reads and
writes of the conversation: rules look at recent history, and replay of an older read or write
than that judges without it. Records of earlier forms (the whole context, or every read and
write named by hash) are still read: ``FORMAT`` tells them apart.
"""

from __future__ import annotations

import hashlib
import operator
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from guardrail.context.facts import Facts, Transcript
from guardrail.context.lru import Lru
from guardrail.context.model import WRITE_JSON, Conversation, ReadRecord, WriteRecord
from guardrail.context.records import named
from guardrail.sinks.redact import mask_fields, mask_text, mask_value

Masker = Callable[[Any], Any]
#: How a write's fields are masked (``mask_fields``'s form: ids kept, a number split between
#: texts masked in each), given the fields and the ids among them.
FieldsMasker = Callable[[Mapping[str, Any], frozenset[str]], dict[str, Any]]
#: The form of a recorded context ``dump`` makes (the ``format`` it names). A context without
#: one is of an earlier form, still read: kept whole (1) or naming every read and write by hash.
FORMAT = 3
# Memos, bounded: the platform part of the calls in progress, the masked JSON of their newest
# reads and writes (each masked and encoded once, not once per later write of its call), and
# the chains their windows are (below). A miss costs masking again and a new chain, never a
# wrong context.
_PLATFORM_CACHE = 256
_RECORD_CACHE = 4096
KEPT_RECORDS = 50
# How many reads or writes may arrive between two writes and still extend the chain the
# earlier named, and how many chains a call keeps for that.
_NEW_RECORDS = 32


@dataclass(frozen=True, slots=True, eq=False)  # one is itself alone: hashed as fast as a key
class Masking:
    """How a context is masked as the rest of its record is: ``value`` masks a JSON value
    (entitlements, metadata, a read's fields), ``fields`` a write's fields, once (the record's
    own intents are masked by the same function, so a write is not masked again for the
    context of the next). Give the same one every time (a module-level one): what it made is
    remembered by it."""

    value: Masker = mask_value
    fields: FieldsMasker = mask_fields


MASKED = Masking()


@dataclass(frozen=True, slots=True)
class Part:
    """A piece of a context, stored once: its canonical JSON and the SHA-256 (hex) of it."""

    hash: str
    body: bytes

    @classmethod
    def of(cls, value: Mapping[str, Any]) -> Part:
        body = _canonical(value)
        return cls(hashlib.sha256(body).hexdigest(), body)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A context as a record keeps it: ``document`` names its parts by hash, ``parts`` holds
    them (to be stored beside the record; a part named twice is stored once)."""

    document: dict[str, Any]
    parts: tuple[Part, ...]


@dataclass(frozen=True, slots=True)
class _Chain:
    """A window of reads or writes as the links that hold it, oldest first: each link is a
    part holding the records that came after its predecessor's and naming that predecessor
    by hash, so a write that adds a record makes one small link and names only the newest.
    Every link still in the window is kept with it: a record hands them all to its store,
    which sends only those it does not know are committed (one lost with a rolled-back
    record is sent again)."""

    links: tuple[Part, ...]
    counts: tuple[int, ...]  # the records each link holds
    total: int
    #: The records in the window, for a list a record may arrive in the middle of (an
    #: account's writes, by time, from every replica); None for an append-only one.
    records: tuple[Any, ...] | None

    def then(self, fresh: list[bytes], size: int, records: tuple[Any, ...] | None) -> _Chain:
        """This chain followed by a link holding ``fresh``, as few links as hold the newest
        ``size`` records."""
        before = self.links[-1].hash if self.links else None
        link = Part.of({"before": before, "records": [orjson.Fragment(b) for b in fresh]})
        links, counts, total = (*self.links, link), (*self.counts, len(fresh)), self.total
        total += len(fresh)
        while total - counts[0] >= size:
            links, counts, total = links[1:], counts[1:], total - counts[0]
        return _Chain(links, counts, total, records)

    def covers(self, older: int, records: tuple[Any, ...] | None) -> bool:
        """Whether its newest records are the ``older`` ones a list now starts its window with
        (``records``: the window, for a list that is not only appended to). The same objects
        are the same records (a store that keeps them in memory hands out the same ones);
        others by what names them (the Redis store makes new ones every load): naming the
        fifty records of a busy account's window cost more than masking the write."""
        if self.total < older:
            return False
        if records is None or self.records is None:
            return True
        mine, theirs = self.records[-older:], records[:older]
        if len(mine) != len(theirs):
            return False
        return all(map(operator.is_, mine, theirs)) or [*map(named, mine)] == [*map(named, theirs)]


_NO_CHAIN = _Chain((), (), 0, None)


def _masked(text: str | None) -> str | None:
    return None if text is None else mask_text(text)


def _window(
    kind: tuple[str, Masking],
    scope: tuple[Any, ...],
    records: Sequence[Any],
    body_of: Callable[[Any], bytes],
    ordered: bool = True,
) -> tuple[dict[str, Any] | None, tuple[Part, ...]]:
    """The newest KEPT_RECORDS of ``records`` as a record names them (None: none) and the
    links that hold them. A store appends to a list, so the chain a write named before, ending
    at one of the newest records (by value: the Redis store hands out new objects on every
    load), is extended by the records after it, whichever write named it (concurrent writes
    of a call see different versions). A list not ``ordered`` by arrival is checked to still
    begin with what the chain holds."""
    kept = records[-KEPT_RECORDS:]
    if not kept:
        return None, ()
    window = None if ordered else tuple(kept)
    heads = _windows.get((kind, *scope), OrderedDict)
    newest = named(kept[-1])
    chain = None
    for new in range(min(len(kept), _NEW_RECORDS)):
        before = heads.get(named(kept[-1 - new]) if new else newest)
        if before is not None and before.covers(len(kept) - new, window):
            fresh = [body_of(r) for r in kept[len(kept) - new :]]
            chain = before.then(fresh, len(kept), window) if fresh else before
            break
    if chain is None:
        chain = _NO_CHAIN.then([body_of(r) for r in kept], len(kept), window)
    heads[newest] = chain
    try:
        heads.move_to_end(newest)
        while len(heads) > _NEW_RECORDS:
            heads.popitem(last=False)
    except KeyError:  # another thread's dump of the call moved or dropped it
        pass
    return {"last": chain.links[-1].hash, "count": len(kept)}, chain.links


# The platform part changes only with a conversation's rev; a store never repeats a rev for an
# id, and the creation time tells apart two stores (or inline conversations) that use the same
# id in one process. A read or write, once recorded, never changes: its id and time name it.
_platforms: Lru[Part] = Lru(_PLATFORM_CACHE)
_records: Lru[bytes] = Lru(_RECORD_CACHE)
# Per call in progress, reads and writes, and per account, its writes: the chains its latest
# writes named, by the newest record in each. Several, not one: the records of concurrent
# writes are made in the order they reach the log, not the order they were judged in, so a
# write judged before the newest chain's still finds the one that ends where its list does.
_windows: Lru[OrderedDict[Any, _Chain]] = Lru(4 * _PLATFORM_CACHE)


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
            "created_at": _iso(c.created_at),
            "rev": c.rev,
        }
    )


def dump(facts: Facts, masking: Masking = MASKED) -> Snapshot:
    """The context as a record keeps it: a JSON-able, masked mapping naming its parts
    (``masking``: how its values are masked; text is masked with ``mask_text``)."""
    parts: tuple[Part, ...] = ()
    c = facts.conversation
    conversation = None
    value = masking.value
    if c is not None:
        platform = _platforms.get((masking, c.id, c.rev, c.created_at), lambda: _platform(c, value))
        scope = (c.id, c.created_at)
        reads, read_links = _window(("reads", masking), scope, c.reads, lambda r: _read(r, masking))
        writes, write_links = _window(
            ("writes", masking), scope, c.writes, lambda w: _write(w, masking)
        )
        conversation = {
            "id": c.id,
            "platform": platform.hash,
            "reads": reads,
            "writes": writes,
            "updated_at": _iso(c.updated_at),
            "version": c.version,
            "rev": c.rev,
        }
        if c.forgotten is not None:
            conversation["forgotten"] = _iso(c.forgotten)
        parts = (platform, *read_links, *write_links)
    accounts = {}
    for key, found in facts.account_writes.items():
        kind = ("account", masking)
        accounts[key], links = _window(kind, (key,), found, lambda w: _write(w, masking), False)
        parts += links
    document = {
        "format": FORMAT,
        "now": _iso(facts.now),
        "conversation": conversation,
        "account_writes": accounts,
    }
    return Snapshot(document, parts)


def _read(read: ReadRecord, masking: Masking) -> bytes:
    return _records.get((masking, *named(read)), lambda: _masked_read(read, masking.value))


def _masked_read(read: ReadRecord, value: Masker) -> bytes:
    return _canonical(
        {
            "object": read.object,
            "id": read.id,
            "fields": value(dict(read.fields)),
            "at": _iso(read.at),
        }
    )


def _write(write: WriteRecord, masking: Masking) -> bytes:
    return _records.get((masking, *named(write)), lambda: _masked_write(write, masking))


def _masked_write(write: WriteRecord, masking: Masking) -> bytes:
    return _canonical(
        {
            "decision_id": write.decision_id,
            "object": write.object,
            "operation": write.operation,
            "id": write.id,
            # a number split between its texts masked in each, as its own record masks it;
            # its ids kept, and named: replay reads its texts as they were read
            "fields": masking.fields(write.fields, write.id_fields),
            "decision": write.decision,
            "at": _iso(write.at),
            **({"judged_as": write.judged_as} if write.judged_as else {}),
            **({"id_fields": sorted(write.id_fields)} if write.id_fields else {}),
        }
    )


def _iso(at: datetime) -> str:
    """``at.isoformat()``: for a time in UTC (every time the proxy stamps), as orjson writes it,
    which is the same text in a third of the time (a write's context has several)."""
    if at.tzinfo is UTC:
        return orjson.dumps(at)[1:-1].decode()
    return at.isoformat()


def _canonical(value: Mapping[str, Any]) -> bytes:
    """The audit record's own canonical form (sorted keys, no spaces, UTF-8), copied: the bytes
    orjson returns keep its whole 4 KB buffer, and these are kept by the thousand."""
    return memoryview(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).tobytes()


def wanted(document: Mapping[str, Any], parts: Mapping[str, Any]) -> set[str]:
    """The hashes of the parts a recorded context needs that ``parts`` (parsed, by hash) lacks,
    as far as those it holds lead: a window's links are found one from the next, so fetch
    these and ask again until none is wanted, or one cannot be had. None for a context kept
    whole, as records made before contexts were referenced keep it."""
    found: set[str] = set()
    chained = document.get("format") == FORMAT

    def window(named: Any) -> None:
        if not chained:
            found.update(str(h) for h in named or () if isinstance(h, str) and h not in parts)
        elif named is not None:
            _walk(named, parts, found)

    conversation = document.get("conversation")
    if isinstance(conversation, Mapping) and "platform" in conversation:
        if conversation["platform"] not in parts:
            found.add(str(conversation["platform"]))
        window(conversation.get("reads"))
        window(conversation.get("writes"))
    for writes in (document.get("account_writes") or {}).values():
        window(writes)
    return found


def _walk(named: Mapping[str, Any], parts: Mapping[str, Any], missing: set[str]) -> list[Any]:
    """The records of a window (``{"last": hash, "count": n}``), oldest first: its newest link's
    and then its predecessors', until ``count`` are found. The first link not in ``parts`` is
    added to ``missing`` (the records before it are left out)."""
    count, link = int(named["count"]), named["last"]
    newest_first: list[Any] = []
    while link is not None and len(newest_first) < count:
        if link not in parts:
            missing.add(str(link))
            break
        newest_first.extend(reversed(parts[link]["records"]))
        link = parts[link]["before"]
    return newest_first[count - 1 :: -1] if len(newest_first) >= count else newest_first[::-1]


def expand(document: Mapping[str, Any], parts: Mapping[str, Any]) -> dict[str, Any]:
    """The recorded context whole, each reference replaced by its part (``parts``: the parsed
    parts by hash), in the form a context kept whole has. A context kept whole comes back as
    it is. Raises KeyError naming the hash of a part that is missing."""
    chained = document.get("format") == FORMAT

    def window(named: Any) -> list[Any]:
        if not chained:
            return [parts[h] if isinstance(h, str) else h for h in named or ()]
        missing: set[str] = set()
        records = [] if named is None else _walk(named, parts, missing)
        if missing:
            raise KeyError(missing.pop())
        return records

    conversation = document.get("conversation")
    if isinstance(conversation, Mapping) and "platform" in conversation:
        conversation = {
            **parts[conversation["platform"]],
            "reads": window(conversation.get("reads")),
            "writes": window(conversation.get("writes")),
            "updated_at": conversation.get("updated_at"),
            "version": conversation.get("version"),
            "rev": conversation.get("rev"),
            "forgotten": conversation.get("forgotten"),
        }
    whole = {key: value for key, value in document.items() if key != "format"}
    return {
        **whole,
        "conversation": conversation,
        "account_writes": {
            key: window(writes) for key, writes in (document.get("account_writes") or {}).items()
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
