"""The forwarding client on the wire (guardrail.http1 under Upstream): persistent
connections reused while the origin keeps them, every framing of an answer read, time bounded,
TLS with the configured CA, and a request sent again only when nothing of it can have been
processed (a write whose bytes left is never sent twice)."""

from __future__ import annotations

import asyncio
import re
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from multidict import CIMultiDict
from yarl import URL

from guardrail.errors import UpstreamTimeout, UpstreamUnavailable
from guardrail.testing import TestCA
from guardrail.upstream import Upstream

pytestmark = pytest.mark.e2e  # each test starts an origin server on 127.0.0.1

Script = Callable[[bytes, int, int], Awaitable[bytes | None]]


class ScriptedOrigin:
    """An origin on 127.0.0.1 that answers each request with what ``script(request, connection
    number, request number on that connection)`` returns (None: close without answering), and
    records every request it read, as bytes, by connection."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.connections: list[list[bytes]] = []
        self.port = 0
        self._writers: list[asyncio.StreamWriter] = []
        self._server: asyncio.Server | None = None

    async def start(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=ssl_context)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        assert self._server is not None
        self._server.close()
        await self.hang_up()

    async def hang_up(self) -> None:
        """Close every connection, as an origin closes those idle too long."""
        for writer in self._writers:
            writer.close()
        await asyncio.sleep(0.05)  # the client reads the close

    @property
    def requests(self) -> list[bytes]:
        return [request for connection in self.connections for request in connection]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen: list[bytes] = []
        self.connections.append(seen)
        self._writers.append(writer)
        number = len(self.connections)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
                body = await reader.readexactly(int(length[1])) if length else b""
                seen.append(head + body)
                answer = await self.script(head + body, number, len(seen))
                if answer is None:
                    break
                writer.write(answer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def answer(status: str = "200 OK", body: bytes = b"ok", *headers: str) -> bytes:
    """An HTTP/1.1 answer with a Content-Length."""
    head = "".join(f"{h}\r\n" for h in (*headers, f"Content-Length: {len(body)}"))
    return f"HTTP/1.1 {status}\r\n{head}\r\n".encode() + body


async def always(request: bytes, connection: int, number: int) -> bytes | None:
    return answer()


async def dies_on_the_second(request: bytes, connection: int, number: int) -> bytes | None:
    """Answers a connection's first request; reads its second and closes unanswered."""
    return answer() if number == 1 else None


Made = tuple[ScriptedOrigin, Upstream]


@pytest.fixture
async def origin() -> AsyncIterator[Callable[..., Awaitable[Made]]]:
    """A ScriptedOrigin with this script, and an Upstream to it (both closed after the test)."""
    made: list[Made] = []

    async def make(
        script: Script = always,
        *,
        total: float = 5,
        max_connections: int = 10,
        ssl_context: ssl.SSLContext | None = None,
        ca_file: Path | None = None,
        base: str = "",
    ) -> Made:
        server = ScriptedOrigin(script)
        await server.start(ssl_context)
        scheme = "https" if ssl_context else "http"
        upstream = Upstream.open(
            URL(f"{scheme}://127.0.0.1:{server.port}{base}"),
            connect_timeout=2,
            timeout=total,
            max_connections=max_connections,
            ca_file=str(ca_file) if ca_file else None,
        )
        made.append((server, upstream))
        return server, upstream

    yield make
    for server, upstream in made:
        await upstream.close()
        await server.close()


JSON = CIMultiDict({"Authorization": "Bearer t", "Content-Type": "application/json"})


def methods(server: ScriptedOrigin) -> list[bytes]:
    return [request.split(b" ", 1)[0] for request in server.requests]


async def test_requests_go_out_as_given_with_the_origins_host_and_base_path(origin: Any) -> None:
    server, upstream = await origin(base="/crm/")
    headers = CIMultiDict([*JSON.items(), ("Accept", "a/b"), ("Accept", "c/d")])
    got = await upstream.send("POST", "/v1/Case?x=%2F", headers, b'{"a": 1}')
    assert (got.status, got.body) == (200, b"ok")
    await upstream.send("GET", "/v1/Case", JSON, None)
    assert server.requests == [
        f"POST /crm/v1/Case?x=%2F HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        "Authorization: Bearer t\r\nContent-Type: application/json\r\n"
        'Accept: a/b\r\nAccept: c/d\r\nContent-Length: 8\r\n\r\n{"a": 1}'.encode(),
        f"GET /crm/v1/Case HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        "Authorization: Bearer t\r\nContent-Type: application/json\r\n\r\n".encode(),
    ]


