"""Headers a server could route by instead of the request's own target and Host are never
forwarded, in every dialect; where the proxy cannot drop them (a ServiceNow batch item's, a
Salesforce composite subrequest's), the request is refused."""

from __future__ import annotations

import base64
import json

import pytest
from multidict import CIMultiDict

from guardrail.crm.base import RawRequest, dialect_for
from guardrail.errors import AmbiguousRequest
from tests.crm.helpers import WRITES

ROUTING = {"X-Original-URL": "/api/v2/tickets/8.json", "X_Rewrite_URL": "/x",
           "X-Forwarded-Host": "other.zendesk.com", "Forwarded": "host=other.example"}  # fmt: skip


@pytest.mark.parametrize("crm", sorted(WRITES))
def test_a_routing_header_is_not_forwarded(crm: str) -> None:
    method, target, body = WRITES[crm]
    headers = CIMultiDict({"Content-Type": "application/json", **ROUTING})
    raw = RawRequest(method, target, headers, json.dumps(body).encode())
    dropped = dialect_for(crm).canonical(raw).drop_headers
    assert {name.lower() for name in ROUTING} <= dropped
    assert "content-type" not in dropped


def test_a_routing_header_inside_a_batch_or_a_composite_is_refused() -> None:
    inner = {"id": "a", "method": "PATCH", "url": WRITES["servicenow"][1],
             "body": base64.b64encode(b'{"state": "2"}').decode(),
             "headers": [{"name": "Content-Type", "value": "application/json"},
                         {"name": "X-Original-URL", "value": "/api/now/table/sys_user"}]}  # fmt: skip
    batch = json.dumps({"rest_requests": [inner]}).encode()
    composite = json.dumps({"compositeRequest": [{
        "method": "PATCH", "url": WRITES["salesforce"][1], "referenceId": "a",
        "body": {"Subject": "x"}, "httpHeaders": {"X-Forwarded-Host": "other.example"},
    }]}).encode()  # fmt: skip
    for crm, target, body in (("servicenow", "/api/now/v1/batch", batch),
                              ("salesforce", "/services/data/v59.0/composite", composite)):  # fmt: skip
        dialect = dialect_for(crm)
        headers = CIMultiDict({"Content-Type": "application/json"})
        with pytest.raises(AmbiguousRequest, match="route"):
            dialect.parse(dialect.canonical(RawRequest("POST", target, headers, body)))
