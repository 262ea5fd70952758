"""The values of Salesforce's behaviour headers, read as Salesforce documents them or refused.

Rules judge these values (crm-safeguards: ``allowSave=true`` saves past duplicate rules,
``Sforce-Auto-Assign: FALSE`` switches assignment rules off), so a value Salesforce could read
otherwise than a rule does (``allowSave = "true"``, ``allowSave=1``, an option it does not
document) is refused rather than guessed at:

- ``Sforce-Auto-Assign``: ``TRUE``, ``FALSE`` or an AssignmentRule id.
- ``Sforce-Duplicate-Rule-Header``: ``allowSave``, ``includeRecordDetails`` and
  ``runAsCurrentUser``, each ``=true`` or ``=false``, separated by ``;``.
- ``Sforce-Mru``: ``updateMru=true`` or ``updateMru=false``.
- ``Sforce-Call-Options``: without ``defaultNamespace``, on any request. With it, Salesforce
  reads ``Foo__c`` as the package's ``ns__Foo__c`` (when the package has one) in a write and
  shows ``ns__Foo__c`` as ``Foo__c`` in a read, so a rule would judge one field while another
  is written, and a read would show one field's value under another's name. Which name means
  which field depends on the org's packages, which the proxy cannot see, so it is refused
  rather than resolved.

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
    one Salesforce documents, or that names a default namespace; headers without a documented
    grammar pass."""
    if name == "Sforce-Call-Options":
        _refuse_default_namespace(value)
        return
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


def _refuse_default_namespace(value: str) -> None:
    """Refuse (AmbiguousRequest) a ``Sforce-Call-Options`` naming a default namespace, in any
    case or spacing (a client name alone changes nothing)."""
    if "defaultnamespace" in value.lower():
        raise AmbiguousRequest(
            "Sforce-Call-Options: defaultNamespace makes Salesforce resolve field names "
            "without a namespace prefix to a package's fields (Foo__c written to ns__Foo__c) "
            "and show them without it, so crm-guardrail would judge other fields than the CRM "
            "writes or shows. Send the request without defaultNamespace, naming each field "
            "with its namespace (ns__Field__c)."
        )
