"""What a Zendesk ticket update does that its body does not say, asked before it is judged.

- Solving a problem ticket solves every incident linked to it (``problem_id``), its solving
  comment added to each, so a write solving (or closing) the customer's problem ticket also
  solves, and speaks on, every incident linked to it, another customer's too, which no intent
  of the request names. Zendesk is asked for the ticket's incidents (``GET
  /api/v2/tickets/{id}/incidents``, empty for a ticket that is no problem); if any is not
  solved yet, the write is refused, saying to solve each incident on its own first (each then
  judged as the write it is) or to leave the problem ticket to a person.
  A request writing several tickets (update_many) is run ticket after ticket, while Zendesk is
  asked before it runs: a ticket it links to a problem (``problem_id``) or moves out of solved
  before solving that problem would be solved with it unjudged, so such a request is refused
  (``guardrail.crm.ordered``, ``may_add_incidents``). A custom status, which sets the status
  too, is refused (``zendesk_fields``).
- A comment's ``public``: "true if a public comment; false if an internal note. The initial
  value set on ticket creation persists for any additional comment unless you change it", so
  a comment an update adds without saying takes the visibility of the ticket's first comment:
  on a ticket opened with a private note it is a private note (whose facts the notes rules
  check). Zendesk is asked for the ticket's first comment (``GET
  /api/v2/tickets/{id}/comments``, oldest first), and the write is judged with
  ``comment.public`` as that comment's.
- Deleting an agent reassigns each of their tickets that is not closed to the admin deleting
  them ("Downgrading and removing an agent"), so a user delete is asked first which tickets are
  assigned to the user (``GET /api/v2/users/{id}/tickets/assigned``); if any is not closed,
  the delete is refused, saying to reassign each ticket first (each then judged as the write it
  is) or to leave the user to a person.
"""

from __future__ import annotations

from dataclasses import replace

from guardrail.crm import lookup_answers
from guardrail.errors import AmbiguousRequest
from guardrail.model import Operation, WriteIntent

SOLVED = frozenset({"solved", "closed"})
#: Incidents named in a refusal.
NAMED = 5


# -- a problem's incidents ------------------------------------------------------------------


def incidents(intent: WriteIntent) -> str | None:
    """The GET of the incidents a ticket update would solve, or None."""
    solving = intent.operation is Operation.UPDATE and intent.fields.get("status") in SOLVED
    if intent.object != "ticket" or not solving or not intent.record_id:
        return None
    return f"/api/v2/tickets/{intent.record_id}/incidents.json"


def may_add_incidents(earlier: WriteIntent, later: WriteIntent) -> bool:
    """Whether ``earlier`` may add to the unsolved incidents solving ``later``'s ticket solves:
    it links a ticket to a problem, or sets its status other than solved."""
    if earlier.object != "ticket":
        return False
    fields = earlier.fields
    reopens = "status" in fields and fields["status"] not in SOLVED
    return fields.get("problem_id") is not None or reopens


def none_unsolved(intent: WriteIntent, status: int, body: bytes) -> WriteIntent:
    """``intent``, when it solves no incident with it. Raises AmbiguousRequest (it would),
    RecordNotFound, InvalidSession or LookupFailed."""
    unknown = f"which incidents solving ticket {intent.record_id} would solve with it"
    named = _unless(intent, status, body, unknown, SOLVED, "more incidents")
    if named is None:
        return intent
    raise AmbiguousRequest(
        f"Ticket {intent.record_id} is the problem ticket of {named}: "
        "solving it solves each of them too, its comment added to each, writes crm-guardrail "
        "cannot judge here. Solve each incident on its own first (PUT /api/v2/tickets/{id}), "
        "or leave the problem ticket to a person."
    )


def _unless(
    intent: WriteIntent,
    status: int,
    body: bytes,
    unknown: str,
    done: frozenset[str],
    unnamed: str,
) -> str | None:
    """The tickets a look-up about ``intent``'s record answered whose status is not one of
    ``done``, named (the first NAMED, "and more" past them; ``unnamed`` when only a next page
    holds them), or None when none is. Raises RecordNotFound (no such record), LookupFailed
    (``unknown``: what crm-guardrail could not tell) or InvalidSession."""
    found = lookup_answers.answer(status, body, lookup_answers.gone(intent))
    listed = found.get("tickets") if isinstance(found, dict) else None
    if not isinstance(found, dict) or not isinstance(listed, list):
        raise lookup_answers.failed(f"tell {unknown}", "Zendesk", status)
    open_ = [t for t in listed if not (isinstance(t, dict) and t.get("status") in done)]
    if not open_ and not found.get("next_page"):
        return None
    named = ", ".join(str(t.get("id") if isinstance(t, dict) else "?") for t in open_[:NAMED])
    more = " and more" if len(open_) > NAMED or found.get("next_page") else ""
    return f"{named or unnamed}{more}"


# -- an agent's tickets ---------------------------------------------------------------------


def assigned(intent: WriteIntent) -> str | None:
    """The GET of the tickets a user delete would hand over, or None."""
    deleting = intent.object == "user" and intent.operation is Operation.DELETE
    return f"/api/v2/users/{intent.record_id}/tickets/assigned.json" if (
        deleting and intent.record_id) else None  # fmt: skip


def none_handed_over(intent: WriteIntent, status: int, body: bytes) -> WriteIntent:
    """``intent``, when the user it deletes holds no ticket that is not closed. Raises
    AmbiguousRequest (they do), RecordNotFound, InvalidSession or LookupFailed."""
    unknown = f"which tickets are assigned to user {intent.record_id}"
    named = _unless(intent, status, body, unknown, frozenset({"closed"}), "more")
    if named is None:
        return intent
    raise AmbiguousRequest(
        f"User {intent.record_id} is the assignee of tickets ({named}) that "
        "are not closed, and deleting them reassigns each to the one deleting them, writes "
        "crm-guardrail cannot judge here. Reassign each ticket first (PUT "
        "/api/v2/tickets/{id} with assignee_id), or leave the user to a person."
    )


# -- how public a comment not saying is --------------------------------------------------------


def first_comment(intent: WriteIntent) -> str | None:
    """The GET of the ticket's first comment, when an update adds a comment not saying whether
    it is public; else None."""
    unsaid = "comment.body" in intent.fields and "comment.public" not in intent.fields
    if intent.object != "ticket" or intent.operation is not Operation.UPDATE or not unsaid:
        return None
    return f"/api/v2/tickets/{intent.record_id}/comments.json?sort_order=asc&per_page=1"


def as_public_as_first(intent: WriteIntent, status: int, body: bytes) -> WriteIntent:
    """``intent`` with ``comment.public`` as the ticket's first comment's. Raises
    RecordNotFound (no such ticket), InvalidSession or LookupFailed."""
    found = lookup_answers.answer(status, body, lookup_answers.gone(intent))
    listed = found.get("comments") if isinstance(found, dict) else None
    first = listed[0] if isinstance(listed, list) and listed else None
    public = first.get("public") if isinstance(first, dict) else None
    if not isinstance(public, bool):
        raise lookup_answers.failed(
            f"read ticket {intent.record_id}'s first comment",
            "Zendesk",
            status,
            so="and a comment that does not say whether it is public is as public as that one, "
            "so it cannot judge the write",
            then='Say it: comment {"public": true} for a reply, false for a private note.',
        )
    return replace(intent, fields={**intent.fields, "comment.public": public})
