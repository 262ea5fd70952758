"""What deleting a Salesforce case does to its child cases, asked before it is judged.

``Case.ParentId`` is a lookup, and deleting the record a lookup names clears the lookup on
every record naming it (a lookup's delete option, "Clear the value of this field", its
default). A parent case gathers the cases of an outage or a recall, other customers' too, so
deleting the customer's parent case changes each child case, which no intent of the request
names. Before a case delete is judged, the CRM is asked for the cases naming it as their parent
(``GET .../query?q=SELECT Id, CaseNumber FROM Case WHERE ParentId = '{id}'``); if any, the
delete is refused, saying to unlink each child first (each then judged as the update it is)
or to leave the parent case to a person.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from guardrail.crm import children, sfid
from guardrail.crm.canonical import json_or_none
from guardrail.crm.salesforce_post import api_base
from guardrail.model import Operation, WriteIntent

_SELECT = "SELECT Id, CaseNumber FROM Case WHERE ParentId = "
#: What every target of ``lookup`` holds, and no other look-up's.
_MARK = "/query?q=" + quote(_SELECT, safe="")


def lookup(intent: WriteIntent, path: str) -> str | None:
    """The query for the cases whose parent ``intent`` deletes, or None for any other write
    (and for a case the write names by no id yet: its look-up comes first)."""
    record = intent.record_id
    deleting = intent.operation is Operation.DELETE and record and sfid.is_id(record)
    if intent.object.lower() != "case" or not deleting:
        return None
    query = f"{_SELECT}'{record}' LIMIT {children.NAMED + 1}"
    return f"{api_base(path)}/query?q={quote(query, safe='')}"


def asks(target: str) -> bool:
    """Whether ``target`` is a ``lookup``'s."""
    return _MARK in target


def resolved(intent: WriteIntent, status: int, body: bytes) -> WriteIntent:
    """``intent``, when no case names the case it deletes as its parent. Raises
    AmbiguousRequest (some do), InvalidSession or LookupFailed."""
    return children.none_changed(
        intent, status, _rows(body),
        f"which cases name case {intent.record_id} as their parent (its delete clears theirs)",
        lambda row: f"{row.get('CaseNumber') or '?'} ({row.get('Id')})",
        lambda listed: (
            f"Case {intent.record_id} is the parent case of {listed}, and deleting it clears "
            "ParentId on each child case (another customer's too), writes crm-guardrail "
            "cannot judge here. Unlink each child case on its own first (PATCH its ParentId "
            "to null), or leave the parent case to a person."
        ),
    )  # fmt: skip


def _rows(body: bytes) -> list[dict[str, Any]] | None:
    """The records a query answered, or None for an answer that is no query's."""
    answer = json_or_none(body)
    records = answer.get("records") if isinstance(answer, dict) else None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        return None
    return records
