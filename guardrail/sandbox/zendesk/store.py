"""The sandbox Zendesk account's records in memory, saved with Zendesk's semantics.

Tickets, their comments, users, organizations and groups, with integer ids. Every write goes
through here: validation as Zendesk answers it (422 RecordInvalid naming the field), defaults,
triggers; a comment is as public as the ticket's first unless it says; solving a problem
ticket solves its incidents (its solving comment added to each). A deleted ticket is gone to
the API (404 RecordNotFound). Every record an API call changes is appended to ``changes``
(the Salesforce sandbox's change log, shared), so the differential tests can hold it against
the writes the proxy allowed. Bulk calls (create_many, update_many, merge) run at once and
leave a job status the API reports as Zendesk does.

Not thread-safe, and needs no locks: the aiohttp server runs it on one event loop.
"""

from __future__ import annotations

import html
import itertools
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from guardrail.sandbox.store import Change
from guardrail.sandbox.traffic import RequestCounter
from guardrail.sandbox.zendesk import markdown, seed
from guardrail.sandbox.zendesk.errors import ZendeskError, invalid, not_found, record_invalid
from guardrail.sandbox.zendesk.fields import (
    PRIORITIES,
    STATUSES,
    TICKET_FIELDS,
    TYPES,
    TicketField,
    check_custom_fields,
    custom_fields,
    merged_custom_fields,
    selected_by_tags,
    tags_of_options,
)
from guardrail.sandbox.zendesk.triggers import Trigger

Row = dict[str, Any]
OBJECTS = ("ticket", "comment", "user", "organization", "group")
ROLES = ("end-user", "agent", "admin")
_FIRST_ID = {"ticket": 1001, "comment": 900_001, "user": 50_001, "organization": 60_001,
             "audit": 800_001}  # fmt: skip


