"""Requests whose HTTP framing the server's parser refused (a lowercase method, a folded or
repeated framing header, Content-Length with chunked, a control byte, an oversized line, a bad
chunk) are refused as the proxy refuses any request it cannot judge: in the CRM's error format,
recorded, and their connection closed, since what follows on it cannot be framed either.

aiohttp would answer them itself, in plain text no CRM client reads, with no decision recorded.
What this relies on in aiohttp (each pinned by tests/test_framing.py, so an upgrade that changes
it fails there):

- a parse error reaches the public ``RequestHandler.handle_error(request, 400, exc)``, ``exc``
  an ``HttpProcessingError``, with a request that knows its peer (``request.remote``), and the
  response it returns is prepared before any byte of it is written;
- a ``web.Server`` is the protocol factory a site serves, making each connection's
  ``RequestHandler``, and its public ``request_handler`` and ``request_factory`` are what it
  serves, so an AppRunner's server (the application's life) can be served by another.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import BadHttpMethod, HttpProcessingError, InvalidURLError, LineTooLong

from guardrail.errors import MalformedRequest, RequestRejected

Refuse = Callable[[RequestRejected], web.StreamResponse]

#: What is wrong, by the parser's error class (first match). Never the parser's message: it
#: quotes the bytes it stopped at, which may be an Authorization header's.
_WRONG: tuple[tuple[type[HttpProcessingError], str], ...] = (
    (LineTooLong, "its request line or a header is longer than 8190 bytes"),
    (BadHttpMethod, "its method is not an HTTP method"),
    (InvalidURLError, "its request target is not a valid URL"),
)
_FIX = (
    "Nothing was sent. Send it again on a new connection as one well-formed HTTP/1.1 request: "
    "an uppercase method, a target in printable ASCII (percent-encode anything else), each "
    "header once as 'Name: value' on one line (no space before the colon, no folded lines, no "
    "control characters), no line over 8190 bytes, and a body framed by either Content-Length "
    "or Transfer-Encoding: chunked, never both."
)


def unreadable(error: HttpProcessingError, peer: str | None) -> MalformedRequest:
    """The refusal of a request the parser could not read, naming its peer."""
    wrong = next(
        (text for kind, text in _WRONG if isinstance(error, kind)), "its framing is broken"
    )
    return MalformedRequest(
        f"crm-guardrail could not read the HTTP request from {peer or 'an unknown peer'}: "
        f"{wrong}. {_FIX}"
    )


class FramingHandler(web.RequestHandler):
    """A connection whose unreadable requests are refused through ``refuse``."""

    def __init__(self, manager: web.Server, refuse: Refuse, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self._refuse = refuse

    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if not isinstance(exc, HttpProcessingError):  # the handler failed: aiohttp's answer
            return super().handle_error(request, status, exc, message)
        response = self._refuse(unreadable(exc, request.remote))
        response.force_close()
        return response


class FramingServer(web.Server):
    """Serves what ``served`` serves, over connections that refuse broken framing."""

    def __init__(self, served: web.Server, refuse: Refuse, **kwargs: Any) -> None:
        super().__init__(served.request_handler, request_factory=served.request_factory, **kwargs)
        loop = asyncio.get_running_loop()
        self._connection = functools.partial(FramingHandler, self, refuse, loop=loop, **kwargs)

    def __call__(self) -> web.RequestHandler:
        return self._connection()
