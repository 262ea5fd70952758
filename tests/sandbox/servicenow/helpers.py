"""Helpers for the ServiceNow sandbox tests: an admin's credentials and a client."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from aiohttp.test_utils import TestClient

BASIC = {"Authorization": "Basic " + base64.b64encode(b"admin:sandbox-password").decode()}


class Now:
    """Calls to the instance as admin; answers (status, JSON body or None)."""

    def __init__(self, client: TestClient[Any, Any]) -> None:
        self.client = client
        self.headers: Mapping[str, str] = {}

    async def call(
        self, method: str, path: str, body: Any = None, *, headers: Mapping[str, str] = BASIC
    ) -> tuple[int, Any]:
        response = await self.client.request(method, path, json=body, headers=headers)
        self.headers = response.headers
        text = await response.text()
        return response.status, (json.loads(text) if text else None)
