"""A header the Connection header names never reaches the CRM: a proxy removes every header
Connection lists (RFC 9110 7.6.1), and crm-guardrail forwards so. A dialect that read it first
judged a request the CRM never got: a body parsed as JSON by a Content-Type the CRM did not get
(Rack parses a POST of no type as a form); a write judged with Sforce-Auto-Assign, If-Match or
X-On-Behalf-Of, made without. In every dialect a request is read as the CRM gets it: exactly as
the same request without the headers Connection names (refused alike, where that one is), and a
Connection naming only a hop's own headers changes nothing."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict

from guardrail.crm.base import RawRequest, dialect_for
from guardrail.errors import RequestRejected
from tests.crm.helpers import WRITES

#: Headers each dialect reads into its judgement, besides Content-Type.
READ = {
    "salesforce": {"Sforce-Auto-Assign": "FALSE", "If-Match": '"abc"', "Accept": "*/*"},
    "zendesk": {"X-On-Behalf-Of": "customer@example.com"},
    "servicenow": {"Accept": "application/json", "X-no-response-body": "false"},
}
#: What a Connection header names that describes the connection only.
HOP = ["close", "keep-alive", "Upgrade", "TE", "Keep-Alive", "HTTP2-Settings"]


def reading(crm: str, headers: dict[str, str]) -> Any:
    """What ``crm``'s dialect reads of its plain write sent with ``headers``: the request it
    judges and forwards and the intents in it, or the refusal."""
    method, target, body = WRITES[crm]
    dialect = dialect_for(crm)
    raw = RawRequest(method, target, CIMultiDict(headers), json.dumps(body).encode())
    try:
        canonical = dialect.canonical(raw)
        parsed = dialect.parse(canonical)
    except RequestRejected as refused:
        return type(refused), refused.message
    kept = (canonical.method, canonical.target, canonical.payload, dict(canonical.headers),
            dict(canonical.conditions), canonical.media_type)  # fmt: skip
    return kept, parsed.intents


def _cased(name: str, flips: list[bool]) -> str:
    return "".join(c.upper() if flip else c.lower() for c, flip in zip(name, flips, strict=False))


@given(
    crm=st.sampled_from(sorted(WRITES)),
    data=st.data(),
    flips=st.lists(st.booleans(), min_size=40, max_size=40),
    hops=st.lists(st.sampled_from(HOP), max_size=2),
    space=st.sampled_from(["", " ", "  "]),
)
def test_a_request_is_read_without_the_headers_its_connection_header_names(
    crm: str, data: st.DataObject, flips: list[bool], hops: list[str], space: str
) -> None:
    sent = {"Content-Type": "application/json", **READ[crm]}
    named = data.draw(st.lists(st.sampled_from(sorted(sent)), min_size=1, unique=True))
    tokens = data.draw(st.permutations([*hops, *(_cased(name, flips) for name in named)]))
    connection = f",{space}".join(tokens)
    without = {name: value for name, value in sent.items() if name not in named}
    assert reading(crm, {**sent, "Connection": connection}) == reading(
        crm, {**without, "Connection": connection}
    )
    assert reading(crm, {**sent, "Connection": connection}) == reading(crm, without)


@given(crm=st.sampled_from(sorted(WRITES)), hops=st.lists(st.sampled_from(HOP), max_size=3))
def test_a_connection_naming_only_a_hops_own_headers_changes_nothing(
    crm: str, hops: list[str]
) -> None:
    sent = {"Content-Type": "application/json", **READ[crm], "HTTP2-Settings": "AAMAAABk"}
    assert reading(crm, {**sent, "Connection": ", ".join(hops)}) == reading(crm, sent)
