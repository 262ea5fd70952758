"""Salesforce's side of writes by lookup field: how to find the record, and what write it is.

An upsert or delete may name its record by any idLookup field in the URL
(``/sobjects/Case/External_Id__c/X``, ``/sobjects/Case/Id/<id>``, ``/sobjects/Case/CaseNumber/N``)
or, in a collection upsert (``/composite/sobjects/{Object}/{Field}``), by that field's value in
each record. The proxy asks the CRM the same question the write will: ``GET
/sobjects/{Object}/{Field}/{value}``, answered from the same index with the same matching
(field names in any case, one record, several: 300, none: 404). The answer makes the intent the
write the CRM will make: an update or delete of that record (with the account it belongs to),
or, for an upsert that matches nothing, a create holding the field's value.

A case written with a contact and no account gets the contact's account: Salesforce fills
``Case.AccountId`` from ``ContactId`` when the write leaves it blank (a create, or an update
that sets the contact). So the proxy reads the contact's account (``GET
/sobjects/Contact/{id}?fields=AccountId``), once the record is known, and judges the case as
the CRM saves it, with that ``AccountId``: a duplicate case opened with only a contact is one
for the contact's account, and every rule reading the case's account sees it.

A case's Reason changed without its queue (``OwnerId``) stays in the queue it is in, which the
conversation may never have read, or may remember as it was before someone moved the case. So
the proxy reads the case's current ``OwnerId``, ``Reason`` and ``Status`` (``GET
/sobjects/Case/{id}?fields=OwnerId,Reason,Status``) and gives them to the write beside its
fields (``WriteIntent.current``): rules judge the new Reason against the queue the case sits
in, and an escalated case keeps its escalation. Only such a write is read first.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from guardrail.crm import lookup_answers, salesforce_children, sfid
from guardrail.crm.canonical import json_or_none
from guardrail.crm.salesforce_post import api_base
from guardrail.errors import LookupUnresolved, RequestRejected
from guardrail.model import Operation, WriteIntent


def lookups(intent: WriteIntent, path: str, answered: Collection[str]) -> tuple[str, ...]:
    """The next GETs ``intent`` needs answered before it is judged (other than those
    ``answered``): the record it names by a lookup field, then the account a case's contact
    gives it (``account_fill``), the queue, Reason and Status a case holds now
    (``current_lookup``), what a delete changes beside its record (``salesforce_children``);
    none when it needs no other."""
    wanted = (_record_lookup(intent, path), account_fill(intent, path),
              current_lookup(intent, path))  # fmt: skip
    return lookup_answers.first_unanswered(wanted, answered) or salesforce_children.lookups(
        intent, path, answered
    )


def reads(intent: WriteIntent, sobject: str | None = None) -> bool:
    """Whether ``lookups`` reads records, in any round, before ``intent`` is judged; of
    ``sobject``, when given: its own object's (the record a lookup field names, a case's
    queue), a contact's when a case takes its account from one, and any object's for a delete
    (any may name its record). False for a write refused when looked up."""
    try:
        if not lookups(intent, "", ()):
            return False
        as_update = replace(intent, operation=Operation.UPDATE)
        fills = account_fill(as_update, "") is not None
    except LookupUnresolved:
        return False
    read = {intent.object.lower(), *(("contact",) if fills else ())}
    return sobject is None or intent.operation is Operation.DELETE or sobject.lower() in read


def resolved(intent: WriteIntent, target: str, status: int, body: bytes) -> WriteIntent:
    """``intent`` as the write the CRM will make, from its answer to ``lookups``' GET of
    ``target``. Raises LookupUnresolved, RecordNotFound, InvalidSession or LookupFailed."""
    if target.endswith(_FILL_QUERY):
        return _filled(intent, status, body)
    if target.endswith(_CURRENT_QUERY):
        return _current(intent, status, body)
    if salesforce_children.asks(target):
        return salesforce_children.resolved(intent, target, status, body)
    return _resolved_record(intent, status, body)


#: The fields of a case whose Reason changes that the write leaves as the CRM holds them.
_CURRENT = ("OwnerId", "Reason", "Status")
_CURRENT_QUERY = "?fields=" + ",".join(_CURRENT)


def current_lookup(intent: WriteIntent, path: str) -> str | None:
    """The target of the GET that reads a case's current queue, Reason and Status before an
    update changes its Reason and not its queue; None for any other write (and for a record
    the CRM names only while executing the request: nothing to read first)."""
    if intent.object.lower() != "case" or intent.operation is not Operation.UPDATE:
        return None
    names = {name.lower() for name in intent.fields}
    record = intent.record_id
    if "reason" not in names or "ownerid" in names or not record or not sfid.is_id(record):
        return None
    return f"{api_base(path)}/sobjects/Case/{record}{_CURRENT_QUERY}"


def _current(intent: WriteIntent, status: int, body: bytes) -> WriteIntent:
    """``intent`` with the case's values as the CRM holds them. Raises RecordNotFound (no
    such case), InvalidSession or LookupFailed."""
    answer = _owner_record(f"Case {intent.record_id}", status, body, lookup_answers.gone(intent))
    return replace(intent, current={name: answer.get(name) for name in _CURRENT})


#: The query of the read of the account a case's contact gives it.
_FILL_QUERY = "?fields=AccountId"


def account_fill(intent: WriteIntent, path: str) -> str | None:
    """The target of the GET that reads the account Salesforce gives a case written with a
    contact and a blank account (``ContactId`` set, ``AccountId`` absent or null), or None
    for any other write, and for a contact that is no id (``" 003... "``, ``"003...\\n"``):
    Salesforce refuses that (MALFORMED_ID), and so does the pack's schema check, as it does
    in any other field. Raises LookupUnresolved for a contact the CRM names only while
    executing the request (a composite reference): its account cannot be read first."""
    if intent.object.lower() != "case" or intent.operation not in (
        Operation.CREATE, Operation.UPDATE,
    ):  # fmt: skip
        return None
    fields = {name.lower(): value for name, value in intent.fields.items()}
    contact = fields.get("contactid")
    if not isinstance(contact, str) or not contact or fields.get("accountid") is not None:
        return None
    if sfid.is_id(contact):
        return f"{api_base(path)}/sobjects/Contact/{contact}{_FILL_QUERY}"
    if "@{" in contact:
        raise LookupUnresolved(
            f"This Case write sets ContactId {contact[:40]!r} and no AccountId, so Salesforce "
            "gives the case that contact's account; crm-guardrail reads that account before "
            "judging the case, and cannot for a contact the CRM makes in the same request. "
            "Give the case its AccountId too."
        )
    return None


def _filled(intent: WriteIntent, status: int, body: bytes) -> WriteIntent:
    """``intent`` with the account its contact gives the case (none: as it was)."""
    field, contact = next((k, v) for k, v in intent.fields.items() if k.lower() == "contactid")
    named = f"Contact {contact}"
    account = _account(_owner_record(named, status, body, lookup_answers.not_there(named)))
    if account is None:
        return intent
    fields = {k: v for k, v in intent.fields.items() if k.lower() != "accountid"}
    filled = {**intent.filled, "AccountId": field}
    return replace(intent, fields={**fields, "AccountId": account}, filled=filled)


def _record_lookup(intent: WriteIntent, path: str) -> str | None:
    """The target of the GET that finds the record ``intent`` names by a lookup field, or None
    when it names none that way (a write by id, a create). Raises LookupUnresolved for a record
    that names no value to find it by, or a value the CRM would only know while executing (a
    composite reference)."""
    if not intent.external_id_field:
        return None
    value = _value(intent)
    if value is None:
        if _by_id(intent):
            return None  # an upsert by Id without one: a create
        raise LookupUnresolved(
            f"This {intent.object} upsert by {intent.external_id_field} gives no "
            f"{intent.external_id_field} value, so crm-guardrail cannot tell which record it "
            "would change. Give each record its value."
        )
    if "/" in value or "\\" in value or value.lower().endswith((".json", ".xml")):
        raise LookupUnresolved(
            f"{_named(intent, value)}: crm-guardrail finds records by putting the value in a "
            "URL, where a slash or a final .json or .xml would be read otherwise than the CRM "
            "matches the write, so it cannot judge it. Name the record by its id."
        )
    if "@{" in value:
        raise LookupUnresolved(
            f"{_named(intent, value)}: crm-guardrail cannot look up a record by a value the CRM "
            "fills in while executing the request (a composite reference), so it cannot judge "
            "the write. Send the value itself, or the record's id."
        )
    field = quote(intent.external_id_field, safe="")
    return f"{api_base(path)}/sobjects/{intent.object}/{field}/{quote(value, safe='')}"


def _resolved_record(intent: WriteIntent, status: int, body: bytes) -> WriteIntent:
    """``intent`` as the write the CRM will make, from its answer to the GET of the record it
    names by a lookup field.

    Raises LookupUnresolved (several records match; the field cannot be looked up by),
    RecordNotFound (none matches and the write is not a create), InvalidSession (the agent's
    own session was refused, in pass-through mode) or LookupFailed (any other answer).
    """
    named = _named(intent, _value(intent))
    if status == 300:
        raise LookupUnresolved(
            f"{named} matches more than one record, so the CRM would not know which to change "
            "and crm-guardrail cannot judge it. Name the record by its id."
        )
    if status == 404 and _unknown_field(json_or_none(body)):
        raise LookupUnresolved(
            f"{named}: {intent.external_id_field} is not a field records can be found by. "
            "Name the record by its id, or by an external id field."
        )
    if status == 404:
        if intent.operation is Operation.UPSERT and not _by_id(intent):
            return _create(intent)
        raise lookup_answers.gone(intent)
    answer = lookup_answers.answer(status, body)
    if not isinstance(answer, dict) or not isinstance(answer.get("Id"), str):
        raise lookup_answers.not_looked_up(named, "the CRM", status)
    record_id = answer["Id"]
    if intent.record_id and not sfid.same_id(intent.record_id, record_id):
        raise LookupUnresolved(
            f"{named} is {record_id}, but the record also gives the Id "
            f"{intent.record_id}; crm-guardrail cannot tell which one the CRM changes. "
            "Name the record one way."
        )
    account = record_id if intent.object.lower() == "account" else _account(answer)
    return lookup_answers.found(intent, record_id, account)


#: Objects whose records are a customer (an account) or no customer's (the org's queues):
#: nothing to ask the CRM about whose they are. A user may be a customer's: a portal user's
#: ContactId and AccountId say whose.
_NO_OWNER = frozenset({"account", "group"})


def owner_lookup(sobject: str, record_id: str, path: str) -> str | None:
    """The target of the GET that reads the record ``record_id`` (of ``sobject``) to learn
    whose it is, or None for one that needs no asking or cannot be asked: an account, a
    queue, an id of no object the policies know."""
    if not sobject or sobject.lower() in _NO_OWNER or not sfid.is_id(record_id):
        return None
    return f"{api_base(path)}/sobjects/{quote(sobject, safe='')}/{record_id}"


def owners(named: str, status: int, body: bytes, changed: WriteIntent | None) -> tuple[str, ...]:
    """The accounts and contacts the record read by ``owner_lookup``'s GET belongs to (its
    ``sfid.CUSTOMER_FIELDS``). Raises lookup_answers.missing (no such record), InvalidSession
    or LookupFailed."""
    record = _owner_record(named, status, body, lookup_answers.missing(named, changed))
    found = (record.get(name) for name in sfid.CUSTOMER_FIELDS)
    return tuple(v for v in found if isinstance(v, str) and v)


def _owner_record(named: str, status: int, body: bytes, missing: RequestRejected) -> dict[str, Any]:
    """The record a GET by id read, from the CRM's answer. Raises ``missing`` (no such
    record), InvalidSession or LookupFailed."""
    answer = lookup_answers.answer(status, body, missing)
    if not isinstance(answer, dict):
        raise lookup_answers.failed(
            f"read the {named} the write names",
            "the CRM",
            status,
            so="so it cannot tell whose it is",
        )
    return answer


def unnamed_create(intent: WriteIntent) -> WriteIntent:
    """``intent`` as the create the CRM makes when it is an upsert by ``Id`` that gives no id
    (a collection record or a bulk row without one), so create-only policies meet it."""
    if intent.operation is Operation.UPSERT and _by_id(intent) and _value(intent) is None:
        return replace(intent, operation=Operation.CREATE, external_id_field=None)
    return intent


def _create(intent: WriteIntent) -> WriteIntent:
    """An upsert that matches nothing: the create the CRM makes, which sets the field too."""
    field = intent.external_id_field or ""
    fields = dict(intent.fields)
    if not any(name.lower() == field.lower() for name in fields):
        fields[field] = intent.external_id
    return replace(intent, operation=Operation.CREATE, record_id=None, fields=fields)


def _value(intent: WriteIntent) -> str | None:
    """The value the record is named by: the field's, or for ``Id`` the record's id."""
    if intent.external_id is not None:
        return intent.external_id
    return intent.record_id if _by_id(intent) else None


def _by_id(intent: WriteIntent) -> bool:
    return (intent.external_id_field or "").lower() == "id"


def _named(intent: WriteIntent, value: str | None) -> str:
    return f"The {intent.object} with {intent.external_id_field} = {value!r}"


def _account(record: dict[str, Any]) -> str | None:
    for name in sfid.ACCOUNT_FIELDS:
        value = record.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def _unknown_field(answer: Any) -> bool:
    """Whether a 404 says the field is not one to look up by (rather than: no such record)."""
    errors = answer if isinstance(answer, list) else []
    return any(
        isinstance(e, dict) and "external ID field" in str(e.get("message", "")) for e in errors
    )
