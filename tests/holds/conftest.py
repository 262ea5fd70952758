"""Fixtures for the held-write tests: a Redis prefix of their own, a sandbox CRM over TLS."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from guardrail.sandbox import create_app
from guardrail.sandbox.app import STORE
from guardrail.testing import LoopThread, TestCA, start_app
from tests.holds.helpers import REDIS_URL, Webhook


@pytest.fixture(scope="module")
def redis_prefix() -> Iterator[str]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail("Redis is not running at 127.0.0.1:6379")
        pytest.skip("Redis is not running")
    prefix = f"guardrail-holds-{uuid.uuid4().hex[:8]}:"
    yield prefix
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


@pytest.fixture(scope="module")
def sandbox_crm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, TestCA]]:
    """The sandbox CRM in this process (so killing a proxy leaves it standing), its store,
    and a CA for the proxies' TLS."""
    thread = LoopThread()
    app = create_app()
    runner, url = thread.call(start_app(app))
    try:
        yield url, app[STORE], TestCA.create(tmp_path_factory.mktemp("tls"))
    finally:
        thread.call(runner.cleanup())
        thread.close()


@pytest.fixture(scope="module")
def webhook() -> Iterator[Webhook]:
    """The platform's webhook, keeping every settled hold pushed to it."""
    hook = Webhook()
    yield hook
    hook.server.shutdown()
