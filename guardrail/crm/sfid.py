"""Salesforce record ids: shape, key prefix and the 15-to-18 character checksum.

An id is 15 case-sensitive characters, or 18 with a case-insensitive checksum suffix.
Its first three characters, the key prefix, name the object the record belongs to; a
prefix check is what catches a Contact id written into an AccountId.
"""

from __future__ import annotations

import functools
import re

_ID = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?\Z")
_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"

#: Key prefixes of the standard objects the sandbox and the default pack know.
#: Custom objects get org-specific prefixes; packs declare theirs in ``keyPrefixes``.
STANDARD_KEY_PREFIXES: dict[str, str] = {
    "Account": "001",
    "Contact": "003",
    "User": "005",
    "Task": "00T",
    "Group": "00G",
    "CaseComment": "00a",
    "Case": "500",
}


#: Fields whose value is the account a record belongs to (grounding, duplicate detection).
ACCOUNT_FIELDS = ("AccountId", "Account__c")
#: Fields whose value is a customer a record belongs to: its account, or its contact (a
#: case's; a task's who and what); what makes a record someone's (guardrail.lookups.belongings).
CUSTOMER_FIELDS = (*ACCOUNT_FIELDS, "ContactId", "WhoId", "WhatId")


def is_id(value: object) -> bool:
    """True when ``value`` has the shape of a 15 or 18 character id.

    The checksum suffix is not verified: Salesforce documents it only as a way to make ids
    case-insensitive, and the sandbox's fixed queue ids (DESIGN.md) do not carry a valid one.
    """
    return isinstance(value, str) and _ID.match(value) is not None


def checksum(id15: str) -> str:
    """The three-character suffix that makes a 15-character id case-insensitively unique."""
    return "".join(_SUFFIX_ALPHABET[_capitals(id15[start : start + 5])] for start in (0, 5, 10))


def to18(record_id: str) -> str:
    """The 18-character form of an id (an 18-character id is returned as it is)."""
    return record_id if len(record_id) == 18 else record_id + checksum(record_id)


#: Which bits of each suffix character are checked: the first character's low three stand for
#: the key prefix, whose case names the object (00T Task, 00t OpportunityShare) and is checked
#: against the object on its own (the sandbox's fixed queue ids carry no checksum of theirs).
_CHECKED = (0b11000, 0b11111, 0b11111)


# Remembered (bounded), as key: every write that names a record reads its id's checksum.
@functools.lru_cache(maxsize=8192)
def case_fits(record_id: str) -> bool:
    """Whether an id names one record however it is read: a 15-character id, or an
    18-character one whose suffix (in any case) gives the case its letters have. Salesforce
    documents the 18-character form as safe to compare case-insensitively, so a reader may
    restore the first fifteen's case from the suffix: an id whose suffix says other case than
    its letters have is one record to a reader taking them as written, another to that one."""
    if len(record_id) != 18:
        return True
    for n, checked in enumerate(_CHECKED):
        given = _SUFFIX_ALPHABET.find(record_id[15 + n].upper())
        if given < 0 or (given ^ _capitals(record_id[n * 5 : n * 5 + 5])) & checked:
            return False
    return True


def _capitals(chunk: str) -> int:
    return sum(1 << n for n, char in enumerate(chunk) if "A" <= char <= "Z")


# Remembered (bounded): rules and the judge compare ids with the conversation's reads and
# writes several times a write, the same few ids each time, and reading one's checksum costs
# microseconds.
@functools.lru_cache(maxsize=8192)
def key(record_id: str) -> str:
    """What every spelling of one id shares: a 15- or 18-character id's first 15 characters
    (case-sensitive); anything that is not an id, as it is; and an id whose suffix says
    other case than its letters have (``case_fits``), as it is: it matches no other spelling."""
    if not is_id(record_id):
        return record_id
    return record_id[:15] if case_fits(record_id) else record_id


def object_key(sobject: str, record_id: str) -> str:
    """``key`` of an id of ``sobject`` (Dialect.record_key): the id's key prefix names its
    object, so the key is the id's alone."""
    return key(record_id)


def same_id(a: str, b: str) -> bool:
    """Whether two ids (15 or 18 characters) name the same record."""
    return a[:15] == b[:15]


def key_prefix(record_id: str) -> str:
    return record_id[:3]
