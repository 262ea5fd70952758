"""What a conversation's reads and saved writes say of each record, by the record's key.

Rules ask of a record whether it was read, written or created in the conversation and what a
field of it was last seen to hold, several times a write (whose a record is asks five fields),
and the loader asks it too (which accounts an update changes). Asked of the whole history,
each answer scanned every read and write (up to a hundred of each), and a busy call's next
write cost what it had said. So the answers are kept by record, one index per conversation
version, made from the previous version's index by what changed: a write adds only its own
record, and the oldest read or write a store forgets (past MAX_RECORDED) is taken out again.
A record's answers are kept up to date as records come and go (its newest value of each field,
each value shown once with how many records show it), so a question costs the same whatever
the history. ``RecordIndexes`` holds the latest index of each call in progress.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from guardrail.context.lru import Lru
from guardrail.context.model import Conversation, ReadRecord, WriteRecord
from guardrail.model import SAVED

Key = Callable[[str], str]
# How many reads or writes may arrive between two loads of a conversation and still be added
# to its last index; more (or an index of a later version) and the index is made anew.
_NEW_RECORDS = 64


def named(record: ReadRecord | WriteRecord) -> tuple[Any, ...]:
    """What names a read or write, once recorded: it never changes, and its id and time (and a
    write's decision) tell it from any other of its conversation."""
    if isinstance(record, WriteRecord):
        return ("write", record.decision_id, record.object, record.id, record.at)
    return ("read", record.object, record.id, record.at)


def _token(value: Any) -> Hashable:
    """A value as a key of the values shown: by type and value, or by identity if it has no
    hash (a list a field holds)."""
    try:
        hash(value)
    except TypeError:
        return (object, id(value))
    return (type(value), value)


@dataclass(frozen=True, slots=True)
class _Record:
    """What one record's reads and saved writes in the window say: never changed, replaced."""

    reads: tuple[ReadRecord, ...] = ()  # oldest first
    writes: tuple[WriteRecord, ...] = ()  # saved, oldest first
    # each field (as spelled) as the newest read that holds it has it
    read: Mapping[str, tuple[ReadRecord, Any]] = field(default_factory=dict)
    # each field (lower case) as the newest saved write the CRM kept set it (its last spelling)
    written: Mapping[str, tuple[WriteRecord, Any]] = field(default_factory=dict)
    # field (lower case) -> each value reads and kept writes show, with how many show it
    shown: Mapping[str, Mapping[Hashable, tuple[Any, int]]] = field(default_factory=dict)
    judged: int = 0  # saved writes judged against the record (not made as another operation)
    creates: int = 0  # saved writes that created it, judged as creates

    def with_read(self, read: ReadRecord) -> _Record:
        known = dict(self.read)
        for name, value in read.fields.items():
            known[name] = (read, value)
        return replace(
            self, reads=(*self.reads, read), read=known, shown=_counted(self.shown, read, 1)
        )

    def without_read(self, read: ReadRecord) -> _Record:
        """Without its oldest read, ``read``."""
        reads = self.reads[1:]
        known = dict(self.read)
        for name in read.fields:
            if known.get(name, (None,))[0] is read:  # no later read holds it: the next newest
                holding = (r for r in reversed(reads) if name in r.fields)
                newest = next(((r, r.fields[name]) for r in holding), None)
                if newest is None:
                    del known[name]
                else:
                    known[name] = newest
        return replace(self, reads=reads, read=known, shown=_counted(self.shown, read, -1))

    def with_write(self, write: WriteRecord) -> _Record:
        made = replace(
            self,
            writes=(*self.writes, write),
            judged=self.judged + (write.judged_as is None),
            creates=self.creates + (write.operation == "create" and write.judged_as is None),
        )
        if write.refused_by_crm:  # the CRM's answer says it kept none of it
            return made
        written = dict(self.written)
        for name, value in write.fields.items():
            written[name.lower()] = (write, value)
        return replace(made, written=written, shown=_counted(self.shown, write, 1))

    def without_write(self, write: WriteRecord) -> _Record:
        """Without its oldest saved write, ``write``."""
        made = replace(
            self,
            writes=self.writes[1:],
            judged=self.judged - (write.judged_as is None),
            creates=self.creates - (write.operation == "create" and write.judged_as is None),
        )
        if write.refused_by_crm:
            return made
        written = dict(self.written)
        if any(written.get(n.lower(), (None,))[0] is write for n in write.fields):
            written = {}  # it was the newest to set one: the rest say what they set
            for later in made.writes:
                if not later.refused_by_crm:
                    for name, value in later.fields.items():
                        written[name.lower()] = (later, value)
        return replace(made, written=written, shown=_counted(self.shown, write, -1))


_EMPTY = _Record()


def _counted(
    shown: Mapping[str, Mapping[Hashable, tuple[Any, int]]],
    record: ReadRecord | WriteRecord,
    step: int,
) -> dict[str, Mapping[Hashable, tuple[Any, int]]]:
    """``shown`` with the values of ``record``'s fields counted once more (``step`` 1) or once
    less (-1, a value no record shows any more is gone)."""
    counted = dict(shown)
    for name, value in record.fields.items():
        lower = name.lower()
        values = dict(counted.get(lower, {}))
        token = _token(value)
        count = values.get(token, (value, 0))[1] + step
        if count > 0:
            values[token] = (values.get(token, (value, 0))[0], count)
        else:
            values.pop(token, None)
        if values:
            counted[lower] = values
        else:
            counted.pop(lower, None)
    return counted


class Records:
    """The reads and saved writes of one version of a conversation by ``key`` (the dialect's
    record key). Made with ``of`` (from nothing) or ``RecordIndexes`` (from the version
    before); never changed after."""

    def __init__(
        self,
        key: Key,
        version: int = 0,
        by_key: Mapping[str, _Record] | None = None,
        reads: tuple[tuple[str, ReadRecord], ...] = (),
        writes: tuple[tuple[str | None, WriteRecord], ...] = (),
    ) -> None:
        self.key = key
        self.version = version
        self._by_key: Mapping[str, _Record] = by_key or {}
        # the window the index was made of, oldest first, each with its record's key (None: a
        # write that names no record or did not reach the CRM, so indexed under none)
        self._reads = reads
        self._writes = writes

    @classmethod
    def of(cls, conversation: Conversation | None, key: Key) -> Records:
        """The index of ``conversation`` (none: an empty one)."""
        empty = cls(key)
        if conversation is None:
            return empty
        return empty._then(conversation.version, (), conversation.reads, (), conversation.writes)

    def then(self, conversation: Conversation) -> Records | None:
        """The index of a later version of this index's conversation, from this one: its reads
        and writes after this one's newest added, those it no longer keeps (its oldest) taken
        out. None when it is not this one's continuation (then make it ``of`` it)."""
        reads = _after(self._reads, conversation.reads)
        writes = _after(self._writes, conversation.writes)
        if reads is None or writes is None:
            return None
        (gone_reads, new_reads), (gone_writes, new_writes) = reads, writes
        return self._then(conversation.version, gone_reads, new_reads, gone_writes, new_writes)

    def _then(
        self,
        version: int,
        gone_reads: Sequence[tuple[str, ReadRecord]],
        new_reads: Sequence[ReadRecord],
        gone_writes: Sequence[tuple[str | None, WriteRecord]],
        new_writes: Sequence[WriteRecord],
    ) -> Records:
        by_key = dict(self._by_key)
        for key, read in gone_reads:
            _keep(by_key, key, by_key[key].without_read(read))
        for gone, write in gone_writes:
            if gone is not None:
                _keep(by_key, gone, by_key[gone].without_write(write))
        reads = tuple((self.key(r.id), r) for r in new_reads)
        for key, read in reads:
            by_key[key] = by_key.get(key, _EMPTY).with_read(read)
        writes = tuple(
            (self.key(w.id) if w.id is not None and w.decision in SAVED else None, w)
            for w in new_writes
        )
        for found, write in writes:
            if found is not None:
                by_key[found] = by_key.get(found, _EMPTY).with_write(write)
        return Records(
            self.key,
            version,
            by_key,
            self._reads[len(gone_reads) :] + reads,
            self._writes[len(gone_writes) :] + writes,
        )

    def _record(self, record_id: str) -> _Record:
        return self._by_key.get(self.key(record_id), _EMPTY)

    def read(self, record_id: str) -> bool:
        return bool(self._record(record_id).reads)

    def saved(self, record_id: str) -> bool:
        """Whether a write that reached the CRM named the record, judged against it: not a
        create the CRM made as an update of a record that existed already (``judged_as``)."""
        return self._record(record_id).judged > 0

    def created(self, record_id: str) -> bool:
        """Whether a write that reached the CRM created the record, judged as the create it
        was (not an update the CRM made as a create: ``judged_as``)."""
        return self._record(record_id).creates > 0

    def read_field(self, record_id: str, field: str) -> Any:
        """The field (as spelled) of the record's newest read that holds it, else None."""
        found = self._record(record_id).read.get(field)
        return None if found is None else found[1]

    def known_field(self, record_id: str, field: str) -> Any:
        """The field's value as last read, or as set by the newest saved write that set it
        (in any spelling), whichever came later; else None."""
        record = self._record(record_id)
        read = record.read.get(field)
        written = record.written.get(field.lower())  # any spelling
        if written is not None and (read is None or written[0].at >= read[0].at):
            return written[1]
        return None if read is None else read[1]

    def shown(self, record_id: str, names: Iterable[str]) -> list[Any] | None:
        """The values of the fields ``names`` (in any spelling) that reads of the record and
        saved writes of it hold (null too), each once, in no order; None when none holds any."""
        shown = self._record(record_id).shown
        values = {
            token: value
            for name in {n.lower() for n in names}
            for token, (value, _) in shown.get(name, {}).items()
        }
        return list(values.values()) or None


def _keep(by_key: dict[str, _Record], key: str, record: _Record) -> None:
    """``record`` under ``key``, unless no read or saved write in the window names it now."""
    if record.reads or record.writes:
        by_key[key] = record
    else:
        del by_key[key]


def _after(
    indexed: tuple[tuple[Any, Any], ...], records: Sequence[Any]
) -> tuple[tuple[tuple[Any, Any], ...], Sequence[Any]] | None:
    """Of a window ``indexed`` and the records a later version keeps: those of the window it
    no longer keeps (the oldest), and its records after the window; None when ``records`` does
    not continue the window (more new ones than are looked through, or another history)."""
    if not indexed:
        return (), records
    last, newest = indexed[-1][1], named(indexed[-1][1])
    for new in range(min(len(records), _NEW_RECORDS + 1)):
        at = len(records) - 1 - new
        record = records[at]
        if record is last or named(record) == newest:
            kept = at + 1
            gone = len(indexed) - kept
            if gone < 0 or named(records[0]) != named(indexed[gone][1]):
                return None
            return indexed[:gone], records[kept:]
    return None


class RecordIndexes:
    """The latest index of each conversation in progress (``size`` of them, least recently
    used out: they hold their windows' records), each made from the one before."""

    def __init__(self, key: Key, size: int = 256) -> None:
        self._key = key
        self._latest: Lru[Records] = Lru(size)

    def of(self, conversation: Conversation) -> Records:
        # The creation time tells a conversation from one deleted and made again with its id.
        name = (conversation.id, conversation.created_at)
        latest = self._latest.peek(name)
        if latest is not None and latest.version == conversation.version:
            return latest
        made = None
        if latest is not None and latest.version < conversation.version:
            made = latest.then(conversation)
        if made is None:
            made = Records.of(conversation, self._key)
        if latest is None or latest.version < made.version:
            self._latest.put(name, made)
        return made
