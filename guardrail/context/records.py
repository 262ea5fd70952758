"""What a conversation's reads and saved writes say of each record, by the record's key.

Rules ask of a record whether it was read, written or created in the conversation and what a
field of it was last seen to hold, several times a write (whose a record is asks five fields).
Asked of the history itself, each answer walked up to a hundred reads and writes; an index
read once per request answers each in constant time, however long the call's history.
The reads and the writes are indexed apart, each on its first question: a record found among
the reads is grounded without the writes being read.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from guardrail.context.model import Conversation
from guardrail.model import SAVED

Seen = tuple[datetime, Any]  # when a field's value was seen, and the value


class Records:
    """The reads and saved writes of ``conversation`` by ``key`` (the dialect's record key)."""

    def __init__(self, conversation: Conversation | None, key: Callable[[str], str]) -> None:
        self._conversation = conversation
        self.key = key

    @functools.cached_property
    def _reads(self) -> tuple[dict[str, list[str]], dict[tuple[str, str], Seen]]:
        """Each record read: the names of the fields read of it (every read, oldest first),
        and each field's newest read value."""
        names: dict[str, list[str]] = {}
        values: dict[tuple[str, str], Seen] = {}
        for read in self._conversation.reads if self._conversation else ():
            key = self.key(read.id)
            names.setdefault(key, []).extend(read.fields)
            for name, value in read.fields.items():
                values[key, name] = (read.at, value)
        return names, values

    @functools.cached_property
    def _writes(self) -> tuple[dict[str, list[str]], set[str], dict[tuple[str, str], Seen]]:
        """Each record a saved write named: the names of the fields written (every write,
        oldest first); the records saved writes created; each field's (any spelling) newest
        written value, the last of a write's spellings."""
        names: dict[str, list[str]] = {}
        created: set[str] = set()
        values: dict[tuple[str, str], Seen] = {}
        for write in self._conversation.writes if self._conversation else ():
            if write.id is None or write.decision not in SAVED:
                continue
            key = self.key(write.id)
            names.setdefault(key, []).extend(write.fields)
            if write.operation == "create":
                created.add(key)
            if write.refused_by_crm:  # the CRM's answer says it kept none of it
                continue
            for name, value in write.fields.items():
                values[key, name.lower()] = (write.at, value)
        return names, created, values

    def read(self, record_id: str) -> bool:
        return self.key(record_id) in self._reads[0]

    def saved(self, record_id: str) -> bool:
        """Whether a write that reached the CRM named the record."""
        return self.key(record_id) in self._writes[0]

    def created(self, record_id: str) -> bool:
        """Whether a write that reached the CRM created the record."""
        return self.key(record_id) in self._writes[1]

    def read_field(self, record_id: str, field: str) -> Any:
        """The field (as spelled) of the record's newest read that holds it, else None."""
        seen = self._reads[1].get((self.key(record_id), field))
        return None if seen is None else seen[1]

    def known_field(self, record_id: str, field: str) -> Any:
        """The field's value as last read, or as set by the newest saved write that set it
        (in any spelling), whichever came later; else None."""
        key = self.key(record_id)
        read = self._reads[1].get((key, field))
        written = self._writes[2].get((key, field.lower()))
        if written is not None and (read is None or written[0] >= read[0]):
            return written[1]
        return None if read is None else read[1]

    def shown(self, record_id: str, names: Iterable[str]) -> list[Any] | None:
        """The newest values of the fields ``names`` (in any spelling) that reads of the
        record and saved writes of it hold (null too); None when none holds any."""
        key, wanted = self.key(record_id), {n.lower() for n in names}
        read = [
            self._reads[1][key, name][1]
            for name in dict.fromkeys(self._reads[0].get(key, ()))
            if name.lower() in wanted
        ]
        written = [
            self._writes[2][key, lowered][1]
            for lowered in dict.fromkeys(n.lower() for n in self._writes[0].get(key, ()))
            if lowered in wanted and (key, lowered) in self._writes[2]
        ]
        return [*read, *written] or None
