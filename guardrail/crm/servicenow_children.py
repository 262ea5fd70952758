"""What a ServiceNow incident update carries to its child incidents, asked before it is judged.

The state of a child incident follows its parent's (the platform's parent and child state sync:
in progress, on hold waiting on a change, problem or vendor, and resolved, with the parent's
resolution notes copied into each child), so a write moving the customer's incident also moves
every child incident, another customer's too, which no intent of the request names. Before
such a write is judged, the instance is asked which children it would move (active ones in
another state); if any, the write is refused, saying to move each child on its own first (each
then judged as the write it is) or to leave the parent to a person.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from guardrail.crm import children
from guardrail.crm.canonical import json_or_none
from guardrail.model import Operation, WriteIntent

#: The parent states its children follow (On Hold for some hold reasons only: judged as
#: carried, whatever the parent's reason).
CARRIED = frozenset({"2", "3", "6"})


def lookup(intent: WriteIntent) -> str | None:
    """The Table API query for the child incidents ``intent`` would move, or None."""
    state = intent.fields.get("state")
    moving = intent.operation is Operation.UPDATE and intent.record_id and state in CARRIED
    if intent.object.lower() != "incident" or not moving:
        return None
    query = f"parent_incident={intent.record_id}^stateNOT IN7,8^state!={state}"
    return (
        f"/api/now/table/incident?sysparm_query={quote(query, safe='=')}"
        f"&sysparm_fields=sys_id,number&sysparm_limit={children.NAMED + 1}"
    )


def resolved(intent: WriteIntent, status: int, body: bytes) -> WriteIntent:
    """``intent``, when it moves no child incident. Raises AmbiguousRequest (it would),
    InvalidSession or LookupFailed."""
    return children.none_changed(
        intent, status, _rows(body),
        f"which child incidents incident {intent.record_id} would move with it",
        lambda row: f"{row.get('number') or '?'} ({row.get('sys_id')})",
        lambda listed: (
            f"Incident {intent.record_id} is the parent incident of {listed}, and the instance "
            f"sets its new state {intent.fields.get('state')} on each child too (resolving "
            "copies its resolution code and notes into them), writes crm-guardrail cannot "
            "judge here. Update each child incident on its own first (PATCH "
            "/api/now/table/incident/{sys_id}), or leave the parent incident to a person."
        ),
    )  # fmt: skip


def _rows(body: bytes) -> list[dict[str, Any]] | None:
    answer = json_or_none(body)
    result = answer.get("result") if isinstance(answer, dict) else None
    if not isinstance(result, list) or not all(isinstance(r, dict) for r in result):
        return None
    return result
