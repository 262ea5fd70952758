"""``guardrail test``'s simulated Salesforce: the records a scenario declares and its allowed
writes save, read in Salesforce's own JSON (sObject rows, the SOQL subset scenarios read with)
and looked up by field as the proxy's lookups ask.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

from multidict import CIMultiDict

from guardrail.crm import sfid
from guardrail.crm.base import Shape, StartingRecord
from guardrail.errors import ScenarioError
from guardrail.model import Operation, WriteIntent
from guardrail.sandbox.org import SCHEMA
from guardrail.sandbox.schema import describe_sobject
from guardrail.sandbox.seed import CUSTOMERS, DIRECTORY, QUEUE_IDS
from guardrail.upstream import UpstreamResponse

#: Where scenario paths are: the API version scenarios are written against.
API_PATH = "/services/data/v59.0"
#: The key prefix of records of an object the pack gives none (a custom object without a
#: schema, written because unmatched writes are allowed).
UNKNOWN_PREFIX = "a00"


STARTING_RECORDS = (
    StartingRecord(
        "account",
        "Account",
        {"Name": "Customer {tag}", "Status__c": "Active", "External_Id__c": "{account_ext}"},
    ),
    StartingRecord(
        "contact",
        "Contact",
        {
            "FirstName": "Sam",
            "LastName": "Customer {tag}",
            "AccountId": "{account}",
            "External_Id__c": "{contact_ext}",
        },
    ),
    StartingRecord(
        "case",
        "Case",
        {
            "Subject": "Open case",
            "Status": "New",
            "Origin": "Phone",
            "AccountId": "{account}",
            "ContactId": "{contact}",
        },
    ),
    StartingRecord("other_account", "Account", {"Name": "Someone {tag}", "Status__c": "Active"}),
    StartingRecord(
        "other_contact",
        "Contact",
        {"FirstName": "Sam", "LastName": "Someone {tag}", "AccountId": "{other_account}"},
    ),
    StartingRecord(
        "other_case",
        "Case",
        {
            "Subject": "Open case",
            "Status": "New",
            "Origin": "Phone",
            "AccountId": "{other_account}",
            "ContactId": "{other_contact}",
        },
    ),
)


@dataclass
class _Record:
    sobject: str
    fields: dict[str, Any]


_SOQL = re.compile(
    r"^\s*SELECT\s+(?P<fields>.+?)\s+FROM\s+(?P<object>\w+)"
    r"(?:\s+WHERE\s+(?P<where>.+?))?(?:\s+LIMIT\s+(?P<limit>\d+))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_CONDITION = re.compile(
    r"^\s*(?P<field>\w+)\s*(?P<op>=|!=|<>)\s*"
    r"(?:'(?P<text>(?:[^'\\]|\\.)*)'|(?P<number>-?\d+(?:\.\d+)?)|(?P<word>true|false|null))\s*$",
    re.IGNORECASE,
)
_WORDS = {"true": True, "false": False, "null": None}


class SimulatedSalesforce:
    """Records by id, answering reads in Salesforce's JSON and saving allowed writes.

    Ids are Salesforce-shaped (the object's key prefix, ``SIM``, a serial, the checksum), so
    rules that check key prefixes see what they would see in an org. The sandbox org's users
    are there from the start (its agents, and a customer's portal user with the contact and
    account it is), as the proxy asks whose the user a record is handed to is.
    """

    api_path = API_PATH
    starting_records: Sequence[StartingRecord] = STARTING_RECORDS
    queues: Mapping[str, str] = QUEUE_IDS  # the sandbox org's, which the shipped pack routes to

    def __init__(self, key_prefixes: Mapping[str, str]) -> None:
        self._prefixes = {o.lower(): p for o, p in key_prefixes.items()}
        self._records: dict[str, _Record] = _users()
        self._serial = 0

    def create(self, sobject: str, fields: Mapping[str, Any]) -> str:
        self._serial += 1
        prefix = self._prefixes.get(sobject.lower(), UNKNOWN_PREFIX)
        record_id = sfid.to18(f"{prefix}SIM{self._serial:09d}")
        self._records[record_id[:15]] = _Record(sobject, dict(fields))
        return record_id

    def read(self, what: str) -> bytes:
        """The response body of a read: a ``sobjects/...`` path or SOQL. Raises ScenarioError."""
        if what.lstrip()[:7].upper() == "SELECT ":
            return _json(self._query(what))
        path, _, query = what.partition("?")
        parts = path.strip("/").split("/")
        selected = dict(parse_qsl(query)).get("fields")
        names = [f.strip() for f in selected.split(",")] if selected else None
        if parts[0] == "sobjects" and len(parts) == 3:
            found = self._get(parts[1], parts[2])
        elif parts[0] == "sobjects" and len(parts) == 4:
            found = self._by_field(parts[1], parts[2], parts[3])
        else:
            raise ScenarioError(f"the simulated CRM does not read {what!r}")
        if found is None:
            raise ScenarioError(f"the simulated CRM has no record at {what!r}")
        return _json(_row(*found, names))

    async def get(self, target: str) -> UpstreamResponse:
        """The CRM's answer to the GETs the proxy makes before judging a write
        (guardrail.lookups): by lookup field, the record, 300 for several, 404 for none; by
        id (whose a record the write names is), the record or 404; a query (the records
        naming one deleted), its records; an object's describe, the sandbox org's."""
        path, _, query = target.partition("?")
        parts = unquote(path).removeprefix(API_PATH).strip("/").split("/")
        if parts == ["query"]:
            soql = dict(parse_qsl(query)).get("q", "")
            return UpstreamResponse(200, CIMultiDict(), _json(self._query(soql)))
        if len(parts) == 3 and parts[0] == "sobjects" and parts[2] == "describe":
            stype = SCHEMA.get(parts[1])
            if stype is None:
                return UpstreamResponse(404, CIMultiDict(), b"[]")
            described = describe_sobject(SCHEMA, stype, API_PATH)
            return UpstreamResponse(200, CIMultiDict(), _json(described))
        if len(parts) == 3 and parts[0] == "sobjects":
            record = self._get(parts[1], parts[2])
            if record is None:
                return UpstreamResponse(404, CIMultiDict(), b"[]")
            return UpstreamResponse(200, CIMultiDict(), _json(_row(*record, None)))
        if len(parts) != 4 or parts[0] != "sobjects":
            return UpstreamResponse(400, CIMultiDict(), b"[]")
        sobject, name, value = parts[1:]
        found = [
            (sfid.to18(key), record)
            for key, record in self._records.items()
            if record.sobject.lower() == sobject.lower()
            and _same(sfid.to18(key) if name.lower() == "id" else _field(record, name), value)
        ]
        if len(found) == 1:
            return UpstreamResponse(200, CIMultiDict(), _json(_row(*found[0], None)))
        return UpstreamResponse(300 if found else 404, CIMultiDict(), b"[]")

    def save(self, intents: Sequence[WriteIntent], shape: Shape) -> tuple[str | None, ...]:
        """Save each intent of an allowed write; the id of each record as the CRM's answer
        gives it (none for a bulk upload's rows: the job saves them later)."""
        saved = tuple(self._save(intent) for intent in intents)
        return tuple(i.record_id for i in intents) if shape is Shape.BULK else saved

    def _save(self, intent: WriteIntent) -> str | None:
        fields = dict(intent.fields)
        record_id: str | None = intent.record_id
        if intent.operation is Operation.CREATE:
            return self.create(intent.object, fields)
        if intent.operation is Operation.UPSERT and intent.external_id_field:
            found = self._by_field(
                intent.object, intent.external_id_field, intent.external_id or ""
            )
            if found is None:
                return self.create(
                    intent.object, {**fields, intent.external_id_field: intent.external_id}
                )
            record_id = found[0]
        record = self._records.get((record_id or "")[:15])
        if record is not None and intent.operation is Operation.DELETE:
            del self._records[(record_id or "")[:15]]
        elif record is not None:
            record.fields.update(fields)
        return record_id

    def _get(self, sobject: str, record_id: str) -> tuple[str, _Record] | None:
        record = self._records.get(record_id[:15])
        if record is None or record.sobject.lower() != sobject.lower():
            return None
        return sfid.to18(record_id[:15]), record

    def _by_field(self, sobject: str, name: str, value: str) -> tuple[str, _Record] | None:
        for key, record in self._records.items():
            if record.sobject.lower() == sobject.lower() and _same(record.fields.get(name), value):
                return sfid.to18(key), record
        return None

    def _query(self, soql: str) -> dict[str, Any]:
        """The subset of SOQL scenarios read with: ``SELECT f, ... FROM Object [WHERE f op
        literal [AND ...]] [LIMIT n]``, ``op`` one of ``=`` and ``!=``."""
        match = _SOQL.match(soql)
        if match is None:
            raise ScenarioError(f"the simulated CRM does not read this SOQL: {soql!r}")
        conditions = []
        for clause in re.split(r"\s+AND\s+", match["where"] or "", flags=re.IGNORECASE):
            if not clause.strip():
                continue
            condition = _CONDITION.match(clause)
            if condition is None:
                raise ScenarioError(f"the simulated CRM does not read this condition: {clause!r}")
            conditions.append(condition)
        names = [f.strip() for f in match["fields"].split(",")]
        rows = [
            _row(sfid.to18(key), record, names)
            for key, record in self._records.items()
            if record.sobject.lower() == match["object"].lower()
            and all(_holds(c, record, key) for c in conditions)
        ]
        if match["limit"]:
            rows = rows[: int(match["limit"])]
        return {"totalSize": len(rows), "done": True, "records": rows}


def _users() -> dict[str, _Record]:
    """The sandbox org's users, and the contact and account a portal user among them is."""
    seeded = (*DIRECTORY, *CUSTOMERS)
    users = [r for r in seeded if r.sobject == "User"]
    theirs = {u.values.get(name) for u in users for name in ("ContactId", "AccountId")}
    return {
        r.id[:15]: _Record(r.sobject, dict(r.values))
        for r in seeded
        if r.sobject == "User" or r.id in theirs
    }


def _holds(condition: re.Match[str], record: _Record, key: str) -> bool:
    name = condition["field"]
    actual = sfid.to18(key) if name.lower() == "id" else record.fields.get(name)
    if condition["text"] is not None:
        wanted: Any = condition["text"].replace("\\'", "'")
    elif condition["number"] is not None:
        wanted = float(condition["number"])
    else:
        wanted = _WORDS[condition["word"].lower()]
    equal = _same(actual, wanted)
    return equal if condition["op"] == "=" else not equal


def _field(record: _Record, name: str) -> Any:
    """A record's field by name in any case, as Salesforce reads field names."""
    return next((v for k, v in record.fields.items() if k.lower() == name.lower()), None)


def _same(actual: Any, wanted: Any) -> bool:
    """Salesforce's comparison: text case-insensitively, ids in either length."""
    if isinstance(actual, str) and isinstance(wanted, str):
        if sfid.is_id(actual) and sfid.is_id(wanted):
            return sfid.same_id(actual, wanted)
        return actual.lower() == wanted.lower()
    if isinstance(actual, int | float) and isinstance(wanted, int | float):
        return float(actual) == float(wanted)
    return bool(actual == wanted)


def _row(record_id: str, record: _Record, names: Iterable[str] | None) -> dict[str, Any]:
    fields = {"Id": record_id, **record.fields}
    if names is not None:
        wanted = {n.lower() for n in names} | {"id"}
        fields = {k: v for k, v in fields.items() if k.lower() in wanted}
    url = f"{API_PATH}/sobjects/{record.sobject}/{record_id}"
    return {"attributes": {"type": record.sobject, "url": url}, **fields}


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()
