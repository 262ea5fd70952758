"""``guardrail test``'s simulated ServiceNow instance: the records a scenario declares and its
allowed writes save, read as the Table API answers (``{"result": ...}``, values as text).

A scenario reads ``{table}/{sys_id}`` or ``{table}?sysparm_query=...`` (``=``, ``!=``, ``IN``,
``NOT IN`` and ``^`` for and) below ``/api/now/table``. The tables (``sys_db_object``, what each
extends) are the sandbox instance's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

from multidict import CIMultiDict

from guardrail.crm.base import Shape, StartingRecord
from guardrail.errors import ScenarioError
from guardrail.model import Operation, WriteIntent
from guardrail.sandbox.servicenow.api import Call, handle
from guardrail.sandbox.servicenow.seed import GROUP_IDS
from guardrail.sandbox.servicenow.store import InstanceStore
from guardrail.upstream import UpstreamResponse

API_PATH = "/api/now/table"
_CASE = "sn_customerservice_case"
STARTING_RECORDS = (
    StartingRecord("account", "customer_account", {"name": "Customer {tag}"}),
    StartingRecord(
        "contact",
        "customer_contact",
        {"first_name": "Sam", "last_name": "Customer {tag}", "account": "{account}"},
    ),
    StartingRecord(
        "case",
        _CASE,
        {
            "short_description": "Open case",
            "state": "1",
            "contact_type": "phone",
            "account": "{account}",
            "contact": "{contact}",
        },
    ),
    StartingRecord("other_account", "customer_account", {"name": "Someone {tag}"}),
    StartingRecord(
        "other_contact",
        "customer_contact",
        {"first_name": "Sam", "last_name": "Someone {tag}", "account": "{other_account}"},
    ),
    StartingRecord(
        "other_case",
        _CASE,
        {
            "short_description": "Open case",
            "state": "1",
            "contact_type": "phone",
            "account": "{other_account}",
            "contact": "{other_contact}",
        },
    ),
)


#: The encoded query operators the simulated instance reads, longest first.
_OPERATORS = ("NOT IN", "!=", "=", "IN")


def _holds(actual: str, op: str, value: str) -> bool:
    if op.endswith("IN"):
        return (actual in value.split(",")) == (op == "IN")
    return (actual == value) == (op == "=")


class SimulatedServiceNow:
    """Records by sys_id; sys_ids are 32 hexadecimal characters, as an instance's are."""

    api_path = API_PATH
    starting_records: Sequence[StartingRecord] = STARTING_RECORDS
    #: The sandbox instance's assignment groups, which the pack routes to.
    queues: Mapping[str, str] = GROUP_IDS

    def __init__(self) -> None:
        self._records: dict[str, tuple[str, dict[str, Any]]] = {}
        self._serial = 0
        self._tables = InstanceStore(seed_customers=False)

    def create(self, sobject: str, fields: Mapping[str, Any]) -> str:
        self._serial += 1
        sys_id = hashlib.md5(f"sim:{self._serial}".encode(), usedforsecurity=False).hexdigest()
        self._records[sys_id] = (sobject, {**fields, "sys_id": sys_id, "sys_class_name": sobject})
        return sys_id

    def read(self, what: str) -> bytes:
        path, _, query = what.partition("?")
        parts = path.strip("/").split("/")
        if len(parts) == 2:
            found = self._records.get(parts[1])
            if found is None or found[0] != parts[0]:
                raise ScenarioError(f"the simulated instance has no record at {what!r}")
            return json.dumps({"result": found[1]}).encode()
        if len(parts) != 1:
            raise ScenarioError(f"the simulated instance does not read {what!r}")
        conditions = []
        for term in dict(parse_qsl(query)).get("sysparm_query", "").split("^"):
            if not term:
                continue
            split = next((term.partition(op) for op in _OPERATORS if op in term), None)
            if split is None:
                raise ScenarioError(f"the simulated instance does not read the query {term!r}")
            conditions.append(split)
        rows = [
            fields
            for table, fields in self._records.values()
            if table == parts[0]
            and all(_holds(str(fields.get(n, "")), op, v) for n, op, v in conditions)
        ]
        return json.dumps({"result": rows}).encode()

    async def get(self, target: str) -> UpstreamResponse:
        """A record's class, as the dialect asks of one it updates or deletes; the
        records a query finds (an incident's children, as the dialect asks); the tables a
        table extends, as the sandbox instance answers."""
        path, _, query = target.partition("?")
        if path == f"{API_PATH}/sys_db_object":
            asked = Call("GET", path, dict(parse_qsl(query)), b"", "admin", "")
            tables = handle(self._tables, asked)
            return UpstreamResponse(tables.status, CIMultiDict(), tables.encoded())
        if "sysparm_query=" in target:
            rows = self.read(target.removeprefix(API_PATH))
            return UpstreamResponse(200, CIMultiDict(), rows)
        sys_id = target.partition("?")[0].rstrip("/").rpartition("/")[2]
        found = self._records.get(sys_id)
        if found is None:
            return UpstreamResponse(404, CIMultiDict(), b"{}")
        answer = {"result": {"sys_class_name": found[0]}}
        return UpstreamResponse(200, CIMultiDict(), json.dumps(answer).encode())

    def save(self, intents: Sequence[WriteIntent], shape: Shape) -> tuple[str | None, ...]:
        return tuple(self._save(intent) for intent in intents)  # a batch answers each one

    def _save(self, intent: WriteIntent) -> str | None:
        if intent.operation is Operation.CREATE:
            return self.create(intent.object, intent.fields)
        found = self._records.get(intent.record_id or "")
        if found is not None and intent.operation is Operation.DELETE:
            del self._records[intent.record_id or ""]
        elif found is not None:
            found[1].update(intent.fields)
        return intent.record_id
