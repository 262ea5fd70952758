"""What a browser may not do to the admin listener for another site: reach it by another name
(DNS rebinding), or send it a state-changing request (cross-site request forgery).

DNS rebinding. A page on ``evil.example`` can have its name resolve to 127.0.0.1 and then call
the admin listener as its own origin: same-origin, so it reads the answers and posts forms with
the CSRF token it read. The browser still sends ``Host: evil.example``. Where the admin API
lets anonymous callers in (no API token configured), a request is answered only for a Host the
listener is known by: ``localhost``, its ``admin_listen`` host, the names in ``admin_hosts``,
or any IP address (an address resolves to nothing else, so probes and scrapers that call the
pod by its address still work). With API tokens configured a request must carry one, which
such a page does not have.

Forgery. A browser sends ``Origin`` (or at least ``Referer``) with every form post and
cross-site fetch; a state-changing request whose origin names another host than the one it
was sent to is refused. Programs send neither and are not affected. Hosts are compared without
scheme, so TLS ended at a reverse proxy that keeps the Host header still works.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from guardrail.admin.jsonapi import Refusal

#: Names of the loopback interface a browser cannot be made to resolve elsewhere.
LOOPBACK_NAMES = frozenset({"localhost"})
#: In ``admin_hosts``: answer to any name (a reverse proxy in front checks them).
ANY = "*"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def known_hosts(listen_host: str, configured: Iterable[str]) -> frozenset[str]:
    """The names the admin listener answers to where it lets anonymous callers in."""
    return frozenset({*LOOPBACK_NAMES, _name(listen_host), *(_name(h) for h in configured)})


def guarded(hosts: frozenset[str], *, check_host: bool) -> Middleware:
    """The admin listener's middleware: with ``check_host``, a request for a Host not in
    ``hosts`` is refused (403); a state-changing JSON API request from another site too. The
    review page checks its posts' origin itself, to answer in HTML."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            if check_host:
                _check_host(request, hosts)
            if request.method not in SAFE_METHODS and request.path.startswith("/guardrail/"):
                check_origin(request)
        except Refusal as refusal:
            return web.json_response(refusal.body, status=refusal.status)
        return await handler(request)

    return middleware


def check_origin(request: web.Request) -> None:
    """Raises Refusal (403) for a request whose ``Origin`` (or, without one, ``Referer``)
    names another host than the one it was sent to."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if source is None:
        return  # not a browser (browsers send Origin on every post)
    sent_from = urlsplit(source).netloc.rpartition("@")[2] if source != "null" else ""
    if _authority(sent_from) != _authority(request.host):
        raise Refusal(
            403,
            "cross_origin",
            "This request was sent from another site, so it was not accepted. Open the review "
            "page itself and submit the form there, or call the API from a program.",
        )


def _check_host(request: web.Request, hosts: frozenset[str]) -> None:
    given = request.headers.get("Host")
    if given is None or ANY in hosts:
        return  # a browser always sends Host
    name = _name(given)
    if name in hosts or _is_address(name):
        return
    raise Refusal(
        403,
        "host_not_allowed",
        f"The admin listener does not answer to the name {name!r}: it takes no credentials, so "
        "it answers only to localhost, its admin_listen host, an IP address and the names in "
        "admin_hosts (GUARDRAIL_ADMIN_HOSTS). Add this name there, or configure api_tokens.",
    )


def _name(host: str) -> str:
    """The host name of a ``Host`` value (``name[:port]``, ``[v6]:port``), as DNS compares it:
    lower case, no trailing dot, no brackets."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    name, colon, port = host.rpartition(":")
    if colon and port.isdigit() and ":" not in name:
        host = name
    return host.rstrip(".")


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _authority(host: str) -> str:
    """``host[:port]`` as a browser writes it in Origin: lower case, default ports left out."""
    host = host.lower()
    for default in (":80", ":443"):
        host = host.removesuffix(default)
    return host