class ZendeskStore:
    """In-memory records of the sandbox Zendesk account, and the API requests that reached it."""

    def __init__(
        self,
        *,
        seed_data: bool = True,
        triggers: Sequence[Trigger] = (),
        ticket_fields: Sequence[TicketField] = TICKET_FIELDS,
    ) -> None:
        self.triggers: tuple[Trigger, ...] = tuple(triggers)
        #: The account's ticket fields: what ticket_fields lists and custom fields are checked
        #: against (a test gives others to play a changed account: drift).
        self.ticket_fields = tuple(ticket_fields)
        self._custom = custom_fields(self.ticket_fields)
        self.requests = RequestCounter()
        self.changes: list[Change] = []
        self.jobs: dict[str, Row] = {}
        #: Each ticket's last audit: the write that last changed it, with its Comment event
        #: (``include=last_audits`` sideloads it, as read-back reads a write's comment).
        self.audits: dict[int, Row] = {}
        #: Each user's secondary emails (identities beyond the primary ``email``).
        self.secondary_emails: dict[int, list[str]] = {}
        self._seed = seed_data
        self._rows: dict[str, dict[int, Row]] = {}
        self._ids: dict[str, itertools.count[int]] = {}
        self.reset()

    # -- reading ---------------------------------------------------------------------------

    def get(self, obj: str, record_id: int) -> Row | None:
        row = self._rows[obj].get(record_id)
        return dict(row) if row is not None else None

    def fetch(self, obj: str, record_id: int) -> Row:
        row = self._rows[obj].get(record_id)
        if row is None:
            raise not_found()
        return dict(row)

    def records(self, obj: str) -> list[Row]:
        return [dict(r) for r in self._rows[obj].values()]

    def incidents(self, ticket_id: int) -> list[Row]:
        """The incidents linked to a problem ticket."""
        self.fetch("ticket", ticket_id)
        return [dict(t) for t in self._rows["ticket"].values() if t["problem_id"] == ticket_id]

    def comments(self, ticket_id: int) -> list[Row]:
        self.fetch("ticket", ticket_id)
        return [dict(c) for c in self._rows["comment"].values() if c["ticket_id"] == ticket_id]

    def clear_changes(self) -> None:
        self.changes.clear()

    # -- tickets ---------------------------------------------------------------------------

    def create_ticket(self, data: Any, author: int = seed.AGENT_USER) -> Row:
        data = _record(data, "ticket")
        comment = _comment(data)
        if comment is None and isinstance(data.get("description"), str):
            comment = _comment({"comment": data["description"]})
        if comment is None or not comment["body"].strip():
            raise invalid("description", "Description: cannot be blank", "BlankValue")
        now = _now()
        row: Row = {
            "id": self._next("ticket"), "external_id": None, "type": None, "subject": None,
            "raw_subject": None, "description": comment["body"], "priority": None,
            "status": "new", "recipient": None, "requester_id": author, "submitter_id": author,
            "assignee_id": None, "organization_id": None, "group_id": None,
            "collaborator_ids": [], "follower_ids": [], "email_cc_ids": [], "problem_id": None,
            "has_incidents": False, "is_public": comment["public"], "due_at": None, "tags": [],
            "custom_fields": merged_custom_fields([], [], self._custom),
            "satisfaction_rating": None,
            "via": {"channel": "api", "source": {"from": {}, "to": {}, "rel": None}},
            "brand_id": 10_001, "created_at": now, "updated_at": now,
        }  # fmt: skip
        row.update(self._ticket_changes(data, row, creating=True))
        requester = self._rows["user"].get(row["requester_id"]) or {}
        if row["organization_id"] is None and "organization_id" not in data:
            row["organization_id"] = requester.get("organization_id")
        organization = self._rows["organization"].get(row["organization_id"]) or {}
        if row["group_id"] is None and "group_id" not in data:
            # "new tickets from users in this organization are automatically put in this group"
            row["group_id"] = organization.get("group_id")
        # the requester's tags and their organization's are added to the ticket (user and
        # organization tagging), where an option's tag selects it
        tags = sorted({*row["tags"], *requester.get("tags", []), *organization.get("tags", [])})
        if tags != row["tags"]:
            values = selected_by_tags(row["custom_fields"], row["tags"], tags, self._custom)
            row.update(custom_fields=values, tags=tags_of_options(tags, values, self._custom))
        row["fields"] = row["custom_fields"]
        self._fire("ticket", "create", row)
        self._put("ticket", row, "create")
        # the submitter is the first comment's author, unless the comment names one
        first = self._add_comment(row["id"], comment, row["submitter_id"], now)
        self._audit(row, author, first)
        return dict(row)

    def update_ticket(self, ticket_id: int, data: Any, author: int = seed.AGENT_USER) -> Row:
        data = _record(data, "ticket")
        current = self.fetch("ticket", ticket_id)
        if current["status"] == "closed":
            raise invalid("status", "Status: closed prevents ticket update", "ClosedTicket")
        if data.get("safe_update") and data.get("updated_stamp") != current["updated_at"]:
            raise ZendeskError(409, {
                "error": "UpdateConflict",
                "description": "Safe Update prevented the update due to outdated ticket data. "
                "Please fetch the latest ticket data and try again.",
            })  # fmt: skip
        comment = _comment(data)
        given = data.get("comment")
        if comment is not None and not (isinstance(given, dict) and "public" in given):
            # "The initial value set on ticket creation persists for any additional comment
            # unless you change it": the first comment's visibility
            comment["public"] = self.comments(ticket_id)[0]["public"]
        row = {**current, **self._ticket_changes(data, current)}
        row["fields"] = row["custom_fields"]
        row["updated_at"] = _now()
        self._fire("ticket", "update", row)
        self._put("ticket", row, "update")
        added = None
        if comment is not None and comment["body"].strip():
            added = self._add_comment(ticket_id, comment, author, row["updated_at"])
        self._audit(row, author, added)
        if row["type"] == "problem" and _solved(row) and not _solved(current):
            # solving a problem solves its incidents, its solving comment added to each
            for incident in self.incidents(ticket_id):
                if not _solved(incident):
                    solving: Row = {"status": "solved"}
                    if added is not None:
                        solving["comment"] = {"body": added["body"], "public": added["public"]}
                    self.update_ticket(incident["id"], solving, author)
        return dict(row)

    def delete(self, obj: str, record_id: int, author: int = seed.AGENT_USER) -> Row:
        """Delete a ticket, user or organization (a user soft-deleted: Zendesk answers it
        with ``active`` false); what it was. A user who requested a ticket that is not closed
        is kept (422); an agent's tickets that are not closed go to ``author``, the one
        deleting them ("Downgrading and removing an agent"; the sandbox does not model group
        membership, which sends a ticket to its group's first agent instead)."""
        row = self.fetch(obj, record_id)
        if obj == "user":
            self._hand_over(record_id, author)
        del self._rows[obj][record_id]
        self.changes.append(Change(obj, str(record_id), "delete"))
        return {**row, "active": False} if obj == "user" else row

    def assigned(self, user_id: int) -> list[Row]:
        """The tickets assigned to a user."""
        self.fetch("user", user_id)
        return [dict(t) for t in self._rows["ticket"].values() if t["assignee_id"] == user_id]

    def _hand_over(self, user_id: int, author: int) -> None:
        """Before a user is deleted: refuse if they requested a ticket that is not closed, and
        reassign the ones assigned to them to ``author``."""
        unclosed = [t for t in self._rows["ticket"].values() if t["status"] != "closed"]
        requested = sum(t["requester_id"] == user_id for t in unclosed)
        if requested:
            raise invalid(
                "base", f"User is requester on {requested} tickets that are not closed.",
                "UserRequesterOnOpenTickets",
            )  # fmt: skip
        for ticket in unclosed:
            if ticket["assignee_id"] == user_id:
                ticket.update(assignee_id=author, updated_at=_now())
                self.changes.append(Change("ticket", str(ticket["id"]), "update"))

    def merge(self, target: int, sources: Sequence[int], body: Mapping[str, Any]) -> None:
        """Merge ``sources`` into ``target``: each source gets a comment and is closed. The
        comments are private, as asked, or whatever was asked when any of the tickets is
        private (none of its comments public): "Comments are private and can't be modified"."""
        self.fetch("ticket", target)
        for source in sources:
            self.fetch("ticket", source)
        if target in sources or not sources:
            raise invalid("ids", "Ids: must name tickets other than the target", "InvalidValue")
        private = any(not any(c["public"] for c in self.comments(t)) for t in (target, *sources))

        def public(which: str) -> Any:
            return False if private else body.get(f"{which}_comment_is_public", False)

        for source in sources:
            note = body.get("source_comment") or (
                f"This request was closed and merged into request #{target}."
            )
            self.update_ticket(source, {
                "status": "closed",
                "comment": {"body": note, "public": public("source")},
                "additional_tags": ["closed_by_merge"],
            })  # fmt: skip
        text = (
            body.get("target_comment")
            or "Requests "
            + ", ".join(f"#{s}" for s in sources)
            + " were closed and merged into this request."
        )
        self.update_ticket(
            target,
            {"comment": {"body": text, "public": public("target")}},
        )

    # -- users and organizations ----------------------------------------------------------

    def create_user(self, data: Any) -> Row:
        data = _record(data, "user")
        if not isinstance(data.get("name"), str) or not data["name"].strip():
            raise invalid("name", "Name: is too short (minimum one character)", "ValueTooShort")
        now = _now()
        row: Row = {
            "id": self._next("user"), "name": None, "email": None, "role": "end-user",
            "organization_id": None, "phone": None, "external_id": None, "active": True,
            "verified": False, "details": "", "notes": "", "tags": [], "user_fields": {},
            "time_zone": "UTC", "locale": "en-US", "default_group_id": None,
            "created_at": now, "updated_at": now,
        }  # fmt: skip
        row.update(self._user_changes(data, None))
        if row["organization_id"] is None and isinstance(row["email"], str):
            # user mapping: a new user whose email is in an organization's domain joins it
            domain = row["email"].rpartition("@")[2].lower()
            row["organization_id"] = next(
                (o["id"] for o in self._rows["organization"].values()
                 if domain in (d.lower() for d in o.get("domain_names") or [])),
                None,
            )  # fmt: skip
        self._fire("user", "create", row)
        self._put("user", row, "create")
        return dict(row)

    def update_user(self, user_id: int, data: Any) -> Row:
        """Update a user; a new email is added as a secondary one (the primary stays), as
        Zendesk documents (``email``: writeable on create only)."""
        data = _record(data, "user")
        current = self.fetch("user", user_id)
        email, added = data.get("email"), None
        known = any(same_text(e, email) for e in self.emails(user_id))
        if current["email"] and email is not None and not known:
            added = self._free_email(email, user_id)
            data = {k: v for k, v in data.items() if k != "email"}
        row = {**current, **self._user_changes(data, user_id), "updated_at": _now()}
        self._fire("user", "update", row)
        self._put("user", row, "update")
        if added is not None:
            self.secondary_emails.setdefault(user_id, []).append(added)
        return dict(row)

    def emails(self, user_id: int) -> list[str]:
        """A user's emails: the primary, then the secondary ones."""
        primary = self._rows["user"].get(user_id, {}).get("email")
        return ([primary] if primary else []) + self.secondary_emails.get(user_id, [])

    def create_or_update_user(self, data: Any) -> tuple[Row, bool]:
        """Update the user with the body's email or external_id, else create one."""
        data = _record(data, "user")
        match = self._match("user", data, ("email", "external_id"))
        if match is None:
            return self.create_user(data), True
        return self.update_user(match, data), False

    def create_organization(self, data: Any) -> Row:
        data = _record(data, "organization")
        if not isinstance(data.get("name"), str) or not data["name"].strip():
            raise invalid("name", "Name: cannot be blank", "BlankValue")
        now = _now()
        row: Row = {
            "id": self._next("organization"), "name": None, "external_id": None,
            "domain_names": [], "details": None, "notes": None, "group_id": None,
            "shared_tickets": False, "shared_comments": False, "tags": [],
            "organization_fields": {}, "created_at": now, "updated_at": now,
        }  # fmt: skip
        row.update(self._organization_changes(data, None))
        self._fire("organization", "create", row)
        self._put("organization", row, "create")
        return dict(row)

    def update_organization(self, org_id: int, data: Any) -> Row:
        data = _record(data, "organization")
        current = self.fetch("organization", org_id)
        row = {**current, **self._organization_changes(data, org_id), "updated_at": _now()}
        self._fire("organization", "update", row)
        self._put("organization", row, "update")
        return dict(row)

    def create_or_update_organization(self, data: Any) -> tuple[Row, bool]:
        """Update the organization with the body's id or external_id, else create one."""
        data = _record(data, "organization")
        match = self._match("organization", data, ("id", "external_id"))
        if match is None:
            return self.create_organization(data), True
        return self.update_organization(match, data), False

    # -- bulk jobs ---------------------------------------------------------------------------

    def run_job(self, total: int, work: Callable[[], list[Row]]) -> Row:
        """Run a bulk call now; its job status (``completed``, with ``results``) is kept for
        ``GET /api/v2/job_statuses/{id}.json``. Returns the status as first answered
        (``queued``), as Zendesk answers a bulk call before it runs."""
        job_id = secrets.token_hex(16)
        results = work()
        self.jobs[job_id] = {
            "id": job_id, "job_type": "bulk", "total": total, "progress": total,
            "status": "completed", "message": f"Completed at {_now()}", "results": results,
        }  # fmt: skip
        return {**self.jobs[job_id], "progress": None, "status": "queued", "message": None,
                "results": None}  # fmt: skip

    # -- admin -----------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the seed: the groups and the agent always, the customers if seeded."""
        self._rows = {o: {} for o in OBJECTS}
        self._ids = {o: itertools.count(n) for o, n in _FIRST_ID.items()}
        self.jobs = {}
        self.audits = {}
        self.secondary_emails = {}
        at = seed.SEED_TIMESTAMP
        for group_id, name in seed.GROUPS.items():
            self._rows["group"][group_id] = {
                "id": group_id, "name": name, "description": "", "default": False,
                "deleted": False, "created_at": at, "updated_at": at,
            }  # fmt: skip
        triggers, self.triggers = self.triggers, ()
        for org in seed.ORGANIZATIONS if self._seed else ():
            self._seeded("organization", org, self.create_organization)
        for user in seed.USERS if self._seed else seed.USERS[:1]:
            self._seeded("user", user, self.create_user)
        for ticket in seed.TICKETS if self._seed else ():
            self._seeded("ticket", ticket, self.create_ticket)
        self.triggers = triggers
        self.changes = []

    def _seeded(self, obj: str, values: Row, create: Callable[[Any], Row]) -> None:
        made = create({k: v for k, v in values.items() if k != "id"})
        row = self._rows[obj].pop(made["id"])
        row.update(id=values["id"], created_at=seed.SEED_TIMESTAMP, updated_at=seed.SEED_TIMESTAMP)
        self._rows[obj][values["id"]] = row
        for comment in self._rows["comment"].values():
            if obj == "ticket" and comment["ticket_id"] == made["id"]:
                comment["ticket_id"] = values["id"]
        if obj == "ticket":
            self.audits[values["id"]] = {**self.audits.pop(made["id"]), "ticket_id": values["id"]}

    # -- internals -------------------------------------------------------------------------

    def _ticket_changes(self, data: Mapping[str, Any], current: Row, creating: bool = False) -> Row:
        found: Row = {}
        errors: dict[str, list[dict[str, str]]] = {}

        def bad(field: str, description: str, error: str = "InvalidValue") -> None:
            errors.setdefault(field, []).append({"description": description, "error": error})

        for key, choices in (("status", STATUSES), ("priority", PRIORITIES), ("type", TYPES)):
            if key in data:
                if data[key] is not None and data[key] not in choices:
                    bad(key, f"{key.title()}: {data[key]!r} is not valid")
                found[key] = data[key]
        if data.get("problem_id") is not None:  # an incident links to a problem ticket
            problem = self._rows["ticket"].get(_id(data["problem_id"]))
            if problem is None or problem["type"] != "problem":
                bad("problem_id", "Problem: is invalid")
            else:
                found["problem_id"] = problem["id"]
        elif "problem_id" in data:
            found["problem_id"] = None
        for key in ("subject", "external_id", "due_at"):
            if key in data:
                found[key] = data[key]
                if key == "subject":
                    found["raw_subject"] = data[key]
        for key, obj, what in (
            ("requester_id", "user", "requester"),
            ("assignee_id", "user", "assignee"),
            ("organization_id", "organization", "organization"),
            ("group_id", "group", "group"),
        ):
            if key in data:
                value = _id(data[key])
                row = self._rows[obj].get(value) if isinstance(value, int) else None
                if value is None and key != "requester_id":
                    found[key] = None
                elif row is None or (key == "assignee_id" and row["role"] == "end-user"):
                    bad(what, f"{what.title()}: is invalid")
                else:
                    found[key] = value
        assigned = found.get("assignee_id")
        assignee = self._rows["user"].get(assigned) if isinstance(assigned, int) else None
        if (
            assignee
            and "group_id" not in data
            and current.get("group_id") != (assignee.get("default_group_id"))
        ):  # a ticket is never assigned to an agent outside a group: the agent's own
            found["group_id"] = assignee.get("default_group_id")
        # CCs, email CCs and followers: lists of user ids that replace the ticket's (followers
        # are agents); the submitter is set on create only (the first comment's author)
        for key, what in (("collaborator_ids", "collaborators"), ("email_cc_ids", "email_ccs"),
                          ("follower_ids", "followers")):  # fmt: skip
            if key in data:
                users = [self._rows["user"].get(_id(u)) for u in data[key] or []]
                if any(u is None or (key == "follower_ids" and u["role"] == "end-user")
                       for u in users):  # fmt: skip
                    bad(what, f"{what.title()}: is invalid")
                else:
                    found[key] = [u["id"] for u in users if u is not None]
        given = data.get("comment")
        author = given.get("author_id") if isinstance(given, dict) else None
        if author is not None and self._rows["user"].get(_id(author)) is None:
            bad("author", "Author: is invalid")
        if "submitter_id" in data and creating:
            if self._rows["user"].get(_id(data["submitter_id"])) is None:
                bad("submitter", "Submitter: is invalid")
            else:
                found["submitter_id"] = _id(data["submitter_id"])
        # a drop-down's options are tags: the fields follow the tags a write sets, then the
        # tags follow the fields it sets (Zendesk's "Understanding tags and ticket fields")
        tags, values = list(current.get("tags", [])), current["custom_fields"]
        if "tags" in data:
            tags = _tags(data["tags"])
        if "additional_tags" in data:
            tags = sorted({*tags, *_tags(data["additional_tags"])})
        if "remove_tags" in data:
            tags = sorted(set(tags) - set(_tags(data["remove_tags"])))
        if {"tags", "additional_tags", "remove_tags"} & data.keys():
            values = selected_by_tags(values, current.get("tags", []), tags, self._custom)
        for key in ("custom_fields", "fields"):
            if key in data:
                try:
                    changes = check_custom_fields(data[key], self._custom) or []
                except ZendeskError as exc:
                    for field, items in exc.body["details"].items():
                        errors.setdefault(field, []).extend(items)
                    continue
                values = merged_custom_fields(values, changes, self._custom)
        if values is not current["custom_fields"] or tags != current.get("tags", []):
            found["custom_fields"] = values
            found["tags"] = tags_of_options(tags, values, self._custom)
        people = self._collaborators(data, current, creating, bad)
        if errors:
            raise record_invalid(errors)
        if people is not None:  # new users made only once the write is valid
            found["collaborator_ids"] = [p if isinstance(p, int) else self._new_person(*p)
                                         for p in people]  # fmt: skip
        return found

    def _collaborators(
        self,
        data: Mapping[str, Any],
        current: Row,
        creating: bool,
        bad: Callable[[str, str], None],
    ) -> list[int | tuple[str, str]] | None:
        """The CCs ``collaborators`` (a create's) or ``additional_collaborators`` (an update's,
        added to the ticket's) name, as Zendesk documents ("Setting collaborators"): each a user
        id, an email, or ``{name, email}``; an email no user has is a new end user, made on the
        fly, given as ``(name, email)``. None when the write names none."""
        key = "collaborators" if creating else "additional_collaborators"
        if key not in data:
            return None
        given = data[key]
        if not isinstance(given, list):
            bad("collaborators", "Collaborators: must be a list")
            return None
        people: list[int | tuple[str, str]] = [] if creating else list(current["collaborator_ids"])
        for entry in given:
            if isinstance(entry, dict):
                name, email = entry.get("name"), entry.get("email")
            else:
                name, email = None, entry
            user = _id(email)
            if isinstance(user, int) and not isinstance(user, bool):
                if self._rows["user"].get(user) is None:
                    bad("collaborators", "Collaborators: is invalid")
                    continue
                found: int | tuple[str, str] = user
            elif isinstance(email, str) and "@" in email:
                match = self._match("user", {"email": email}, ("email",))
                label = name if isinstance(name, str) and name.strip() else email.partition("@")[0]
                found = match if match is not None else (label, email)
            else:
                bad("collaborators", "Collaborators: is invalid")
                continue
            if found not in people:
                people.append(found)
        return people

    def _new_person(self, name: str, email: str) -> int:
        """The end user a CC by an email no user has makes (or one this write made already)."""
        made = self._match("user", {"email": email}, ("email",))
        if made is None:
            made = int(self.create_user({"name": name, "email": email})["id"])
        return made

    def _user_changes(self, data: Mapping[str, Any], user_id: int | None) -> Row:
        found: Row = {}
        for key in ("name", "phone", "external_id", "details", "notes", "verified", "time_zone",
                    "default_group_id"):  # fmt: skip
            if key in data:
                found[key] = data[key]
        if "email" in data:
            found["email"] = self._free_email(data["email"], user_id)
        if "role" in data:
            if data["role"] not in ROLES:
                raise invalid("role", f"Role: {data['role']!r} is not valid")
            found["role"] = data["role"]
        if "organization_id" in data:
            org = data["organization_id"]
            if org is not None and self._rows["organization"].get(org) is None:
                raise invalid("organization_id", "Organization: is invalid")
            found["organization_id"] = org
        if "tags" in data:
            found["tags"] = _tags(data["tags"])
        if "user_fields" in data and isinstance(data["user_fields"], dict):
            found["user_fields"] = dict(data["user_fields"])
        return found

    def _free_email(self, email: Any, user_id: int | None) -> Any:
        """``email`` if ``user_id`` may have it: well formed, and no other user's."""
        if email is not None and (not isinstance(email, str) or "@" not in email):
            raise invalid("email", f"Email: {email} is not properly formatted")
        taken = self._match("user", {"email": email}, ("email",)) if email else None
        if taken is not None and taken != user_id:
            raise invalid(
                "email", f"Email: {email} is already being used by another user",
                "DuplicateValue",
            )  # fmt: skip
        return email

    def _organization_changes(self, data: Mapping[str, Any], org_id: int | None) -> Row:
        found: Row = {}
        for key in ("external_id", "details", "notes", "shared_tickets", "shared_comments"):
            if key in data:
                found[key] = data[key]
        if "name" in data:
            name = data["name"]
            if not isinstance(name, str) or not name.strip():
                raise invalid("name", "Name: cannot be blank", "BlankValue")
            taken = self._match("organization", {"name": name}, ("name",))
            if taken is not None and taken != org_id:
                raise invalid("name", "Name: has already been taken", "DuplicateValue")
            found["name"] = name
        if "domain_names" in data:
            found["domain_names"] = _texts(data["domain_names"])
        if "group_id" in data:
            group = _id(data["group_id"])
            if group is not None and self._rows["group"].get(group) is None:
                raise invalid("group", "Group: is invalid")
            found["group_id"] = group
        if "tags" in data:
            found["tags"] = _tags(data["tags"])
        if "organization_fields" in data and isinstance(data["organization_fields"], dict):
            found["organization_fields"] = dict(data["organization_fields"])
        return found

    def _match(self, obj: str, data: Mapping[str, Any], keys: Sequence[str]) -> int | None:
        """The record whose ``keys`` (in order) equal the data's: an id as a number, any other
        as text in any case (Zendesk casts an external id to text and finds it ignoring
        case)."""
        for key in keys:
            value = _id(data.get(key)) if key == "id" else data.get(key)
            if value is None:
                continue
            for row in self._rows[obj].values():
                same = row.get(key) == value
                if key != "id" and row.get(key) is not None:
                    same = same_text(row[key], value)
                if obj == "user" and key == "email":
                    same = any(same_text(e, value) for e in self.emails(int(row["id"])))
                if same:
                    return int(row["id"])
        return None

    def _audit(self, row: Row, author: int, comment: Row | None) -> None:
        event = {k: v for k, v in (comment or {}).items() if k not in ("ticket_id", "created_at")}
        self.audits[row["id"]] = {
            "id": next(self._ids["audit"]), "ticket_id": row["id"], "author_id": author,
            "created_at": row["updated_at"], "events": [event] if comment else [],
        }  # fmt: skip

    def _add_comment(self, ticket_id: int, comment: Row, author: int, at: str) -> Row:
        row = {
            "id": self._next("comment"), "type": "Comment", "ticket_id": ticket_id,
            "author_id": _id(comment.get("author_id")) or author, "body": comment["body"],
            "html_body": comment["html_body"], "plain_body": comment["plain_body"],
            "public": comment["public"], "attachments": [], "created_at": at,
        }  # fmt: skip
        self._put("comment", row, "create")
        return row

    def _fire(self, obj: str, operation: str, row: Row) -> None:
        for trigger in self.triggers:
            if trigger.applies(obj, operation, row):
                trigger.apply(row)

    def _put(self, obj: str, row: Row, kind: str) -> None:
        self._rows[obj][row["id"]] = row
        self.changes.append(Change(obj, str(row["id"]), kind))

    def _next(self, obj: str) -> int:
        return next(self._ids[obj])


