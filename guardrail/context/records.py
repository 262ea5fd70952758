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
from typing import Any

from guardrail.context.lru import Lru
from guardrail.context.model import Conversation, ReadRecord, WriteRecord
from guardrail.model import SAVED

#: The dialect's record key (Dialect.record_key): (object, id) -> what names that record.
Key = Callable[[str, str], str]
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


class _Record:
    """What one record's reads and saved writes in the window say: never changed, replaced.

    A step adds or takes out one read or write in the record's fields alone: nothing of the
    record's other reads and writes is copied or looked through. Each read and write is known
    by its place in the conversation's arrival order (``seq``), so the one taken out (always
    the window's oldest) is known to be a field's newest sighting exactly when that sighting
    is at its place: then no later one in the window has the field, and the field is gone."""

    __slots__ = ("creates", "judged", "read", "reads", "shown", "writes", "written")

    def __init__(
        self,
        reads: int = 0,
        writes: int = 0,
        read: Mapping[str, tuple[int, ReadRecord, Any]] | None = None,
        written: Mapping[str, tuple[int, WriteRecord, Any]] | None = None,
        shown: Mapping[str, Mapping[Hashable, tuple[Any, int]]] | None = None,
        judged: int = 0,
        creates: int = 0,
    ) -> None:
        self.reads = reads  # reads of it in the window
        self.writes = writes  # saved writes of it in the window
        # each field (as spelled) as the newest read that holds it has it: (seq, read, value)
        self.read: Mapping[str, tuple[int, ReadRecord, Any]] = read or {}
        # each field (lower case) as the newest saved write the CRM kept set it (its last
        # spelling): (seq, write, value)
        self.written: Mapping[str, tuple[int, WriteRecord, Any]] = written or {}
        # field (lower case) -> each value reads and kept writes show, with how many show it
        self.shown: Mapping[str, Mapping[Hashable, tuple[Any, int]]] = shown or {}
        self.judged = judged  # saved writes judged against the record (not made as another)
        self.creates = creates  # saved writes that created it, judged as creates

    def with_read(self, seq: int, read: ReadRecord) -> _Record:
        known = dict(self.read)
        for name, value in read.fields.items():
            known[name] = (seq, read, value)
        shown = _counted(self.shown, read, 1)
        return _Record(
            self.reads + 1, self.writes, known, self.written, shown, self.judged, self.creates
        )

    def without_read(self, seq: int, read: ReadRecord) -> _Record:
        """Without its oldest read, ``read`` (at ``seq``)."""
        known = self.read
        if any(known.get(name, (None,))[0] == seq for name in read.fields):
            known = {name: held for name, held in known.items() if held[0] != seq}
        shown = _counted(self.shown, read, -1)
        return _Record(
            self.reads - 1, self.writes, known, self.written, shown, self.judged, self.creates
        )

    def with_write(self, seq: int, write: WriteRecord) -> _Record:
        judged = self.judged + (write.judged_as is None)
        creates = self.creates + (write.operation == "create" and write.judged_as is None)
        written, shown = self.written, self.shown
        if not write.refused_by_crm:  # else the CRM's answer says it kept none of it
            written = dict(written)
            for name, value in write.fields.items():
                written[name.lower()] = (seq, write, value)
            shown = _counted(shown, write, 1)
        return _Record(self.reads, self.writes + 1, self.read, written, shown, judged, creates)

    def without_write(self, seq: int, write: WriteRecord) -> _Record:
        """Without its oldest saved write, ``write`` (at ``seq``)."""
        judged = self.judged - (write.judged_as is None)
        creates = self.creates - (write.operation == "create" and write.judged_as is None)
        written, shown = self.written, self.shown
        if not write.refused_by_crm:
            if any(written.get(name.lower(), (None,))[0] == seq for name in write.fields):
                written = {name: held for name, held in written.items() if held[0] != seq}
            shown = _counted(shown, write, -1)
        return _Record(self.reads, self.writes - 1, self.read, written, shown, judged, creates)


