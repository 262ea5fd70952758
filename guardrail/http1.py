"""A keep-alive HTTP/1.1 client for one origin: the wire under ``guardrail.upstream``.

The proxy forwards to one fixed CRM origin, so a general client's work per request (URL
resolution, per-host pools, cookie jars, redirects, middlewares, trace hooks) buys nothing; in
aiohttp's ClientSession it was 29% of handling a write. Here a small pool of persistent
connections to the origin each carry one exchange at a time: the request goes out in one write,
and llhttp (httptools, the parser uvicorn uses) reads the answer in C.

A request is sent at most once, except where nothing of it can have been processed: on a
reused idle connection that fails before any byte of an answer, an idempotent method is sent
again once (RFC 9112 9.3.1), as is any request whose connection was found dead before a byte
of it was written. A POST or PATCH whose bytes left is never sent twice: the CRM may have
made the write, and a second would make it again.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from collections.abc import Iterable
from typing import cast

import httptools

from guardrail.errors import UpstreamTimeout, UpstreamUnavailable

#: RFC 9110 9.2.2: sent again after a reused connection failed before any answer.
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})
#: Methods whose bodiless requests carry no ``Content-Length: 0`` (as aiohttp sent them).
_BODILESS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "CONNECT"})
#: An answer's header section past this is refused: the CRM's are a few hundred bytes.
MAX_HEAD_BYTES = 64 * 1024
#: A connection idle this long is closed rather than reused: the longer it idled, the likelier
#: the origin is closing it just as a request goes out (aiohttp's default).
IDLE_SECONDS = 15.0

NOT_SENT = "crm-guardrail could not connect to the CRM; the request was not sent. Retry later."
TIMED_OUT = (
    "The CRM did not answer in time. A write may or may not have been saved: read the record "
    "before retrying."
)
MID_REQUEST = (
    "The connection to the CRM failed mid-request. A write may or may not have been saved: "
    "read the record before retrying."
)

Answer = tuple[int, list[tuple[str, str]], bytes]


class Connection(asyncio.Protocol):
    """One persistent connection: one exchange at a time, its answer parsed as it arrives."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.gone = loop.create_future()  # done once the connection is lost
        self.served = 0  # answers read: a connection that served one is a reused one
        self.idle_since = 0.0
        self.written = False  # whether the current request's bytes went out
        self.answered = False  # whether any byte of the current answer came back
        self.reusable = False  # whether the last answer leaves the connection open for more
        self._waiter: asyncio.Future[Answer] | None = None
        self._head_only = False
        self._status = 0
        self._headers: list[tuple[str, str]] = []
        self._head_bytes = 0
        self._body: list[bytes] = []

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's are not subclasses

    def data_received(self, data: bytes) -> None:
        if self._waiter is None:  # nothing asked: what came is not an answer to trust
            self._stray()
            return
        self.answered = True
        try:
            self._parser.feed_data(data)
        except (httptools.HttpParserError, httptools.HttpParserUpgrade) as exc:
            # HttpParserUpgrade: a 101 to a request that asked for no other protocol.
            self._fail(ConnectionResetError(f"the CRM's answer does not parse: {exc!r}"))

    def eof_received(self) -> bool:
        return False  # half-closed by the origin: close, and let connection_lost settle it

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.gone.done():
            self.gone.set_result(None)
        if self._waiter is None:
            return
        if self._status and self._until_eof():  # an answer delimited by the close: complete
            self.reusable = False
            self._complete()
        else:
            self._fail(ConnectionResetError(f"the CRM closed the connection ({exc or 'EOF'})"))

    # httptools callbacks

    def on_message_begin(self) -> None:
        if self._waiter is None:  # a second answer to one request: the framing is off
            self._stray()

    def on_header(self, name: bytes, value: bytes) -> None:
        self._head_bytes += len(name) + len(value)
        if self._head_bytes > MAX_HEAD_BYTES:
            raise ValueError(f"the answer's header section is over {MAX_HEAD_BYTES} bytes")
        self._headers.append(
            (name.decode("utf-8", "surrogateescape"), value.decode("utf-8", "surrogateescape"))
        )

    def on_headers_complete(self) -> None:
        self._status = self._parser.get_status_code()
        if self._head_only and self._status >= 200 and self._waiter is not None:
            # An answer to HEAD has no body whatever its Content-Length says; the parser is not
            # told so, so a new one reads the next answer.
            self.reusable = self._keeps_alive()
            self._parser = httptools.HttpResponseParser(self)
            self._complete()

    def on_body(self, body: bytes) -> None:
        if self._waiter is None:  # bytes after an answer to HEAD: the framing is off
            self._stray()
        else:
            self._body.append(body)

    def on_message_complete(self) -> None:
        if self._waiter is None:
            return
        if self._status < 200:  # 1xx: informational, the answer follows
            self._status, self._headers, self._head_bytes = 0, [], 0
            return
        self.reusable = self._keeps_alive()
        self._complete()

    # the exchange

    async def exchange(self, data: bytes, head_only: bool, deadline: float) -> Answer:
        """Send ``data`` (one whole request) and read the answer by ``deadline``."""
        transport = self.transport
        self.written = self.answered = self.reusable = False
        if transport is None or not self.alive:
            raise ConnectionResetError("the connection was closed before the request was sent")
        self._head_only = head_only
        self._status, self._headers, self._head_bytes, self._body = 0, [], 0, []
        waiter: asyncio.Future[Answer] = self._loop.create_future()
        self._waiter = waiter
        transport.write(data)
        self.written = True
        timer = self._loop.call_at(deadline, self._expire)
        try:
            return await waiter
        finally:
            timer.cancel()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def _keeps_alive(self) -> bool:
        """HTTP/1.1 that does not say close: an HTTP/1.0 answer's connection is not reused."""
        parser = self._parser
        return parser.should_keep_alive() and parser.get_http_version() == "1.1"

    def _until_eof(self) -> bool:
        """Whether the answer's body runs to the close: no Content-Length, not chunked."""
        if self._head_only or self._status in (204, 304):
            return False
        for name, value in self._headers:
            lowered = name.lower()
            if lowered == "content-length":
                return False
            if lowered == "transfer-encoding" and value.rsplit(",", 1)[-1].strip() == "chunked":
                return False
        return True

    def _complete(self) -> None:
        waiter, self._waiter = self._waiter, None
        self.served += 1
        if waiter is not None and not waiter.done():
            waiter.set_result((self._status, self._headers, b"".join(self._body)))

    def _fail(self, exc: BaseException) -> None:
        waiter, self._waiter = self._waiter, None
        self.reusable = False
        self.close()
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)

    def _expire(self) -> None:
        if self.transport is not None:  # the answer may still come: this connection is done
            self.transport.abort()
        self._fail(TimeoutError())

    def _stray(self) -> None:
        self.reusable = False
        self.close()

    @property
    def alive(self) -> bool:
        transport = self.transport
        return transport is not None and not transport.is_closing() and not self.gone.done()


