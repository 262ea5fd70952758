"""What a ServiceNow write to a record does to the records beside it, asked before it is judged.

The state of a child incident follows its parent's (the platform's parent and child state sync:
in progress, on hold waiting on a change, problem or vendor, and resolved, with the parent's
resolution notes copied into each child), so a write moving the customer's incident also moves
every child incident, another customer's too, which no intent of the request names. And
deleting a record clears every reference to it, in any table (the reference cascade rule's
default, "Clear"): deleting the customer's parent incident or parent case clears the parent of
each child, deleting a contact clears the contact of their cases, deleting an assignment group
clears it on every customer's cases. Before such a write is judged, the instance is asked which
records it would change: for a move, active children in another state; for a delete, the
children naming it as their parent, then which tables its table extends (``sys_db_object``'s
``super_class``: a reference to ``task`` may name an incident or a case), then which fields of
any table (``sys_dictionary``) reference its table or any of those beside that parent field.
If any, the write is refused, saying to change each child on its own first (each then judged
as the write it is) or to leave the record to a person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import takewhile
from typing import Any
from urllib.parse import quote

from guardrail.crm import children, lookup_answers
from guardrail.errors import AmbiguousRequest
from guardrail.model import Operation, WriteIntent

#: The parent states its children follow (On Hold for some hold reasons only: judged as
#: carried, whatever the parent's reason).
CARRIED = frozenset({"2", "3", "6"})


#: The field a table's records name their parent by (a delete clears it on each child).
PARENT = {"incident": "parent_incident", "sn_customerservice_case": "parent"}


#: How far up its hierarchy a table's ancestors are asked (a deeper one is refused).
DEPTH = 8
#: Each ancestor's name, nearest first, dot-walked through ``super_class``.
_ANCESTORS = tuple("super_class." * n + "name" for n in range(1, DEPTH + 1))
#: The query of a table's (``{table}``) ancestors.
_LINEAGE = (
    "/api/now/table/sys_db_object?sysparm_query=name%3D{table}"
    f"&sysparm_fields=name,{','.join(_ANCESTORS)}&sysparm_exclude_reference_link=true"
)
#: The dictionary query of the fields referencing any of some tables (``{tables}``), as many as
#: a refusal names and one more, beside the table's own parent field.
_REFERENCING = (
    "/api/now/table/sys_dictionary?sysparm_query=internal_type%3Dreference%5EreferenceIN{tables}"
    f"&sysparm_fields=name,element&sysparm_limit={children.NAMED + 2}"
)


def lookups(intent: WriteIntent) -> tuple[str, ...]:
    """The Table API queries of the records ``intent`` would change beside its own, in order
    (the fields referencing its table once the tables it extends are known)."""
    found = _children(intent)
    if intent.operation is Operation.DELETE and intent.record_id:
        tables = ",".join((intent.object, *intent.extends))
        found += (
            _LINEAGE.format(table=quote(intent.object, safe="")),
            _REFERENCING.format(tables=quote(tables, safe=",")),
        )
    return found


def _children(intent: WriteIntent) -> tuple[str, ...]:
    """The Table API query for the children ``intent`` would change, if any."""
    table, record = intent.object.lower(), intent.record_id
    state = intent.fields.get("state")
    if intent.operation is Operation.DELETE and record and table in PARENT:
        query = f"{PARENT[table]}={record}"
    elif (
        intent.operation is Operation.UPDATE and record and table == "incident" and state in CARRIED
    ):
        query = f"parent_incident={record}^stateNOT IN7,8^state!={state}"
    else:
        return ()
    return (
        f"/api/now/table/{table}?sysparm_query={quote(query, safe='=')}"
        f"&sysparm_fields=sys_id,number&sysparm_limit={children.NAMED + 1}",
    )


def resolved(intent: WriteIntent, target: str, status: int, body: bytes) -> WriteIntent:
    """``intent``, when it changes no record beside its own that ``target`` asks about.
    Raises AmbiguousRequest (it would), InvalidSession or LookupFailed."""
    found = children.rows(lookup_answers.answer(status, body), "result")
    if target.startswith("/api/now/table/sys_db_object?"):
        return _extending(intent, status, found)
    if target.startswith("/api/now/table/sys_dictionary?"):
        parent = (intent.object.lower(), PARENT.get(intent.object.lower()))
        rows = None if found is None else [
            r for r in found if (r.get("name"), r.get("element")) != parent
        ]  # fmt: skip
        return children.none_changed(intent, status, rows, *_referenced(intent))
    unknown, refusal = (_cleared if intent.operation is Operation.DELETE else _moved)(intent)
    return children.none_changed(intent, status, found, unknown, _label, refusal)


def _extending(intent: WriteIntent, status: int, rows: list[children.Row] | None) -> WriteIntent:
    """``intent`` knowing the tables its table extends, nearest first, from the look-up of its
    ``sys_db_object`` record (``rows``, as ``children.rows`` read them). Raises LookupFailed
    (no such answer) or AmbiguousRequest (a hierarchy deeper than asked)."""
    if not rows or len(rows) != 1 or rows[0].get("name") != intent.object:
        raise lookup_answers.failed(
            f"tell which tables {intent.object} extends",
            "the instance",
            status,
            so="and a reference to any of them may name the record, so it cannot judge the delete",
        )
    named = (rows[0].get(field) for field in _ANCESTORS)
    ancestors = tuple(takewhile(bool, (n if isinstance(n, str) else "" for n in named)))
    if len(ancestors) == DEPTH:
        raise AmbiguousRequest(
            f"{intent.object} extends {DEPTH} tables or more, past those crm-guardrail asks "
            "which fields reference, so it cannot tell what the delete clears. Leave the "
            "delete to a person."
        )
    return replace(intent, extends=ancestors)


def _referenced(
    intent: WriteIntent,
) -> tuple[str, Callable[[dict[str, Any]], str], Callable[[str], str]]:
    """What a delete's dictionary look-up tells, each field it names, and its refusal."""
    tables = " or ".join((intent.object, *intent.extends))
    return (
        f"which fields reference {tables} records",
        lambda row: f"{row.get('name')}.{row.get('element')}",
        lambda listed: (
            f"Deleting {intent.object} {intent.record_id} clears every reference to it, and "
            f"{tables} records are referenced by {listed}"
            + (f" ({intent.object} extends {', '.join(intent.extends)})" if intent.extends else "")
            + ": the records naming this one (another customer's too) would change, writes "
            "crm-guardrail cannot judge here. Leave the delete to a person, or correct the "
            "record with an update."
        ),
    )