def _solved(ticket: Row) -> bool:
    return ticket["status"] in ("solved", "closed")


def _record(data: Any, what: str) -> Row:
    if not isinstance(data, dict):
        raise invalid(what, f"{what.title()}: must be an object")
    return data


def _comment(data: Mapping[str, Any]) -> Row | None:
    given = data.get("comment")
    if given is None:
        return None
    if isinstance(given, str):
        given = {"body": given}
    if not isinstance(given, dict):
        raise invalid("comment", "Comment: must be an object with a body")
    markup = given.get("html_body") if "body" not in given else None
    body = given.get("body") if markup is None else _plain(markup)
    if not isinstance(body, str):
        raise invalid("comment", "Comment: body must be text")
    public = given.get("public", True)
    if not isinstance(public, bool):
        raise invalid("comment", "Comment: public must be true or false")
    html_body = markup if isinstance(markup, str) else markdown.rendered(body)
    return {"body": body, "html_body": html_body, "plain_body": _plain(html_body),
            "public": public, "author_id": given.get("author_id")}  # fmt: skip


def _plain(markup: Any) -> Any:
    """An ``html_body``'s text, as Zendesk saves it in ``body`` and ``plain_body``."""
    return html.unescape(re.sub(r"<[^>]*>", "", markup)) if isinstance(markup, str) else markup


def _id(value: Any) -> Any:
    """An id as Zendesk reads it: a number, or its digits in text."""
    return int(value) if isinstance(value, str) and is_digits(value) else value


def is_digits(text: str) -> bool:
    """Whether ``text`` is ASCII digits, as Rails reads an id (Ruby's ``\\d`` is ASCII;
    Python's ``isdigit`` takes fullwidth and other digits too)."""
    return text.isascii() and text.isdigit()


def same_text(saved: Any, given: Any) -> bool:
    """Whether ``given`` names ``saved`` as Zendesk matches an email, a name or an external
    id: as text, in any case."""
    return str(saved).lower() == str(given).lower()


def _texts(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise invalid("tags", "Tags: must be a list of text")
    return sorted(set(value))


def _tags(value: Any) -> list[str]:
    """Tags as Zendesk saves them: lower-cased, and a tag with spaces split into one tag per
    word (``"vip refund_issued"`` is the two tags ``vip`` and ``refund_issued``)."""
    return sorted({word for tag in _texts(value) for word in tag.lower().split()})


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