async def test_a_line_break_in_a_header_or_a_space_in_the_path_is_refused_and_nothing_sent(
    origin: Any,
) -> None:
    server, upstream = await origin()
    with pytest.raises(ValueError, match="CR or LF"):
        await upstream.send("GET", "/", CIMultiDict({"X-A": "1\r\nX-Injected: yes"}), None)
    with pytest.raises(ValueError, match="request line"):
        await upstream.send("GET", "/a HTTP/1.1\r\n", JSON, None)
    with pytest.raises(ValueError, match="origin-relative"):
        await upstream.send("GET", "//elsewhere.example/", JSON, None)
    assert server.requests == []


async def test_connections_are_kept_alive_and_reused(origin: Any) -> None:
    server, upstream = await origin()
    for method in ("GET", "PATCH", "POST", "DELETE"):
        assert (await upstream.send(method, "/", JSON, b"{}")).status == 200
    assert [len(c) for c in server.connections] == [4]


async def test_no_more_connections_are_opened_than_the_bound(origin: Any) -> None:
    async def slow(request: bytes, connection: int, number: int) -> bytes | None:
        await asyncio.sleep(0.05)
        return answer()

    server, upstream = await origin(slow, max_connections=2)
    answers = await asyncio.gather(*(upstream.send("GET", "/", JSON, None) for _ in range(6)))
    assert [a.body for a in answers] == [b"ok"] * 6
    assert [len(c) for c in server.connections] == [3, 3]


async def test_a_chunked_answer_is_read_whole_and_returned_without_its_framing(
    origin: Any,
) -> None:
    async def chunked(request: bytes, connection: int, number: int) -> bytes | None:
        return (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Crm: 1\r\n\r\n"
            b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        )

    server, upstream = await origin(chunked)
    for _ in range(2):
        got = await upstream.send("GET", "/", JSON, None)
        assert got.body == b"hello world"
        assert list(got.headers.items()) == [("X-Crm", "1")]
    assert len(server.connections) == 1


async def test_answers_are_returned_as_the_crm_wrote_them(origin: Any) -> None:
    """No redirect followed, no cookie kept and sent back, no body decompressed."""

    async def crm(request: bytes, connection: int, number: int) -> bytes | None:
        return answer(
            "302 Found", b"\x1f\x8b", "Location: /elsewhere", "Set-Cookie: sid=1",
            "Content-Encoding: gzip",
        )  # fmt: skip

    server, upstream = await origin(crm)
    for _ in range(2):
        got = await upstream.send("GET", "/", JSON, None)
        assert (got.status, got.body, got.headers["Location"]) == (302, b"\x1f\x8b", "/elsewhere")
    assert methods(server) == [b"GET", b"GET"]
    assert not any(b"sid=1" in request for request in server.requests)


async def test_answers_to_head_and_204_and_304_have_no_body_and_keep_the_connection(
    origin: Any,
) -> None:
    async def bodiless(request: bytes, connection: int, number: int) -> bytes | None:
        if request.startswith(b"HEAD"):
            return b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
        if number in (2, 3):
            return f"HTTP/1.1 {204 if number == 2 else 304} -\r\n\r\n".encode()
        return answer()

    server, upstream = await origin(bodiless)
    got = [
        await upstream.send("HEAD", "/", JSON, None),
        await upstream.send("PATCH", "/", JSON, b"{}"),
        await upstream.send("GET", "/", JSON, None),
        await upstream.send("GET", "/", JSON, None),
    ]
    assert [(a.status, a.body) for a in got] == [(200, b""), (204, b""), (304, b""), (200, b"ok")]
    assert len(server.connections) == 1


async def test_an_answer_that_says_connection_close_ends_its_connection(origin: Any) -> None:
    async def closing(request: bytes, connection: int, number: int) -> bytes | None:
        return answer("200 OK", b"ok", "Connection: close")

    server, upstream = await origin(closing)
    for _ in range(3):
        assert (await upstream.send("POST", "/", JSON, b"{}")).body == b"ok"
    assert [len(c) for c in server.connections] == [1, 1, 1]