def _cleared(intent: WriteIntent) -> tuple[str, Callable[[str], str]]:
    """What a delete's look-up tells, and its refusal of the children it names."""
    field = PARENT[intent.object.lower()]
    return (
        f"which records name {intent.object} {intent.record_id} in {field}",
        lambda listed: (
            f"{intent.object} {intent.record_id} is the {field} of {listed}, and deleting it "
            f"clears {field} on each of them (another customer's too), writes crm-guardrail "
            f"cannot judge here. Clear each one's {field} on its own first (PATCH "
            f"/api/now/table/{intent.object}/{{sys_id}}), or leave the parent to a person."
        ),
    )


def _moved(intent: WriteIntent) -> tuple[str, Callable[[str], str]]:
    """What a parent incident's move's look-up tells, and its refusal of the children."""
    return (
        f"which child incidents incident {intent.record_id} would move with it",
        lambda listed: (
            f"Incident {intent.record_id} is the parent incident of {listed}, and the instance "
            f"sets its new state {intent.fields.get('state')} on each child too (resolving "
            "copies its resolution code and notes into them), writes crm-guardrail cannot "
            "judge here. Update each child incident on its own first (PATCH "
            "/api/now/table/incident/{sys_id}), or leave the parent incident to a person."
        ),
    )


def _label(row: dict[str, Any]) -> str:
    return f"{row.get('number') or '?'} ({row.get('sys_id')})"
