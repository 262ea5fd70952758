"""A header the Connection header names never reaches the CRM: a proxy removes every header
Connection lists (RFC 9110 7.6.1), and crm-guardrail forwards that way. A dialect that read the
header first judged a request the CRM never got: a body parsed as JSON by its Content-Type, sent
without one (Rack parses a POST of no type as a form); a write judged with Sforce-Auto-Assign or
X-On-Behalf-Of, made without. Such a request is refused, in every dialect; a Connection naming
only hop-by-hop headers, or headers not sent, drops nothing the proxy read, and passes."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict

from guardrail.crm.base import RawRequest, dialect_for
from guardrail.errors import AmbiguousRequest
from tests.crm.helpers import WRITES

#: Headers each dialect reads into its judgement, besides Content-Type.
READ = {
    "salesforce": {"Sforce-Auto-Assign": "FALSE", "If-Match": '"abc"', "Accept": "*/*"},
    "zendesk": {"X-On-Behalf-Of": "customer@example.com"},
    "servicenow": {"Accept": "application/json", "X-no-response-body": "false"},
}
#: What Connection may name that describes the connection only.
HOP = ["close", "keep-alive", "Upgrade", "TE", "Keep-Alive"]


def _raw(crm: str, extra: dict[str, str]) -> RawRequest:
    method, target, body = WRITES[crm]
    headers = CIMultiDict({"Content-Type": "application/json", **extra})
    return RawRequest(method, target, headers, json.dumps(body).encode())


def _cased(name: str, flips: list[bool]) -> str:
    return "".join(c.upper() if flip else c.lower() for c, flip in zip(name, flips, strict=False))


@given(
    crm=st.sampled_from(sorted(WRITES)),
    data=st.data(),
    flips=st.lists(st.booleans(), min_size=40, max_size=40),
    hops=st.lists(st.sampled_from(HOP), max_size=2),
    space=st.sampled_from(["", " ", "  "]),
)
def test_a_header_sent_and_named_in_connection_is_refused_in_every_dialect(
    crm: str, data: st.DataObject, flips: list[bool], hops: list[str], space: str
) -> None:
    sent = {**READ[crm], "Content-Type": "application/json"}
    named = data.draw(st.sampled_from(sorted(sent)))
    tokens = data.draw(st.permutations([*hops, _cased(named, flips)]))
    connection = f",{space}".join(tokens)
    dialect = dialect_for(crm)
    with pytest.raises(AmbiguousRequest, match="Connection") as refused:
        dialect.canonical(_raw(crm, {**READ[crm], "Connection": connection}))
    assert named.lower() in refused.value.message.lower()
    assert "without" in refused.value.message


@pytest.mark.parametrize("crm", sorted(WRITES))
@pytest.mark.parametrize(
    "connection", ["close", "keep-alive", "Upgrade, HTTP2-Settings", "close, X-Not-Sent"]
)
def test_a_connection_dropping_nothing_the_proxy_read_passes(crm: str, connection: str) -> None:
    dialect = dialect_for(crm)
    raw = _raw(crm, {"Connection": connection, "HTTP2-Settings": "AAMAAABkAARAAAAAAAIAAAAA"})
    parsed = dialect.parse(dialect.canonical(raw))
    assert len(parsed.intents) == 1
