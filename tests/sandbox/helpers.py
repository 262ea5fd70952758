"""Helpers for the sandbox tests: the API's base path, the sandbox's token and a client."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

BASE = "/services/data/v59.0"
AUTH = {"Authorization": "Bearer sandbox-token"}

ClientFactory = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]


class Api:
    """Calls below /services/data/v59.0 with a valid token; answers (status, JSON body)."""

    def __init__(self, client: TestClient[Any, Any]) -> None:
        self.client = client
        self.headers: Mapping[str, str] = {}  # of the last response

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, Any]:
        payload: dict[str, Any] = {"data": raw} if raw is not None else {"json": body}
        sent = {**AUTH, **(headers or {})}
        response = await self.client.request(method, BASE + path, headers=sent, **payload)
        self.headers = response.headers
        text = await response.text()
        return response.status, (json.loads(text) if text else None)

    async def get(self, path: str, headers: Mapping[str, str] | None = None) -> tuple[int, Any]:
        return await self.call("GET", path, headers=headers)

    async def post(self, path: str, body: Any) -> tuple[int, Any]:
        return await self.call("POST", path, body)

    async def patch(
        self, path: str, body: Any, headers: Mapping[str, str] | None = None
    ) -> tuple[int, Any]:
        return await self.call("PATCH", path, body, headers=headers)

    async def delete(self, path: str, headers: Mapping[str, str] | None = None) -> tuple[int, Any]:
        return await self.call("DELETE", path, headers=headers)