_EMPTY = _Record()
# Records._newer's answer for a key not changed since the base.
_BASE = _Record()


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
        values = dict(counted.get(lower, ()))
        token = _token(value)
        held, count = values.get(token, (value, 0))
        count += step
        if count > 0:
            values[token] = (held, count)
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
        base: Mapping[str, _Record] | None = None,
        newer: Mapping[str, _Record | None] | None = None,
        reads: tuple[tuple[str, ReadRecord], ...] = (),
        writes: tuple[tuple[str | None, WriteRecord], ...] = (),
        gone: tuple[int, int] = (0, 0),
    ) -> None:
        self.key = key
        self.version = version
        # Each record by key: ``newer`` holds those changed since ``base`` (None: gone), and
        # ``base`` is shared, never changed, with the versions before and after this one.
        self._base: Mapping[str, _Record] = base or {}
        self._newer: Mapping[str, _Record | None] = newer or {}
        # the window the index was made of, oldest first, each with its record's key (None: a
        # write that names no record or did not reach the CRM, so indexed under none)
        self._reads = reads
        self._writes = writes
        # how many reads and writes were taken out of the window before its oldest: a read's
        # or write's place in arrival order (its seq) is this and its place in the window
        self._gone = gone

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
        # What changed is put over the base, not into a copy of it: a version costs what the
        # changes since the base do, not what the window holds (up to 2 * MAX_RECORDED
        # records), and keeps no copy of the rest (a request in flight keeps its version).
        # The changes are folded into a new base once they outnumber its size's square root
        # (and 8): O(sqrt(n)) a version either way.
        by_key = dict(self._newer)
        base = self._base

        def current(key: str) -> _Record:
            found = by_key.get(key, _BASE)
            return base.get(key, _EMPTY) if found is _BASE else found or _EMPTY

        gone_read, gone_write = self._gone
        for seq, (key, read) in enumerate(gone_reads, gone_read):
            record = current(key)
            if record.reads + record.writes == 1:  # its only one: no read or write names it now
                by_key[key] = None
            else:
                by_key[key] = record.without_read(seq, read)
        for seq, (gone, write) in enumerate(gone_writes, gone_write):
            if gone is not None:
                record = current(gone)
                if record.reads + record.writes == 1:
                    by_key[gone] = None
                else:
                    by_key[gone] = record.without_write(seq, write)
        gone_read += len(gone_reads)
        gone_write += len(gone_writes)
        kept_reads = self._reads[len(gone_reads) :]
        kept_writes = self._writes[len(gone_writes) :]
        reads = tuple((self.key(r.object, r.id), r) for r in new_reads)
        for seq, (key, read) in enumerate(reads, gone_read + len(kept_reads)):
            by_key[key] = current(key).with_read(seq, read)
        writes = tuple(
            (self.key(w.object, w.id) if w.id is not None and w.decision in SAVED else None, w)
            for w in new_writes
        )
        for seq, (found, write) in enumerate(writes, gone_write + len(kept_writes)):
            if found is not None:
                by_key[found] = current(found).with_write(seq, write)
        if len(by_key) ** 2 > max(len(base), 64):
            folded = dict(base)
            for key, changed in by_key.items():
                if changed is None:
                    folded.pop(key, None)
                else:
                    folded[key] = changed
            base, by_key = folded, {}
        return Records(
            self.key,
            version,
            base,
            by_key,
            kept_reads + reads,
            kept_writes + writes,
            (gone_read, gone_write),
        )

    def _record(self, sobject: str, record_id: str) -> _Record:
        key = self.key(sobject, record_id)
        found = self._newer.get(key, _BASE)
        return self._base.get(key, _EMPTY) if found is _BASE else found or _EMPTY

    # Each question names the record by its object and id: where the CRM's ids do not name
    # their object (Zendesk), one number is a record of each.

    def read(self, sobject: str, record_id: str) -> bool:
        return bool(self._record(sobject, record_id).reads)

    def saved(self, sobject: str, record_id: str) -> bool:
        """Whether a write that reached the CRM named the record, judged against it: not a
        create the CRM made as an update of a record that existed already (``judged_as``)."""
        return self._record(sobject, record_id).judged > 0

    def created(self, sobject: str, record_id: str) -> bool:
        """Whether a write that reached the CRM created the record, judged as the create it
        was (not an update the CRM made as a create: ``judged_as``)."""
        return self._record(sobject, record_id).creates > 0

    def read_field(self, sobject: str, record_id: str, field: str) -> Any:
        """The field (as spelled) of the record's newest read that holds it, else None."""
        found = self._record(sobject, record_id).read.get(field)
        return None if found is None else found[2]

    def known_field(self, sobject: str, record_id: str, field: str) -> Any:
        """The field's value as last read, or as set by the newest saved write that set it
        (in any spelling), whichever came later; else None."""
        record = self._record(sobject, record_id)
        read = record.read.get(field)
        written = record.written.get(field.lower())  # any spelling
        if written is not None and (read is None or written[1].at >= read[1].at):
            return written[2]
        return None if read is None else read[2]

    def shown(self, sobject: str, record_id: str, names: Iterable[str]) -> list[Any] | None:
        """The values of the fields ``names`` (in any spelling) that reads of the record and
        saved writes of it hold (null too), each once, in no order; None when none holds any."""
        shown = self._record(sobject, record_id).shown
        values = {
            token: value
            for name in {n.lower() for n in names}
            for token, (value, _) in shown.get(name, {}).items()
        }
        return list(values.values()) or None


def _after(
    indexed: tuple[tuple[Any, Any], ...], records: Sequence[Any]
) -> tuple[tuple[tuple[Any, Any], ...], Sequence[Any]] | None:
    """Of a window ``indexed`` and the records a later version keeps: those of the window it
    no longer keeps (the oldest), and its records after the window; None when ``records`` does
    not continue the window (more new ones than are looked through, or another history)."""
    if not indexed:
        return (), records
    # A store hands the same record objects back until it forgets them (the memory store
    # always; Redis per load): identity answers first, the names only where it does not.
    last = indexed[-1][1]
    newest = None
    for new in range(min(len(records), _NEW_RECORDS + 1)):
        at = len(records) - 1 - new
        record = records[at]
        if record is not last:
            newest = named(last) if newest is None else newest
            if named(record) != newest:
                continue
        kept = at + 1
        gone = len(indexed) - kept
        if gone < 0:
            return None
        first, oldest = records[0], indexed[gone][1]
        if first is not oldest and named(first) != named(oldest):
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
