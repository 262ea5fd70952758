"""What a conversation's reads and saved writes say of each record, by the record's key.

Rules ask of a record whether it was read, written or created in the conversation and what a
field of it was last seen to hold, several times a write (whose a record is asks five fields).
Asked of the whole history, each answer compared every read and write's id with the record's
(up to a hundred of each); here a record's own reads and saved writes are picked out once per
request, on the first question about it, and the questions after read only those.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from guardrail.context.model import Conversation, ReadRecord, WriteRecord
from guardrail.model import SAVED


class Records:
    """The reads and saved writes of ``conversation`` by ``key`` (the dialect's record key)."""

    def __init__(self, conversation: Conversation | None, key: Callable[[str], str]) -> None:
        self._conversation = conversation
        self.key = key
        self._reads: dict[str, list[ReadRecord]] = {}  # by record, newest first
        self._writes: dict[str, list[WriteRecord]] = {}  # saved, by record, newest first
        # by record: each field (any spelling) as the newest saved write the CRM kept set it
        self._written: dict[str, dict[str, tuple[datetime, Any]]] = {}

    def reads(self, record_id: str) -> list[ReadRecord]:
        """The record's reads, newest first."""
        key = self.key(record_id)
        found = self._reads.get(key)
        if found is None:
            every = self._conversation.reads if self._conversation else ()
            found = self._reads[key] = [r for r in reversed(every) if self.key(r.id) == key]
        return found

    def writes(self, record_id: str) -> list[WriteRecord]:
        """The writes of the record that reached the CRM, newest first."""
        key = self.key(record_id)
        found = self._writes.get(key)
        if found is None:
            every = self._conversation.writes if self._conversation else ()
            found = self._writes[key] = [
                w
                for w in reversed(every)
                if w.id is not None and w.decision in SAVED and self.key(w.id) == key
            ]
        return found

    def read(self, record_id: str) -> bool:
        return bool(self.reads(record_id))

    def saved(self, record_id: str) -> bool:
        """Whether a write that reached the CRM named the record, judged against it: not a
        create the CRM made as an update of a record that existed already (``judged_as``)."""
        return any(w.judged_as is None for w in self.writes(record_id))

    def created(self, record_id: str) -> bool:
        """Whether a write that reached the CRM created the record, judged as the create it
        was (not an update the CRM made as a create: ``judged_as``)."""
        return any(w.operation == "create" and w.judged_as is None for w in self.writes(record_id))

    def read_field(self, record_id: str, field: str) -> Any:
        """The field (as spelled) of the record's newest read that holds it, else None."""
        return next((r.fields[field] for r in self.reads(record_id) if field in r.fields), None)

    def known_field(self, record_id: str, field: str) -> Any:
        """The field's value as last read, or as set by the newest saved write that set it
        (in any spelling), whichever came later; else None."""
        latest = next(
            ((r.at, r.fields[field]) for r in self.reads(record_id) if field in r.fields), None
        )
        written = self._written_fields(record_id).get(field.lower())  # any spelling
        if written is not None and (latest is None or written[0] >= latest[0]):
            latest = written
        return None if latest is None else latest[1]

    def _written_fields(self, record_id: str) -> dict[str, tuple[datetime, Any]]:
        """Each field (lower case) the record's saved writes set, as the newest one set it
        (the last of its spellings): read once a request, whatever the rules ask of it."""
        key = self.key(record_id)
        found = self._written.get(key)
        if found is None:
            found = self._written[key] = {}
            for write in reversed(self.writes(record_id)):  # oldest first: the newest stays
                if not write.refused_by_crm:  # the CRM's answer says it kept none of it
                    for name, value in write.fields.items():
                        found[name.lower()] = (write.at, value)
        return found

    def shown(self, record_id: str, names: Iterable[str]) -> list[Any] | None:
        """The values of the fields ``names`` (in any spelling) that reads of the record and
        saved writes of it hold (null too), newest first; None when none holds any."""
        wanted = {n.lower() for n in names}
        seen = [r.fields for r in self.reads(record_id)] + [
            w.fields for w in self.writes(record_id) if not w.refused_by_crm
        ]
        values = [v for fields in seen for f, v in fields.items() if f.lower() in wanted]
        return values or None
