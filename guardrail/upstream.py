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

import aiohttp
from multidict import CIMultiDict
from yarl import URL

from guardrail.errors import UpstreamTimeout, UpstreamUnavailable

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
_NOT_FORWARDED = HOP_BY_HOP | {"host", "content-length", "expect"}
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
    """``name`` lower-cased, and whether it passes ``drop`` and the X-Guardrail-* prefix."""
    lower = name.lower()
    return lower, not (lower in drop or lower.startswith(GUARDRAIL_HEADER_PREFIX))


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
    """Forwards requests to one CRM origin over a pooled aiohttp session.

    Redirects are returned, never followed, and no cookies are kept: the proxy is shared by many
    agents and must not carry one agent's state into another's request.
    """

    def __init__(self, base: URL, session: aiohttp.ClientSession) -> None:
        self.base = str(base).rstrip("/")
        self._session = session

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
        connector = aiohttp.TCPConnector(limit=max_connections, ssl=context or False)
        session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=timeout, connect=connect_timeout),
            auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
        )
        return cls(base, session)

    async def close(self) -> None:
        await self._session.close()

    async def send(
        self, method: str, path: str, headers: CIMultiDict[str], body: bytes | None
    ) -> UpstreamResponse:
        """Send ``method path`` (path with query, starting with one "/") to the CRM.

        Raises UpstreamUnavailable when the CRM cannot be reached, UpstreamTimeout when it does
        not answer in time.
        """
        if not path.startswith("/") or path.startswith("//"):
            raise ValueError(f"not an origin-relative path: {path!r}")
        url = URL(self.base + path, encoded=True)
        try:
            async with self._session.request(
                method, url, headers=headers, data=body or None, allow_redirects=False
            ) as response:
                payload = await response.read()
                return UpstreamResponse(
                    response.status, response_headers(response.headers.items()), payload
                )
        except aiohttp.ClientConnectorError:
            raise UpstreamUnavailable(
                "crm-guardrail could not connect to the CRM; the request was not sent. Retry later."
            ) from None
        except TimeoutError:
            raise UpstreamTimeout(
                "The CRM did not answer in time. A write may or may not have been saved: read the "
                "record before retrying."
            ) from None
        except aiohttp.ClientError:
            raise UpstreamUnavailable(
                "The connection to the CRM failed mid-request. A write may or may not have been "
                "saved: read the record before retrying."
            ) from None
