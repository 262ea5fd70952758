"""Fixtures: a seeded sandbox instance and a client that speaks its REST APIs."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from guardrail.sandbox.servicenow import INSTANCE, InstanceStore, create_app

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


@pytest.fixture
async def client(aiohttp_client: Any) -> TestClient[Any, Any]:
    return await aiohttp_client(create_app())  # type: ignore[no-any-return]


@pytest.fixture
def now(client: TestClient[Any, Any]) -> Now:
    return Now(client)


@pytest.fixture
def store(client: TestClient[Any, Any]) -> InstanceStore:
    found: InstanceStore = client.app[INSTANCE]
    return found
