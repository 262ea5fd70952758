"""The forwarding client: the one seam between the proxy and the CRM.

Everything that reaches the CRM goes through ``Upstream.send``, to the configured origin only.
Tests and embedders may swap in any object with the same ``send`` (as httpx swaps transports).
"""

from __future__ import annotations

import functools
import ssl
from collections.abc import Container, Iterable
from dataclasses import dataclass
from typing import Protocol

from multidict import CIMultiDict
from yarl import URL

from guardrail.http1 import Origin

#: RFC 9110 7.6.1 hop-by-hop headers, plus the non-standard Proxy-Connection.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
#: Also never forwarded: Accept-Encoding. The proxy reads the CRM's answers (the record a
#: create made, what a read showed, what a read-back found) and relays them as they come, so
#: they must come unencoded; a CRM answers gzip or deflate whenever the request allows it, and
#: most clients allow it on every call.
_NOT_FORWARDED = HOP_BY_HOP | {"host", "content-length", "expect", "accept-encoding"}
_NOT_RETURNED = HOP_BY_HOP | {"content-length"}
GUARDRAIL_HEADER_PREFIX = "x-guardrail-"


def end_to_end(
    headers: Iterable[tuple[str, str]], drop: frozenset[str], also: Container[str] = ()
) -> CIMultiDict[str]:
    """The headers to pass on: hop-by-hop ones, those named in Connection, ``drop``, ``also``
    and every ``X-Guardrail-*`` header removed. One pass over the headers: Connection names
    its hop-by-hop headers rarely, so the kept ones are taken out again only when it does."""
    out: CIMultiDict[str] = CIMultiDict()
    named: set[str] = set()
    for name, value in headers:
        lower, passed = _passed(name, drop)
        if lower == "connection":
            named.update(token.strip().lower() for token in value.split(","))
        elif passed and lower not in also:
            out.add(name, value)
    if named:
        for gone in named.intersection(k.lower() for k in out):
            out.popall(gone)
    return out


# Bounded: header names are the sender's to choose (and ``drop`` is one of two sets).
@functools.lru_cache(maxsize=4096)
def _passed(name: str, drop: frozenset[str]) -> tuple[str, bool]:
    """``name`` lower-cased, and whether it passes ``drop`` and the X-Guardrail-* prefix, in
    any spelling: a server reading names CGI-style takes ``_`` for ``-``, so a
    ``Transfer_Encoding`` passed on would frame the body a second way."""
    lower = name.lower()
    dashed = lower.replace("_", "-")
    dropped = lower in drop or dashed in drop or dashed.startswith(GUARDRAIL_HEADER_PREFIX)
    return lower, not dropped


def request_headers(
    headers: Iterable[tuple[str, str]], also: Container[str] = ()
) -> CIMultiDict[str]:
    return end_to_end(headers, _NOT_FORWARDED, also)


def response_headers(headers: Iterable[tuple[str, str]]) -> CIMultiDict[str]:
    return end_to_end(headers, _NOT_RETURNED)


@dataclass(frozen=True, slots=True)
class UpstreamResponse:
    status: int
    headers: CIMultiDict[str]
    body: bytes


class Sender(Protocol):
    async def send(
        self, method: str, path: str, headers: CIMultiDict[str], body: bytes | None
    ) -> UpstreamResponse: ...


class Upstream:
    """Forwards requests to one CRM origin over persistent connections (``guardrail.http1``).

    Redirects are returned, never followed, no cookies are kept and bodies are passed as they
    come (no decompression, none being asked for): the proxy is shared by many agents and must
    not carry one agent's state into another's request, and the agent reads the CRM's answer
    as the CRM wrote it.
    """

    def __init__(self, base: URL, origin: Origin) -> None:
        self._prefix = base.raw_path.rstrip("/")
        self._origin = origin

    @classmethod
    def open(
        cls,
        base: URL,
        *,
        connect_timeout: float,
        timeout: float,
        max_connections: int,
        ca_file: str | None = None,
    ) -> Upstream:
        context = ssl.create_default_context(cafile=ca_file) if base.scheme == "https" else None
        if base.raw_host is None or base.port is None:
            raise ValueError(f"not an origin to forward to: {base}")
        origin = Origin(
            base.raw_host,
            base.port,
            base.host_port_subcomponent or base.raw_host,
            ssl_context=context,
            connect_timeout=connect_timeout,
            timeout=timeout,
            max_connections=max_connections,
        )
        return cls(base, origin)

    async def close(self) -> None:
        await self._origin.close()

    async def send(
        self, method: str, path: str, headers: CIMultiDict[str], body: bytes | None
    ) -> UpstreamResponse:
        """Send ``method path`` (path with query, starting with one "/") to the CRM.

        Raises UpstreamUnavailable when the CRM cannot be reached, UpstreamTimeout when it does
        not answer in time.
        """
        if not path.startswith("/") or path.startswith("//"):
            raise ValueError(f"not an origin-relative path: {path!r}")
        status, fields, payload = await self._origin.request(
            method, self._prefix + path, headers.items(), body
        )
        return UpstreamResponse(status, response_headers(fields), payload)
