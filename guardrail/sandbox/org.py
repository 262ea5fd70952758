"""The sandbox org's data model (DESIGN.md "Sandbox data model").

Field names, labels, lengths and picklists follow a standard Salesforce org with the
contact-center customisations the default policy pack is written against. Labels matter:
Salesforce error messages name fields by label ("Account ID: id value of incorrect type").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from guardrail.sandbox.schema import Field, FieldType, OnDelete, Schema, SObjectType

T = FieldType
_SYSTEM: dict[str, Any] = {"nillable": False, "system": True}


def _text(name: str, label: str, length: int = 255, **kw: Any) -> Field:
    return Field(name, label, T.STRING, length=length, **kw)


def _picklist(
    name: str, label: str, values: tuple[str, ...], *, default: str | None = None, **kw: Any
) -> Field:
    kw.setdefault("restricted_picklist", True)
    return Field(name, label, T.PICKLIST, length=255, picklist=values, default=default, **kw)


def _reference(
    name: str,
    label: str,
    to: tuple[str, ...],
    relationship: str,
    *,
    children: str | None = None,
    on_delete: OnDelete | None = None,
    **kw: Any,
) -> Field:
    return Field(
        name,
        label,
        T.REFERENCE,
        length=18,
        reference_to=to,
        relationship_name=relationship,
        child_relationship=children,
        on_delete=on_delete,
        **kw,
    )


def _owner(to: tuple[str, ...] = ("Group", "User")) -> Field:
    # A system field that stays writable: a create that leaves it out is owned by the running user.
    return _reference("OwnerId", "Owner ID", to, "Owner", **_SYSTEM)


def _readonly(f: Field) -> Field:
    return replace(f, createable=False, updateable=False)


def _external_id() -> Field:
    return _text("External_Id__c", "External ID", external_id=True, unique=True, id_lookup=True)


def _full_name(row: Mapping[str, Any]) -> str:
    return " ".join(p for p in (row.get("FirstName"), row.get("LastName")) if p)


_ID = _readonly(
    Field("Id", "Record ID", T.ID, length=18, nillable=False, system=True, id_lookup=True)
)
_IS_DELETED = _readonly(Field("IsDeleted", "Deleted", T.BOOLEAN, nillable=False, system=True))
_AUDIT = tuple(
    _readonly(f)
    for f in (
        Field("CreatedDate", "Created Date", T.DATETIME, nillable=False, system=True),
        _reference("CreatedById", "Created By ID", ("User",), "CreatedBy", **_SYSTEM),
        Field("LastModifiedDate", "Last Modified Date", T.DATETIME, nillable=False, system=True),
        _reference(
            "LastModifiedById", "Last Modified By ID", ("User",), "LastModifiedBy", **_SYSTEM
        ),
        Field("SystemModstamp", "System Modstamp", T.DATETIME, nillable=False, system=True),
    )
)


#: When the running user last viewed or referenced the record: set by a query FOR VIEW or FOR
#: REFERENCE (guardrail.sandbox.soql), on the objects with a recently viewed list.
_VIEWED = tuple(
    _readonly(Field(name, label, T.DATETIME, system=True))
    for name, label in (("LastViewedDate", "Last Viewed Date"),
                        ("LastReferencedDate", "Last Referenced Date"))
)  # fmt: skip


def _sobject(
    name: str, label: str, plural: str, prefix: str, *fields: Field, **kw: Any
) -> SObjectType:
    return SObjectType(name, label, plural, prefix, (_ID, _IS_DELETED, *fields, *_AUDIT), **kw)


ACCOUNT = _sobject(
    "Account",
    "Account",
    "Accounts",
    "001",
    _text("Name", "Account Name", nillable=False, name_field=True, id_lookup=True),
    Field("Phone", "Account Phone", T.PHONE, length=40),
    _text("BillingCity", "Billing City", 40),
    _picklist("Status__c", "Status", ("Active", "Suspended", "Closed"), default="Active"),
    _text("Closure_Reason__c", "Closure Reason"),
    _external_id(),
    *_VIEWED,
    _owner(("User",)),
)

CONTACT = _sobject(
    "Contact",
    "Contact",
    "Contacts",
    "003",
    _text("FirstName", "First Name", 40),
    _text("LastName", "Last Name", 80, nillable=False),
    _readonly(_text("Name", "Full Name", 121, name_field=True, formula=_full_name)),
    Field("Email", "Email", T.EMAIL, length=80, id_lookup=True),
    Field("Phone", "Business Phone", T.PHONE, length=40),
    _reference(
        "AccountId", "Account ID", ("Account",), "Account", children="Contacts", on_delete="cascade"
    ),
    _external_id(),
    *_VIEWED,
    _owner(("User",)),
)

CASE = _sobject(
    "Case",
    "Case",
    "Cases",
    "500",
    _readonly(
        _text("CaseNumber", "Case Number", 30, name_field=True, auto_number=True, id_lookup=True)
    ),
    _text("Subject", "Subject"),
    Field("Description", "Description", T.TEXTAREA, length=32000),
    # a rich text area, as orgs add for formatted notes: shown as HTML
    Field("Resolution_Notes__c", "Resolution Notes", T.TEXTAREA, length=32768, rich_text=True),
    _picklist(
        "Status", "Status", ("New", "Working", "Escalated", "Closed"), default="New", nillable=False
    ),
    _picklist("Priority", "Priority", ("High", "Medium", "Low"), default="Medium"),
    _picklist("Origin", "Case Origin", ("Phone", "Email", "Web", "Chat")),
    _picklist(
        "Reason",
        "Case Reason",
        ("Billing", "Technical", "Return", "Account Closure", "Complaint", "Other"),
    ),
    # Left unrestricted, as many orgs do, so a bad value is saved and a trigger can repair it.
    _picklist(
        "Type",
        "Case Type",
        ("Question", "Problem", "Feature Request", "Other"),
        restricted_picklist=False,
    ),
    _readonly(
        Field(
            "IsClosed",
            "Closed",
            T.BOOLEAN,
            nillable=False,
            formula=lambda row: row.get("Status") == "Closed",
        )
    ),
    _reference(
        "AccountId", "Account ID", ("Account",), "Account", children="Cases", on_delete="cascade"
    ),
    _reference(
        "ContactId", "Contact ID", ("Contact",), "Contact", children="Cases", on_delete="clear"
    ),
    _reference(
        "ParentId", "Parent Case ID", ("Case",), "Parent", children="Cases", on_delete="clear"
    ),
    _external_id(),
    *_VIEWED,
    _owner(),
    auto_number_format="{0:08d}",
)

CASE_COMMENT = _sobject(
    "CaseComment",
    "Case Comment",
    "Case Comments",
    "00a",
    _reference(
        "ParentId",
        "Parent ID",
        ("Case",),
        "Parent",
        children="CaseComments",
        on_delete="cascade",
        nillable=False,
        updateable=False,
    ),
    Field("CommentBody", "Body", T.TEXTAREA, length=4000),
    Field("IsPublished", "Published", T.BOOLEAN, nillable=False, default=False),
)

TASK = _sobject(
    "Task",
    "Task",
    "Tasks",
    "00T",
    _text("Subject", "Subject"),
    Field("Description", "Comments", T.TEXTAREA, length=32000),
    Field("ActivityDate", "Due Date Only", T.DATE),
    _picklist(
        "Status",
        "Status",
        ("Not Started", "In Progress", "Completed"),
        default="Not Started",
        nillable=False,
    ),
    _picklist("Priority", "Priority", ("High", "Normal", "Low"), default="Normal", nillable=False),
    _reference(
        "WhatId",
        "Related To ID",
        ("Account", "Case", "Refund__c"),
        "What",
        children="Tasks",
        on_delete="cascade",
    ),
    _reference("WhoId", "Name ID", ("Contact",), "Who", children="Tasks", on_delete="cascade"),
    _picklist("CallType", "Call Type", ("Inbound", "Outbound", "Internal")),
    _text("CallDisposition", "Call Result"),
    Field("CallDurationInSeconds", "Call Duration", T.INT, precision=9),
    _owner(("User",)),
)

REFUND = _sobject(
    "Refund__c",
    "Refund",
    "Refunds",
    "a01",
    _readonly(_text("Name", "Refund Number", 80, name_field=True, auto_number=True)),
    Field("Amount__c", "Amount", T.CURRENCY, precision=16, scale=2, nillable=False),
    _picklist(
        "Reason__c", "Reason", ("Damaged Item", "Late Delivery", "Billing Error", "Goodwill")
    ),
    _picklist("Status__c", "Status", ("Requested", "Approved", "Paid"), default="Requested"),
    _reference("Case__c", "Case", ("Case",), "Case__r", children="Refunds__r", on_delete="clear"),
    _reference(
        "Account__c",
        "Account",
        ("Account",),
        "Account__r",
        children="Refunds__r",
        on_delete="clear",
    ),
    _external_id(),
    _owner(),
    auto_number_format="RF-{0:06d}",
)

# Directory objects: the sandbox serves them read-only (the seed provides the rows).
GROUP = _sobject(
    "Group",
    "Group",
    "Groups",
    "00G",
    _text("Name", "Name", 40, name_field=True),
    _text("DeveloperName", "Developer Name", 80),
    _picklist("Type", "Type", ("Queue", "Regular")),
    Field("Email", "Email", T.EMAIL, length=80),
    createable=False,
    updateable=False,
    deletable=False,
)

USER = _sobject(
    "User",
    "User",
    "Users",
    "005",
    _text("Username", "Username", 80, nillable=False, unique=True, id_lookup=True),
    _text("FirstName", "First Name", 40),
    _text("LastName", "Last Name", 80, nillable=False),
    _readonly(_text("Name", "Full Name", 121, name_field=True, formula=_full_name)),
    Field("Email", "Email", T.EMAIL, length=128, nillable=False),
    _text("Alias", "Alias", 8, nillable=False),
    Field("IsActive", "Active", T.BOOLEAN, nillable=False, default=True),
    # An Experience Cloud (portal) user is a customer's: the contact it logs in as, and that
    # contact's account; both are empty for the org's own users. Such a user may own records
    # (Customer Community Plus), and sees what it owns.
    _picklist(
        "UserType",
        "User Type",
        ("Standard", "PowerCustomerSuccess", "CspLitePortal"),
        default="Standard",
        nillable=False,
    ),
    _reference("ContactId", "Contact ID", ("Contact",), "Contact"),
    _reference("AccountId", "Account ID", ("Account",), "Account"),
    createable=False,
    updateable=False,
    deletable=False,
)

SCHEMA = Schema((ACCOUNT, CONTACT, CASE, CASE_COMMENT, TASK, REFUND, GROUP, USER))
