"""Salesforce record ids: shape, key prefix and the 15-to-18 character checksum.

An id is 15 case-sensitive characters, or 18 with a case-insensitive checksum suffix.
Its first three characters, the key prefix, name the object the record belongs to; a
prefix check is what catches a Contact id written into an AccountId.
"""

from __future__ import annotations

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
#: case's); what makes a record someone's (guardrail.lookups.belongings).
CUSTOMER_FIELDS = (*ACCOUNT_FIELDS, "ContactId")


def is_id(value: object) -> bool:
    """True when ``value`` has the shape of a 15 or 18 character id.

    The checksum suffix is not verified: Salesforce documents it only as a way to make ids
    case-insensitive, and the sandbox's fixed queue ids (DESIGN.md) do not carry a valid one.
    """
    return isinstance(value, str) and _ID.match(value) is not None


def checksum(id15: str) -> str:
    """The three-character suffix that makes a 15-character id case-insensitively unique."""
    suffix = ""
    for start in (0, 5, 10):
        bits = 0
        for offset, char in enumerate(id15[start : start + 5]):
            if "A" <= char <= "Z":
                bits |= 1 << offset
        suffix += _SUFFIX_ALPHABET[bits]
    return suffix


def to18(record_id: str) -> str:
    """The 18-character form of an id (an 18-character id is returned as it is)."""
    return record_id if len(record_id) == 18 else record_id + checksum(record_id)


def key(record_id: str) -> str:
    """What every spelling of one id shares: a 15- or 18-character id's first 15 characters
    (case-sensitive); anything that is not an id, as it is."""
    return record_id[:15] if is_id(record_id) else record_id


def same_id(a: str, b: str) -> bool:
    """Whether two ids (15 or 18 characters) name the same record."""
    return a[:15] == b[:15]


def key_prefix(record_id: str) -> str:
    return record_id[:3]
