"""The values of Salesforce's behaviour headers, read as Salesforce documents them or refused.

Rules judge these values (crm-safeguards: ``allowSave=true`` saves past duplicate rules,
``Sforce-Auto-Assign: FALSE`` switches assignment rules off), so a value Salesforce could read
otherwise than a rule does (``allowSave = "true"``, ``allowSave=1``, an option it does not
document) is refused rather than guessed at:

- ``Sforce-Auto-Assign``: ``TRUE``, ``FALSE`` or an AssignmentRule id.
- ``Sforce-Duplicate-Rule-Header``: ``allowSave``, ``includeRecordDetails`` and
  ``runAsCurrentUser``, each ``=true`` or ``=false``, separated by ``;``.
- ``Sforce-Mru``: ``updateMru=true`` or ``updateMru=false``.

Names and ``true``/``false`` are read in any case, and spaces around them are ignored.
"""

from __future__ import annotations

import re

from guardrail.crm import sfid
from guardrail.errors import AmbiguousRequest

_BOOLEAN = re.compile(r"\s*(?:true|false)\s*", re.IGNORECASE)
#: Header -> the options it takes, each ``name=true|false`` (names in lower case).
_OPTIONS = {
    "Sforce-Duplicate-Rule-Header": frozenset(
        {"allowsave", "includerecorddetails", "runascurrentuser"}
    ),
    "Sforce-Mru": frozenset({"updatemru"}),
}
_DOCUMENTED = {
    "Sforce-Auto-Assign": "TRUE, FALSE or an AssignmentRule id",
    "Sforce-Duplicate-Rule-Header": "allowSave=true|false; includeRecordDetails=true|false; "
    "runAsCurrentUser=true|false",
    "Sforce-Mru": "updateMru=true|false",
}


def check_value(name: str, value: str) -> None:
    """Refuse (AmbiguousRequest) a value of header ``name`` (Salesforce's spelling) that is not
    one Salesforce documents; headers without a documented grammar pass."""
    if name == "Sforce-Auto-Assign":
        readable = bool(_BOOLEAN.fullmatch(value)) or sfid.is_id(value.strip())
    elif name in _OPTIONS:
        readable = _options(value, _OPTIONS[name])
    else:
        return
    if not readable:
        raise AmbiguousRequest(
            f"{name}: {value[:100]!r} is not a value Salesforce documents for it, so "
            f"crm-guardrail cannot tell how the CRM would read it. Send {_DOCUMENTED[name]}, "
            "or leave the header out."
        )


def _options(value: str, known: frozenset[str]) -> bool:
    """Whether ``value`` is ``name=true|false`` pairs of ``known`` names, each named once."""
    seen: set[str] = set()
    for part in value.split(";"):
        option, equals, flag = part.partition("=")
        option = option.strip().lower()
        if not equals or option not in known or option in seen or not _BOOLEAN.fullmatch(flag):
            return False
        seen.add(option)
    return True
