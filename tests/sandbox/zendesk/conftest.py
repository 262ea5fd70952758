"""Fixtures: the seeded Zendesk sandbox app and a client of its Support API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from guardrail.sandbox.zendesk import ZENDESK_STORE, create_app
from tests.sandbox.zendesk.helpers import Api

ClientFactory = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]


@pytest.fixture
async def zd(aiohttp_client: ClientFactory) -> Api:
    app = create_app()
    return Api(await aiohttp_client(app), app[ZENDESK_STORE])
