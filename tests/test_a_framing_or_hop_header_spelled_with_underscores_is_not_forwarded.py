"""A server (or a gateway before it) that reads header names CGI-style takes ``_`` for ``-``:
``Transfer_Encoding: chunked`` or ``Content_Length: 3`` would be a second framing of the body,
and ``Proxy_Authorization`` a credential, that the proxy neither judged nor meant to pass on.
So every spelling of a header the proxy does not forward (any case, ``_`` for any ``-``) is
dropped like the header itself, both ways."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from guardrail.upstream import request_headers, response_headers

NOT_FORWARDED = ["Transfer-Encoding", "Content-Length", "Host", "Connection", "Keep-Alive",
                 "Proxy-Authorization", "Proxy-Connection", "TE", "Trailer", "Upgrade",
                 "Expect", "Accept-Encoding"]  # fmt: skip
NOT_RETURNED = ["Transfer-Encoding", "Content-Length", "Connection", "Keep-Alive",
                "Proxy-Authenticate", "Trailer", "Upgrade"]  # fmt: skip


@st.composite
def spellings(draw: st.DrawFn, names: list[str]) -> str:
    """One of ``names`` in any case, each ``-`` kept or written ``_``."""
    name = draw(st.sampled_from(names))
    cased = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in name)
    return "".join("_" if c == "-" and draw(st.booleans()) else c for c in cased)


KEPT = [("Content-Type", "application/json"), ("Authorization", "Bearer agent")]


@given(spellings(NOT_FORWARDED))
def test_no_spelling_of_a_header_the_proxy_drops_reaches_the_crm(name: str) -> None:
    assert list(request_headers([*KEPT, (name, "chunked")]).items()) == KEPT


@given(spellings(NOT_RETURNED))
def test_no_spelling_of_a_hop_header_of_the_crm_reaches_the_agent(name: str) -> None:
    kept = [("Content-Type", "application/json")]
    assert list(response_headers([*kept, (name, "3")]).items()) == kept