async def test_an_http_1_0_answer_does_not_keep_its_connection(origin: Any) -> None:
    async def old(request: bytes, connection: int, number: int) -> bytes | None:
        return b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"

    server, upstream = await origin(old)
    for _ in range(2):
        assert (await upstream.send("GET", "/", JSON, None)).body == b"ok"
    assert len(server.connections) == 2


async def test_an_answer_delimited_by_the_close_is_read_whole(origin: Any) -> None:
    async def until_close(request: bytes, connection: int, number: int) -> bytes | None:
        return b"HTTP/1.0 200 OK\r\n\r\nall of it"

    server, upstream = await origin(until_close)
    got = asyncio.create_task(upstream.send("GET", "/", JSON, None))
    await asyncio.sleep(0.05)
    await server.hang_up()
    assert (await got).body == b"all of it"


async def test_a_connection_the_origin_closed_while_idle_is_replaced_and_a_write_sent_once(
    origin: Any,
) -> None:
    server, upstream = await origin()
    await upstream.send("GET", "/", JSON, None)
    await server.hang_up()
    assert (await upstream.send("POST", "/", JSON, b"{}")).body == b"ok"
    assert [len(c) for c in server.connections] == [1, 1]
    assert methods(server) == [b"GET", b"POST"]


async def test_a_post_on_a_reused_connection_that_dies_unanswered_is_never_sent_twice(
    origin: Any,
) -> None:
    server, upstream = await origin(dies_on_the_second)
    await upstream.send("GET", "/", JSON, None)
    with pytest.raises(UpstreamUnavailable, match="may or may not have been saved"):
        await upstream.send("POST", "/", JSON, b'{"Amount": 50}')
    assert methods(server) == [b"GET", b"POST"]


async def test_a_read_on_a_reused_connection_that_dies_unanswered_is_sent_again_once(
    origin: Any,
) -> None:
    server, upstream = await origin(dies_on_the_second)
    await upstream.send("GET", "/", JSON, None)
    assert (await upstream.send("GET", "/again", JSON, None)).body == b"ok"
    assert [len(c) for c in server.connections] == [2, 1]


async def test_an_origin_that_does_not_answer_in_time_is_a_timeout_and_its_connection_dropped(
    origin: Any,
) -> None:
    async def late(request: bytes, connection: int, number: int) -> bytes | None:
        if connection == 1:
            await asyncio.sleep(0.5)
        return answer("200 OK", f"{connection}".encode())

    server, upstream = await origin(late, total=0.2)
    with pytest.raises(UpstreamTimeout, match="did not answer in time"):
        await upstream.send("POST", "/", JSON, b"{}")
    await asyncio.sleep(0.4)  # the late answer arrives: no later request may read it as its own
    assert (await upstream.send("GET", "/", JSON, None)).body == b"2"
    assert methods(server) == [b"POST", b"GET"]


async def test_an_origin_that_refuses_connections_is_unavailable_with_nothing_sent(
    unused_tcp_port: int,
) -> None:
    upstream = Upstream.open(
        URL(f"http://127.0.0.1:{unused_tcp_port}"),
        connect_timeout=1, timeout=2, max_connections=2,
    )  # fmt: skip
    try:
        with pytest.raises(UpstreamUnavailable, match="was not sent"):
            await upstream.send("POST", "/", JSON, b"{}")
    finally:
        await upstream.close()


async def test_tls_to_the_origin_trusts_the_configured_ca_and_nothing_else(
    origin: Any, tmp_path: Path
) -> None:
    ca = TestCA.create(tmp_path / "tls")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(ca.cert_pem, ca.key_pem)
    server, trusting = await origin(ssl_context=context, ca_file=ca.ca_pem)
    for _ in range(2):
        assert (await trusting.send("GET", "/", JSON, None)).body == b"ok"
    assert len(server.connections) == 1
    _, untrusting = await origin(ssl_context=context)  # the system's CAs do not know this one
    with pytest.raises(UpstreamUnavailable, match="was not sent"):
        await untrusting.send("GET", "/", JSON, None)
