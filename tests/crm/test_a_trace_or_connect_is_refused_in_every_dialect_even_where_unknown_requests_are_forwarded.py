"""TRACE asks the server to echo the request back, its session with it (RFC 9110 9.3.8: a
client must not send credentials in one), and CONNECT asks for a tunnel to another host: the
proxy forwards neither, in any dialect, even where the operator forwards requests it cannot
read (unknown_writes: forward), and nested in a batch or a composite neither is run."""

from __future__ import annotations

import json

import pytest
from multidict import CIMultiDict

from guardrail.crm.base import DialectOptions, RawRequest, dialect_for
from guardrail.errors import AmbiguousRequest
from tests.crm.helpers import WRITES

FORWARDING = DialectOptions(forward_unknown_writes=True)
JSON = CIMultiDict({"Content-Type": "application/json"})


@pytest.mark.parametrize("method", ["TRACE", "CONNECT"])
@pytest.mark.parametrize("crm", sorted(WRITES))
def test_a_trace_or_connect_is_refused_saying_what_to_send(crm: str, method: str) -> None:
    target = WRITES[crm][1]
    dialect = dialect_for(crm, FORWARDING)
    with pytest.raises(AmbiguousRequest, match="Nothing was sent") as refused:
        dialect.parse(dialect.canonical(RawRequest(method, target, JSON, b"")))
    assert method in str(refused.value)


@pytest.mark.parametrize("method", ["TRACE", "CONNECT"])
def test_a_trace_or_connect_nested_in_a_batch_or_a_composite_is_refused(method: str) -> None:
    item = {"id": "a", "method": method, "url": WRITES["servicenow"][1],
            "headers": [{"name": "Accept", "value": "application/json"}]}  # fmt: skip
    batch = json.dumps({"rest_requests": [item]}).encode()
    composite = json.dumps({"compositeRequest": [
        {"method": method, "url": WRITES["salesforce"][1], "referenceId": "a"},
    ]}).encode()  # fmt: skip
    for crm, target, body in (("servicenow", "/api/now/v1/batch", batch),
                              ("salesforce", "/services/data/v59.0/composite", composite)):  # fmt: skip
        dialect = dialect_for(crm, FORWARDING)
        with pytest.raises(AmbiguousRequest, match=method):
            dialect.parse(dialect.canonical(RawRequest("POST", target, JSON, body)))
