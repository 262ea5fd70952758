"""Fixtures: a seeded sandbox app, its store, and a client that speaks its REST API."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from guardrail.sandbox import STORE, SandboxConfig, SandboxStore, create_app
from tests.sandbox.helpers import Api, ClientFactory


@pytest.fixture
def config() -> SandboxConfig:
    return SandboxConfig()


@pytest.fixture
def app(config: SandboxConfig) -> web.Application:
    return create_app(config)


@pytest.fixture
def store(app: web.Application) -> SandboxStore:
    return app[STORE]


@pytest.fixture
async def client(aiohttp_client: ClientFactory, app: web.Application) -> TestClient[Any, Any]:
    return await aiohttp_client(app)


@pytest.fixture
def sf(client: TestClient[Any, Any]) -> Api:
    return Api(client)
