"""What solving a Zendesk problem ticket does to its incidents, asked before it is judged.

Solving a problem ticket solves every incident linked to it (``problem_id``), its solving
comment added to each, so a write solving (or closing) the customer's problem ticket also
solves, and speaks on, every incident linked to it, another customer's too, which no intent of
the request names. Before such a write is judged, Zendesk is asked for the ticket's incidents
(``GET /api/v2/tickets/{id}/incidents``, empty for a ticket that is no problem); if any is not
solved yet, the write is refused, saying to solve each incident on its own first (each then
judged as the write it is) or to leave the problem ticket to a person.
"""

from __future__ import annotations

import json
from typing import Any

from guardrail.errors import AmbiguousRequest, InvalidSession, LookupFailed
from guardrail.model import Operation, WriteIntent

SOLVED = frozenset({"solved", "closed"})
#: Incidents named in a refusal.
NAMED = 5


def lookup(intent: WriteIntent) -> str | None:
    """The GET of the incidents a ticket update would solve, or None."""
    solving = intent.operation is Operation.UPDATE and intent.fields.get("status") in SOLVED
    if intent.object != "ticket" or not solving or not intent.record_id:
        return None
    return f"/api/v2/tickets/{intent.record_id}/incidents.json"


def resolved(intent: WriteIntent, status: int, body: bytes) -> WriteIntent:
    """``intent``, when it solves no incident with it. Raises AmbiguousRequest (it would),
    InvalidSession or LookupFailed."""
    if status == 401:
        raise InvalidSession("expired")
    answer = _json(body) if status == 200 else None
    listed = answer.get("tickets") if isinstance(answer, dict) else None
    if not isinstance(answer, dict) or not isinstance(listed, list):
        raise LookupFailed(
            f"crm-guardrail could not tell which incidents solving ticket {intent.record_id} "
            f"would solve with it (Zendesk answered {status}), so it cannot judge the write; "
            "nothing was sent. Retry later."
        )
    open_ = [t for t in listed if not (isinstance(t, dict) and t.get("status") in SOLVED)]
    if not open_ and not answer.get("next_page"):
        return intent
    named = ", ".join(str(t.get("id") if isinstance(t, dict) else "?") for t in open_[:NAMED])
    more = " and more" if len(open_) > NAMED or answer.get("next_page") else ""
    raise AmbiguousRequest(
        f"Ticket {intent.record_id} is the problem ticket of {named or 'more incidents'}{more}: "
        "solving it solves each of them too, its comment added to each, writes crm-guardrail "
        "cannot judge here. Solve each incident on its own first (PUT /api/v2/tickets/{id}), "
        "or leave the problem ticket to a person."
    )


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None
