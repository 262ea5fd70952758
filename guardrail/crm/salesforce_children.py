"""What deleting a Salesforce record does to the records naming it, asked before it is judged.

Deleting a record changes every record naming it through a relationship field: a lookup is
cleared (a lookup's delete option "Clear the value of this field", its default) and a
master-detail child is deleted with it (so is any relationship the describe marks
``cascadeDelete``: a case's comments, a record's activities). Only a relationship marked
``restrictedDelete`` makes the CRM refuse the delete instead, changing nothing. A refund names
its case, a parent case gathers other customers' cases, so deleting the customer's case changes
records no intent of the request names. Before a delete is judged, the CRM is asked which
fields of which objects may name the record (its object's describe, ``childRelationships``),
then, all at once, whether any record names it through each (``SELECT Id FROM {child} WHERE
{field} = '{id}'``). If any does, the delete is refused, naming the object, the field and the
records, and saying to re-point or remove each reference first (each then judged as the write
it is), or to leave the delete to a person.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from guardrail.crm import children, lookup_answers, sfid
from guardrail.crm.salesforce_post import api_base
from guardrail.model import Operation, Referrer, WriteIntent

#: What every target of a referrer's query holds, and no other look-up's.
_MARK = "/query?q=SELECT%20Id%20FROM%20"
#: A describe's target (a record looked up by the value "describe" has one more segment).
_DESCRIBE = re.compile(r"/sobjects/[^/?]+/describe$")
#: An object or field name as the describe spells it (nothing else goes into a query).
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def lookups(intent: WriteIntent, path: str, answered: Collection[str]) -> tuple[str, ...]:
    """The describe of the object ``intent`` deletes a record of, then the query of each field
    that may name the record, other than those ``answered``; none for any other write (and for
    a record the write names by no id yet: its look-up comes first)."""
    record = intent.record_id
    if intent.operation is not Operation.DELETE or not record or not sfid.is_id(record):
        return ()
    describe = f"{api_base(path)}/sobjects/{quote(intent.object, safe='')}/describe"
    if describe not in answered:
        return (describe,)
    queries = (_query(referrer, record, path) for referrer in intent.referrers)
    return tuple(q for q in queries if q not in answered)


def asks(target: str) -> bool:
    """Whether ``target`` is one of ``lookups``'."""
    return _DESCRIBE.search(target) is not None or _MARK in target


def resolved(intent: WriteIntent, target: str, status: int, body: bytes) -> WriteIntent:
    """``intent`` knowing the fields that may name its record, from its object's describe;
    ``intent`` when no record names it through the field a query asks about. Raises
    AmbiguousRequest (some do), InvalidSession or LookupFailed."""
    if _DESCRIBE.search(target):
        return replace(intent, referrers=_referrers(intent, status, body))
    record = intent.record_id or ""
    referrer = next(r for r in intent.referrers if target.endswith(_soql(r, record)))
    named = f"{intent.object} {record}"
    effect = (
        f"deletes the {referrer.object} records naming it in {referrer.field}"
        if referrer.cascade
        else f"clears {referrer.field} on the {referrer.object} records naming it"
    )
    fix = (
        "Delete each of them on its own first"
        if referrer.cascade
        else f"Re-point or clear {referrer.field} on each of them on its own first (PATCH "
        f"/sobjects/{referrer.object}/{{id}})"
    )
    return children.none_changed(
        intent, status, children.rows(lookup_answers.answer(status, body), "records"),
        f"which {referrer.object} records name {named} in {referrer.field}",
        lambda row: str(row.get("Id")),
        lambda listed: (
            f"Deleting {named} {effect} ({listed}), changes crm-guardrail cannot judge here "
            f"(they may be another customer's). {fix}, or leave the delete to a person."
        ),
    )  # fmt: skip


def _query(referrer: Referrer, record: str, path: str) -> str:
    return f"{api_base(path)}{_soql(referrer, record)}"


def _soql(referrer: Referrer, record: str) -> str:
    """The query (as a target's tail) for the records naming ``record`` in the referrer's
    field, as many as a refusal names and one more. Only names the describe spells as names
    (``_NAME``) and an id (``lookups``) go into it."""
    soql = f"SELECT Id FROM {referrer.object} WHERE {referrer.field} = '{record}'"  # noqa: S608
    soql += f" LIMIT {children.NAMED + 1}"
    return f"/query?q={quote(soql, safe='')}"


def _referrers(intent: WriteIntent, status: int, body: bytes) -> tuple[Referrer, ...]:
    """The fields of other objects that may name a record of ``intent``'s object, from its
    describe, but those whose delete the CRM refuses while one does (``restrictedDelete``).
    Raises InvalidSession or LookupFailed."""
    answer = lookup_answers.answer(status, body)
    found = answer.get("childRelationships") if isinstance(answer, dict) else None
    if not isinstance(found, list) or not all(_relationship(r) for r in found):
        raise lookup_answers.failed(
            f"tell which records may name {intent.object} {intent.record_id}",
            "its describe",
            status,
            so="and deleting it clears or deletes each of them, so it cannot judge the delete",
        )
    return tuple(
        Referrer(r["childSObject"], r["field"], r.get("cascadeDelete") is True)
        for r in found
        if r.get("restrictedDelete") is not True
    )


def _relationship(found: Any) -> bool:
    """Whether a describe's child relationship names an object and a field."""
    return isinstance(found, dict) and all(
        isinstance(found.get(key), str) and _NAME.fullmatch(found[key])
        for key in ("childSObject", "field")
    )
