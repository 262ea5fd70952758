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
from guardrail.testing import LoopThread, Stack, TestCA, start_app
from tests.auditdb import postgres_schema
from tests.holds.helpers import REDIS_URL, ProxyProcess, Webhook, token_stack


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


@pytest.fixture
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL schema for the replicas' shared audit store."""
    with postgres_schema() as dsn:
        yield dsn


@pytest.fixture(scope="module")
def token_mode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack in token mode (tests/holds/helpers.token_stack), one per test module."""
    with token_stack(tmp_path_factory.mktemp("holds-token-mode")) as running:
        yield running


@pytest.fixture
def replicas(
    sandbox_crm: tuple[str, Any, TestCA], postgres: str, redis_prefix: str
) -> Iterator[tuple[ProxyProcess, ProxyProcess, Any]]:
    """Two proxy processes sharing one PostgreSQL audit store and Redis, and the sandbox's
    store."""
    url, store, tls = sandbox_crm
    first = ProxyProcess(url, tls, postgres, redis_prefix)
    try:
        second = ProxyProcess(url, tls, postgres, redis_prefix)
    except BaseException:
        first.stop()
        raise
    try:
        yield first, second, store
    finally:
        first.stop()
        second.stop()
