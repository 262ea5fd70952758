"""Fixtures: a seeded sandbox instance and a client that speaks its REST APIs."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from guardrail.sandbox.servicenow import INSTANCE, InstanceStore, create_app
from tests.sandbox.servicenow.helpers import Now


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
