"""``guardrail test``'s simulated Zendesk: the records a scenario declares and its allowed
writes save, read in Zendesk's own JSON (``tickets/{id}``, ``users/{id}``,
``organizations/{id}``, and the user and organization searches create_or_update's lookup
makes). Fields are kept flat, in the names the dialect reads (``custom_fields.<id>``).

The scenario format's starting records are named as a Salesforce org holds them (an Account,
its Contact, their Case); here they are the Zendesk records that play those parts: an
organization, an end user in it, and their ticket, so ``{account}``, ``{contact}`` and
``{case}`` in a Zendesk scenario are an organization, a user and a ticket id. A field named
as Zendesk names it (``subject``, ``custom_fields.<id>``) is kept as given.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from multidict import CIMultiDict

from guardrail.crm.base import Shape, StartingRecord
from guardrail.crm.salesforce_sim import STARTING_RECORDS
from guardrail.errors import ScenarioError
from guardrail.model import Operation, WriteIntent
from guardrail.sandbox.zendesk.fields import TICKET_FIELDS
from guardrail.upstream import UpstreamResponse

API_PATH = "/api/v2"
_INCIDENTS = re.compile(rf"^{API_PATH}/tickets/(?P<id>[0-9]+)/incidents(?:\.json)?$")
_COMMENTS = re.compile(rf"^{API_PATH}/tickets/(?P<id>[0-9]+)/comments(?:\.json)?$")
_ASSIGNED = re.compile(rf"^{API_PATH}/users/(?P<id>[0-9]+)/tickets/assigned(?:\.json)?$")
_PLURAL = {"tickets": "ticket", "users": "user", "organizations": "organization"}


class SimulatedZendesk:
    """Records by integer id (one sequence for all objects, as ids never collide in tests)."""

    api_path = API_PATH
    #: A scenario's account, contact and case, made the organization, user and ticket that
    #: play their parts (``starting_record``).
    starting_records: Sequence[StartingRecord] = STARTING_RECORDS
    #: Zendesk packs route by group id, written out in their scenarios: no ``{queue:Name}``.
    queues: Mapping[str, str] = {}

    def __init__(self) -> None:
        self._records: dict[int, tuple[str, dict[str, Any]]] = {}
        #: Whether each ticket's first comment is public (what a comment not saying takes).
        self._first_public: dict[int, bool] = {}
        self._serial = 1000

    def create(self, sobject: str, fields: Mapping[str, Any]) -> str:
        obj, saved = starting_record(sobject, fields)
        self._serial += 1
        self._records[self._serial] = (obj, saved)
        self._first_public[self._serial] = saved.get("comment.public") is not False
        return str(self._serial)

    def read(self, what: str) -> bytes:
        parts = what.partition("?")[0].strip("/").removesuffix(".json").split("/")
        obj = _PLURAL.get(parts[0]) if len(parts) == 2 and parts[1].isdigit() else None
        found = self._records.get(int(parts[1])) if obj else None
        if obj is None or found is None or found[0] != obj:
            raise ScenarioError(f"the simulated Zendesk has no record at {what!r}")
        return _json({obj: _row(int(parts[1]), found[1])})

    async def get(self, target: str) -> UpstreamResponse:
        """``{users|organizations}/search?external_id=`` or ``?query=email:...``, as
        create_or_update's lookup asks; ``ticket_fields``, the sandbox's (which custom fields
        a write's tags set); ``tickets/{id}/incidents`` (which a solving write would solve);
        ``tickets/{id}/comments``, the first one (how public a comment not saying is);
        ``users/{id}/tickets/assigned`` (which a user delete would hand over)."""
        url = urlsplit(target)
        if url.path.removesuffix(".json") == f"{API_PATH}/ticket_fields":
            listed = [f.describe("") for f in TICKET_FIELDS]
            return UpstreamResponse(200, CIMultiDict(), _json({"ticket_fields": listed}))
        first = _COMMENTS.match(url.path)
        if first and int(first["id"]) in self._first_public:  # a ticket's first comment
            public = self._first_public[int(first["id"])]
            return UpstreamResponse(200, CIMultiDict(), _json({"comments": [{"public": public}]}))
        # a problem ticket's incidents (which solving it would solve), a user's assigned
        # tickets (which deleting them would hand over)
        for pattern, field in ((_INCIDENTS, "problem_id"), (_ASSIGNED, "assignee_id")):
            if linked_to := pattern.match(url.path):
                linked = [
                    _row(key, fields)
                    for key, (obj, fields) in self._records.items()
                    if obj == "ticket" and str(fields.get(field)) == linked_to["id"]
                ]
                return UpstreamResponse(200, CIMultiDict(), _json({"tickets": linked}))
        plural = url.path.removeprefix(API_PATH + "/").split("/")[0]
        given = dict(parse_qsl(url.query))
        terms = dict(t.split(":", 1) for t in given.get("query", "").split() if ":" in t)
        if "external_id" in given:
            terms["external_id"] = given["external_id"]
        kind = _PLURAL.get(plural, "")
        found = [
            _row(key, fields)
            for key, (obj, fields) in self._records.items()
            if obj == kind and all(_same(fields.get(k), v) for k, v in terms.items())
        ]
        return UpstreamResponse(200, CIMultiDict(), _json({plural: found}))

    def save(self, intents: Sequence[WriteIntent], shape: Shape) -> tuple[str | None, ...]:
        """A bulk call (create_many...) answers a job status: no ids of what it creates."""
        saved = tuple(self._save(intent) for intent in intents)
        return saved if shape is Shape.SINGLE else tuple(i.record_id for i in intents)

    def _save(self, intent: WriteIntent) -> str | None:
        if intent.operation is Operation.CREATE or intent.record_id is None:
            return self.create(intent.object, intent.fields)
        key = int(intent.record_id)
        if intent.operation is Operation.DELETE:
            self._records.pop(key, None)
        elif key in self._records:
            self._records[key][1].update(intent.fields)
        return intent.record_id


#: The scenario format's starting records, as the Zendesk records that play their parts.
_PARTS: dict[str, tuple[str, dict[str, str]]] = {
    "Account": ("organization", {"Name": "name", "External_Id__c": "external_id"}),
    "Contact": (
        "user",
        {"Email": "email", "AccountId": "organization_id", "External_Id__c": "external_id"},
    ),
    "Case": (
        "ticket",
        {
            "Subject": "subject",
            "Status": "status",
            "AccountId": "organization_id",
            "ContactId": "requester_id",
        },
    ),
}


def starting_record(sobject: str, fields: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """A scenario's starting record (``Account``, ``Contact``, ``Case``) as the Zendesk object
    that plays its part and its flat fields; another object and Zendesk-named fields as
    given."""
    obj, renames = _PARTS.get(sobject, (sobject.lower(), {}))
    saved: dict[str, Any] = {}
    for name, value in fields.items():
        if name in renames:
            saved[renames[name]] = _zendesk_value(renames[name], value)
        elif name[:1].islower():
            saved[name] = value
    if "FirstName" in fields or "LastName" in fields:
        saved.setdefault("name", f"{fields.get('FirstName', '')} {fields.get('LastName', '')}")
    return obj, saved


def _zendesk_value(name: str, value: Any) -> Any:
    if name.endswith("_id") and isinstance(value, str) and value.isdigit():
        return int(value)
    return value.lower() if name == "status" and isinstance(value, str) else value


def _row(key: int, fields: Mapping[str, Any]) -> dict[str, Any]:
    """A record in Zendesk's JSON: custom fields as the ``[{id, value}]`` list."""
    row: dict[str, Any] = {"id": key}
    custom = []
    for name, value in fields.items():
        head, _, rest = name.partition(".")
        if head == "custom_fields" and rest.isdigit():
            custom.append({"id": int(rest), "value": value})
        elif not rest:
            row[name] = value
    if custom:
        row["custom_fields"] = custom
    return row


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


def _same(actual: Any, wanted: str) -> bool:
    return str("" if actual is None else actual).lower() == wanted.strip('"').lower()
