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

from guardrail.crm.canonical import json_or_none
from guardrail.errors import AmbiguousRequest, InvalidSession, LookupFailed
from guardrail.model import Operation, WriteIntent

#: The parent states its children follow (On Hold for some hold reasons only: judged as
#: carried, whatever the parent's reason).
CARRIED = frozenset({"2", "3", "6"})
#: Children named in a refusal (the instance is asked for one more, to say there are more).
NAMED = 5


def lookup(intent: WriteIntent) -> str | None:
    """The Table API query for the child incidents ``intent`` would move, or None."""
    state = intent.fields.get("state")
    moving = intent.operation is Operation.UPDATE and intent.record_id and state in CARRIED
    if intent.object.lower() != "incident" or not moving:
        return None
    query = f"parent_incident={intent.record_id}^stateNOT IN7,8^state!={state}"
    return (
        f"/api/now/table/incident?sysparm_query={quote(query, safe='=')}"
        f"&sysparm_fields=sys_id,number&sysparm_limit={NAMED + 1}"
    )


def resolved(intent: WriteIntent, status: int, body: bytes) -> WriteIntent:
    """``intent``, when it moves no child incident. Raises AmbiguousRequest (it would),
    InvalidSession or LookupFailed."""
    if status == 401:
        raise InvalidSession("expired")
    rows = _rows(body) if status == 200 else None
    if rows is None:
        raise LookupFailed(
            f"crm-guardrail could not tell which child incidents incident {intent.record_id} "
            f"would move with it (the instance answered {status}), so it cannot judge the "
            "write; nothing was sent. Retry later."
        )
    if not rows:
        return intent
    named = ", ".join(f"{r.get('number') or '?'} ({r.get('sys_id')})" for r in rows[:NAMED])
    more = " and more" if len(rows) > NAMED else ""
    raise AmbiguousRequest(
        f"Incident {intent.record_id} is the parent incident of {named}{more}, and the instance "
        f"sets its new state {intent.fields.get('state')} on each child too (resolving copies "
        "its resolution code and notes into them), writes crm-guardrail cannot judge here. "
        "Update each child incident on its own first (PATCH /api/now/table/incident/{sys_id}), "
        "or leave the parent incident to a person."
    )


def _rows(body: bytes) -> list[dict[str, Any]] | None:
    answer = json_or_none(body)
    result = answer.get("result") if isinstance(answer, dict) else None
    if not isinstance(result, list) or not all(isinstance(r, dict) for r in result):
        return None
    return result
