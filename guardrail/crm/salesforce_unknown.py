"""What an agent should send instead of a Salesforce endpoint crm-guardrail does not judge.

The proxy refuses a request it cannot read as a known write or a read that only reads (it may
write); the refusal names what to send instead, by the family of API the request was for, so
an agent can correct itself rather than retry the same call.
"""

from __future__ import annotations

import re

_DATA = re.compile(
    r"^/services/data/v[0-9]+\.[0-9]+/(?P<resource>[^/]+)(?:/(?P<next>[^/]+))?", re.IGNORECASE
)
_SOBJECTS = (
    "Write a record with POST /sobjects/{Object}, PATCH or DELETE /sobjects/{Object}/{id}, or "
    "PATCH /sobjects/{Object}/{Field}/{value}; read it with GET /sobjects/{Object}/{id} or a query."
)
_BY_RESOURCE = {
    "ui-api": "The UI API writes records too: make the same write with the sObject endpoints. "
    + _SOBJECTS,
    "actions": "An invocable action (convertLead, emailSimple, a flow) writes records "
    "crm-guardrail cannot see: make the writes it would make with the sObject endpoints, or "
    "leave the action to a person.",
    "process": "Approvals and process rules change records crm-guardrail cannot see: leave "
    "them to a person.",
    "tooling": "The Tooling API changes the org's code and setup, not a customer's records: "
    "an agent has no call to make there.",
    "chatter": "Chatter posts are not checked: record a note on the case as a CaseComment "
    "(POST /sobjects/CaseComment) or a Task.",
    "connect": "Connect API posts are not checked: record a note on the case as a CaseComment "
    "(POST /sobjects/CaseComment) or a Task.",
    "graphql": "GraphQL is not checked: read with GET /query?q=SELECT ..., write with the "
    "sObject endpoints.",
    "sobjects": _SOBJECTS,
}
_COMPOSITE = (
    "Send the subrequests as one /composite request (POST /composite with compositeRequest), "
    "or the records as an sObject Collections request (/composite/sobjects)."
)
_OUTSIDE = {
    "/services/apexrest": "Apex REST runs the org's own code, which may write anything, so "
    "crm-guardrail cannot judge it. " + _SOBJECTS,
    "/services/soap": "The SOAP API (merge, convertLead, and the rest) is not checked: use the "
    "REST sObject endpoints. " + _SOBJECTS,
}
_ANY = (
    "Use the sObject, sObject Collections or Composite endpoints to write, and the sObject, "
    "query or search endpoints to read."
)


def instead(path: str) -> str:
    """What to send instead of a request for ``path`` (decoded) that the proxy cannot judge."""
    lowered = path.lower()
    for prefix, hint in _OUTSIDE.items():
        if lowered.startswith(prefix):
            return hint
    match = _DATA.match(path)
    if match is None:
        return _ANY
    resource = match["resource"].lower()
    if resource == "composite" and (match["next"] or "").lower() in ("graph", "tree", "batch"):
        return _COMPOSITE
    return _BY_RESOURCE.get(resource, _ANY)
