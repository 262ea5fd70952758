"""The sandbox instance's data model: its tables, their fields and choice lists.

What ``sys_dictionary`` and ``sys_choice`` describe, and what the Table API saves. Field names,
internal types and choice values follow the platform's (an incident's ``state`` 1 New ... 7
Closed, its ``close_code`` choices, ``impact``/``urgency`` 1-3); the case ``category`` and
``resolution_code`` lists are the contact center's, as an instance configures its own.
Every value is text, as the Table API returns it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """``sys_dictionary.internal_type`` of the fields the sandbox models."""

    STRING = "string"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    REFERENCE = "reference"
    JOURNAL = "journal_input"
    HTML = "html"  # shown rendered as HTML
    DATETIME = "glide_date_time"
    SYS_ID = "GUID"


@dataclass(frozen=True, slots=True)
class Column:
    """One field. ``choices`` (value -> label) makes it a choice list (``choice`` 1 in
    ``sys_dictionary``); ``reference`` names the table a reference points at."""

    name: str
    label: str
    kind: Kind = Kind.STRING
    max_length: int = 40
    choices: Mapping[str, str] = field(default_factory=dict)
    reference: str | None = None
    mandatory: bool = False
    read_only: bool = False
    default: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    """A table: its fields by name, the field that is its display value, and the prefix of
    the numbers it gives records (``INC``), if any."""

    name: str
    label: str
    columns: Mapping[str, Column]
    display: str
    number_prefix: str | None = None
    first_number: int = 1001


def _table(
    name: str,
    label: str,
    display: str,
    *columns: Column,
    number_prefix: str | None = None,
    first_number: int = 1001,
) -> Table:
    system = (
        Column("sys_id", "Sys ID", Kind.SYS_ID, 32, read_only=True),
        Column("sys_created_on", "Created", Kind.DATETIME, read_only=True),
        Column("sys_created_by", "Created by", read_only=True),
        Column("sys_updated_on", "Updated", Kind.DATETIME, read_only=True),
        Column("sys_updated_by", "Updated by", read_only=True),
        Column("sys_mod_count", "Updates", Kind.INTEGER, read_only=True),
        Column("sys_class_name", "Class", Kind.STRING, 80, read_only=True),
    )
    if number_prefix:
        columns = (Column("number", "Number", read_only=True), *columns)
    return Table(
        name,
        label,
        {c.name: c for c in (*system, *columns)},
        display,
        number_prefix,
        first_number,
    )


def _text(name: str, label: str, length: int = 160, *, mandatory: bool = False) -> Column:
    return Column(name, label, Kind.STRING, length, mandatory=mandatory)


def _ref(name: str, label: str, table: str) -> Column:
    return Column(name, label, Kind.REFERENCE, 32, reference=table)


def _choice(name: str, label: str, choices: Mapping[str, str], *, default: str = "") -> Column:
    return Column(name, label, Kind.STRING, 40, choices=choices, default=default)


def _journal(name: str, label: str) -> Column:
    return Column(name, label, Kind.JOURNAL, 4000)


IMPACT = {"1": "1 - High", "2": "2 - Medium", "3": "3 - Low"}
PRIORITY = {
    "1": "1 - Critical",
    "2": "2 - High",
    "3": "3 - Moderate",
    "4": "4 - Low",
    "5": "5 - Planning",
}
INCIDENT_STATE = {
    "1": "New",
    "2": "In Progress",
    "3": "On Hold",
    "6": "Resolved",
    "7": "Closed",
    "8": "Canceled",
}
CLOSE_CODES = {
    c: c
    for c in (
        "Solved (Work Around)",
        "Solved (Permanently)",
        "Solved Remotely (Work Around)",
        "Solved Remotely (Permanently)",
        "Not Solved (Not Reproducible)",
        "Not Solved (Too Costly)",
        "Closed/Resolved by Caller",
    )
}
CASE_STATE = {
    "1": "New",
    "10": "Open",
    "18": "Awaiting Info",
    "6": "Resolved",
    "3": "Closed",
    "7": "Cancelled",
}
CASE_CATEGORY = {
    "billing": "Billing",
    "technical": "Technical",
    "return": "Return",
    "account_closure": "Account Closure",
    "complaint": "Complaint",
    "other": "Other",
}
RESOLUTION_CODES = {
    "solved": "Solved",
    "refund_issued": "Refund Issued",
    "escalated": "Escalated",
    "transferred": "Transferred",
    "callback_scheduled": "Callback Scheduled",
    "not_solved": "Not Solved",
    "customer_hung_up": "Customer Hung Up",
}
CONTACT_TYPE = {
    "phone": "Phone",
    "email": "Email",
    "web": "Web",
    "chat": "Chat",
    "self-service": "Self-service",
    "walk-in": "Walk-in",
}
INTERACTION_STATE = {
    "new": "New",
    "work_in_progress": "Work in Progress",
    "on_hold": "On Hold",
    "closed_complete": "Closed Complete",
    "closed_abandoned": "Closed Abandoned",
}
INTERACTION_TYPE = {"phone": "Phone", "chat": "Chat", "email": "Email", "walk-up": "Walk-up"}

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        _table(
            "task",
            "Task",
            "number",
            _text("short_description", "Short description", 160),
            _text("description", "Description", 4000),
            _ref("assignment_group", "Assignment group", "sys_user_group"),
            _ref("assigned_to", "Assigned to", "sys_user"),
            _journal("work_notes", "Work notes"),
            _journal("comments", "Additional comments"),
            number_prefix="TASK",
        ),
        _table(
            "sys_user",
            "User",
            "name",
            _text("user_name", "User ID", 40),
            _text("first_name", "First name", 50),
            _text("last_name", "Last name", 50),
            _text("name", "Name", 151),
            _text("email", "Email", 100),
            _text("phone", "Business phone", 40),
            Column("active", "Active", Kind.BOOLEAN, default="true"),
        ),
        _table(
            "sys_user_group",
            "Group",
            "name",
            _text("name", "Name", 80, mandatory=True),
            _text("description", "Description", 1000),
            _text("email", "Group email", 100),
            Column("active", "Active", Kind.BOOLEAN, default="true"),
        ),
        _table(
            "customer_account",
            "Account",
            "name",
            _text("name", "Name", 80, mandatory=True),
            _text("phone", "Phone", 40),
            _text("city", "City", 40),
            Column("customer", "Customer", Kind.BOOLEAN, default="true"),
            number_prefix="ACC",
        ),
        _table(
            "customer_contact",
            "Contact",
            "name",
            _text("user_name", "User ID", 40),
            _text("first_name", "First name", 50),
            _text("last_name", "Last name", 50, mandatory=True),
            _text("name", "Name", 151),
            _text("email", "Email", 100),
            _text("phone", "Business phone", 40),
            _ref("account", "Account", "customer_account"),
            Column("active", "Active", Kind.BOOLEAN, default="true"),
        ),
        _table(
            "incident",
            "Incident",
            "number",
            _text("short_description", "Short description", 160, mandatory=True),
            _text("description", "Description", 4000),
            _ref("caller_id", "Caller", "sys_user"),
            _choice(
                "category",
                "Category",
                {
                    "inquiry": "Inquiry / Help",
                    "software": "Software",
                    "hardware": "Hardware",
                    "network": "Network",
                    "database": "Database",
                },
                default="inquiry",
            ),
            _text("subcategory", "Subcategory", 40),
            _choice("contact_type", "Channel", CONTACT_TYPE),
            _choice("state", "State", INCIDENT_STATE, default="1"),
            _choice("impact", "Impact", IMPACT, default="3"),
            _choice("urgency", "Urgency", IMPACT, default="3"),
            _choice("priority", "Priority", PRIORITY, default="5"),
            _ref("assignment_group", "Assignment group", "sys_user_group"),
            _ref("assigned_to", "Assigned to", "sys_user"),
            _ref("parent_incident", "Parent Incident", "incident"),
            _choice("close_code", "Resolution code", CLOSE_CODES),
            _text("close_notes", "Resolution notes", 4000),
            # an HTML field, as an instance adds for formatted text: shown rendered
            Column("u_resolution_details", "Resolution details", Kind.HTML, 65000),
            _journal("work_notes", "Work notes"),
            _journal("comments", "Additional comments"),
            number_prefix="INC",
            first_number=10001,
        ),
        _table(
            "sn_customerservice_case",
            "Case",
            "number",
            _text("short_description", "Short description", 160, mandatory=True),
            _text("description", "Description", 4000),
            _ref("account", "Account", "customer_account"),
            _ref("contact", "Contact", "customer_contact"),
            _choice("category", "Category", CASE_CATEGORY),
            _choice("contact_type", "Channel", CONTACT_TYPE),
            _choice("state", "State", CASE_STATE, default="1"),
            _choice(
                "priority", "Priority", {k: v for k, v in PRIORITY.items() if k != "5"}, default="4"
            ),
            _ref("assignment_group", "Assignment group", "sys_user_group"),
            _ref("assigned_to", "Assigned to", "sys_user"),
            _ref("parent", "Parent", "sn_customerservice_case"),
            _choice("resolution_code", "Resolution code", RESOLUTION_CODES),
            _text("close_notes", "Resolution notes", 4000),
            _journal("work_notes", "Work notes"),
            _journal("comments", "Additional comments"),
            number_prefix="CS",
        ),
        _table(
            "interaction",
            "Interaction",
            "number",
            _choice("type", "Type", INTERACTION_TYPE, default="phone"),
            _choice("state", "State", INTERACTION_STATE, default="new"),
            _text("short_description", "Short description", 160),
            _ref("opened_for", "Opened for", "sys_user"),
            _ref("account", "Account", "customer_account"),
            _ref("contact", "Contact", "customer_contact"),
            _ref("assignment_group", "Assignment group", "sys_user_group"),
            _ref("assigned_to", "Assigned to", "sys_user"),
            _journal("work_notes", "Work notes"),
            number_prefix="IMS",
        ),
    )
}

#: Child table -> the table it extends (``sys_db_object.super_class``): a child's records are
#: its parent's too, read and written through either (the parent's fields only, through the
#: parent), and a reference to the parent may name one.
EXTENDS = {
    "customer_contact": "sys_user",
    "incident": "task",
    "sn_customerservice_case": "task",
}