class Origin:
    """Persistent connections to one origin, at most ``max_connections`` of them, the most
    recently used reused first (it is the least likely to have been closed by the origin)."""

    def __init__(
        self,
        host: str,
        port: int,
        host_header: str,
        *,
        ssl_context: ssl.SSLContext | None,
        connect_timeout: float,
        timeout: float,
        max_connections: int,
    ) -> None:
        self._host, self._port, self._ssl = host, port, ssl_context
        self._request_line_host = f" HTTP/1.1\r\nHost: {host_header}\r\n"
        self._connect_timeout, self._timeout = connect_timeout, timeout
        self._max = max_connections
        self._idle: list[Connection] = []
        self._open: set[Connection] = set()
        self._connecting = 0
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._closed = False

    async def request(
        self, method: str, target: str, headers: Iterable[tuple[str, str]], body: bytes | None
    ) -> Answer:
        """Send one request, ``target`` the origin-form path and query; raise
        UpstreamUnavailable (the message says whether anything was sent) or UpstreamTimeout."""
        data = self._serialize(method, target, headers, body)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timeout
        for attempt in (1, 2):
            connection = await self._acquire(loop, deadline)
            try:
                answer = await connection.exchange(data, method == "HEAD", deadline)
            except TimeoutError:
                self._discard(connection)
                raise UpstreamTimeout(TIMED_OUT) from None
            except ConnectionError:
                self._discard(connection)
                if attempt == 1 and _unprocessed(connection, method):
                    continue
                raise UpstreamUnavailable(MID_REQUEST if connection.written else NOT_SENT) from None
            except BaseException:  # cancelled mid-exchange: the connection's state is unknown
                self._discard(connection)
                raise
            self._release(connection, loop)
            return answer
        raise AssertionError("unreachable: the second attempt returns or raises")

    async def close(self) -> None:
        """Close every connection, idle or in use (their requests fail), and wait for them."""
        self._closed = True
        connections = list(self._open)
        for connection in connections:
            connection.close()
        self._idle.clear()
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
        if connections:
            await asyncio.wait([c.gone for c in connections], timeout=self._connect_timeout)

    def _serialize(
        self, method: str, target: str, headers: Iterable[tuple[str, str]], body: bytes | None
    ) -> bytes:
        """The request's bytes. A CR or LF in a field would smuggle a header or a request:
        refused, as aiohttp refused it."""
        lines = [f"{name}: {value}\r\n" for name, value in headers]
        fields = "".join(lines)
        if fields.count("\n") != len(lines) or fields.count("\r") != len(lines):
            raise ValueError("a header name or value holds a CR or LF")
        if not (method.isalpha() and target.isascii() and target.isprintable()) or " " in target:
            raise ValueError(f"not a request line to send: {method!r} {target!r}")
        if body or method not in _BODILESS:
            fields += f"Content-Length: {len(body) if body else 0}\r\n"
        head = f"{method} {target}{self._request_line_host}{fields}\r\n".encode()
        return head + body if body else head

    async def _acquire(self, loop: asyncio.AbstractEventLoop, deadline: float) -> Connection:
        """An open connection: an idle one, a new one while under the bound, else the next one
        released. Waiting and connecting share the connect timeout (and the total's deadline)."""
        by = min(deadline, loop.time() + self._connect_timeout)
        while True:
            if self._closed:
                raise UpstreamUnavailable(NOT_SENT)
            while self._idle:
                connection = self._idle.pop()
                if connection.alive and loop.time() - connection.idle_since < IDLE_SECONDS:
                    return connection
                self._discard(connection)
            if len(self._open) + self._connecting < self._max:
                return await self._connect(loop, by)
            await self._wait(loop, by)

    async def _wait(self, loop: asyncio.AbstractEventLoop, by: float) -> None:
        """Until a connection or a place is free (the caller looks again), or ``by``."""
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout_at(by):
                await waiter
        except BaseException as exc:
            if waiter.done():  # woken, but gone before looking: the turn passes on
                self._wake()
            else:
                waiter.cancel()
                self._waiters.remove(waiter)
            if isinstance(exc, TimeoutError):
                raise UpstreamUnavailable(NOT_SENT) from None
            raise

    async def _connect(self, loop: asyncio.AbstractEventLoop, by: float) -> Connection:
        self._connecting += 1
        try:
            async with asyncio.timeout_at(by):
                _, connection = await loop.create_connection(
                    lambda: Connection(loop),
                    self._host,
                    self._port,
                    ssl=self._ssl,
                    server_hostname=self._host if self._ssl else None,
                )
        except (OSError, TimeoutError):  # refused, unresolved, TLS refused, or too slow
            raise UpstreamUnavailable(NOT_SENT) from None
        finally:
            self._connecting -= 1
            self._wake()  # a failed attempt frees its place
        if self._closed:
            connection.close()
            raise UpstreamUnavailable(NOT_SENT)
        self._open.add(connection)
        return connection

    def _release(self, connection: Connection, loop: asyncio.AbstractEventLoop) -> None:
        if not connection.reusable or self._closed or not connection.alive:
            self._discard(connection)
            return
        connection.idle_since = loop.time()
        self._idle.append(connection)
        self._wake()

    def _discard(self, connection: Connection) -> None:
        connection.close()
        self._open.discard(connection)
        self._wake()

    def _wake(self) -> None:
        """Tell the longest waiting request to look again: a place or a connection is free."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return


def _unprocessed(connection: Connection, method: str) -> bool:
    """Whether a failed request cannot have been processed, so it may go again: its connection
    was dead before it was written, or was a reused idle one that failed before answering an
    idempotent request."""
    if not connection.written:
        return True
    return connection.served > 0 and not connection.answered and method in IDEMPOTENT
