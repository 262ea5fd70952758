"""Helpers for the sink tests: a local receiver of alerts."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


class Receiver:
    """Records what it is sent; fails the first ``failures`` requests with 503."""

    def __init__(self, failures: int = 0) -> None:
        self.bodies: list[Any] = []
        self.failures = failures

    def app(self) -> web.Application:
        async def receive(request: web.Request) -> web.Response:
            if self.failures > 0:
                self.failures -= 1
                return web.Response(status=503)
            self.bodies.append(await request.json())
            return web.Response(status=200)

        app = web.Application()
        app.router.add_post("/{tail:.*}", receive)
        return app


async def serve(receiver: Receiver) -> TestServer:
    server = TestServer(receiver.app())
    await server.start_server()
    return server
