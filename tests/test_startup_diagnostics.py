"""A dependency that is wrong at start is named at start: in the log (once, with its cause) and
on /readyz; fixing it turns the proxy ready without a restart."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from guardrail.app import build
from guardrail.config import Settings
from guardrail.sandbox import create_app
from tests.auditdb import POSTGRES, require_postgres
from tests.conftest import Serving, free_port, parameters_pack


@pytest.fixture
def serving() -> Iterator[list[Serving]]:
    started: list[Serving] = []
    yield started
    for proc in started:
        proc.stop()


def sql(*statements: str, dsn: str = POSTGRES) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(dsn)
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


def unavailable(serve: Serving, dependency: str) -> list[str]:
    return [
        e["reason"] for e in serve.events("dependency_unavailable") if e["dependency"] == dependency
    ]


def test_a_wrong_postgresql_database_is_named_at_start_and_creating_it_turns_ready(
    tmp_path: Path, serving: list[Serving]
) -> None:
    require_postgres()
    name = f"guardrail_missing_{uuid.uuid4().hex[:8]}"
    dsn = POSTGRES.rsplit("/", 1)[0] + f"/{name}"
    serve = Serving(tmp_path, GUARDRAIL_AUDIT_DSN=dsn)
    serving.append(serve)
    body = serve.readyz(ready=False)
    assert body["dependencies"]["audit_log"]["ok"] is False
    assert f'database "{name}" does not exist' in body["dependencies"]["audit_log"]["reason"]
    assert body["unready_because"][0].startswith("audit_log: ")
    [reason] = unavailable(serve, "audit_log")  # logged at start, once
    assert f'database "{name}" does not exist' in reason
    sql(f"CREATE DATABASE {name}")
    try:
        assert serve.readyz(ready=True)["dependencies"]["audit_log"]["ok"] is True
        assert [e["dependency"] for e in serve.events("dependency_available")] == [
            "conversation_store",
            "audit_log",
        ]
    finally:
        serve.stop()
        sql(f"DROP DATABASE {name} WITH (FORCE)")


def test_a_search_path_schema_the_role_may_not_create_is_named_and_creating_it_turns_ready(
    tmp_path: Path, serving: list[Serving]
) -> None:
    require_postgres()
    role, schema = f"guardrail_role_{uuid.uuid4().hex[:8]}", f"audit_{uuid.uuid4().hex[:8]}"
    sql(f"CREATE ROLE {role} LOGIN")
    dsn = POSTGRES.replace("postgres@", f"{role}@") + f"?search_path={schema}"
    try:
        serve = Serving(tmp_path, GUARDRAIL_AUDIT_DSN=dsn)
        serving.append(serve)
        reason = serve.readyz(ready=False)["dependencies"]["audit_log"]["reason"]
        assert f"schema '{schema}' (search_path) does not exist" in reason
        assert f"role '{role}' may not create it" in reason
        assert f'CREATE SCHEMA "{schema}" AUTHORIZATION "{role}"' in reason
        assert unavailable(serve, "audit_log") == [reason]
        sql(f"CREATE SCHEMA {schema} AUTHORIZATION {role}")
        serve.readyz(ready=True)
        serve.stop()
    finally:
        sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE", f"DROP ROLE {role}")


def test_a_search_path_schema_that_does_not_exist_is_created_when_the_role_may(
    tmp_path: Path, serving: list[Serving]
) -> None:
    require_postgres()
    schema = f"audit_{uuid.uuid4().hex[:8]}"
    serve = Serving(tmp_path, GUARDRAIL_AUDIT_DSN=f"{POSTGRES}?search_path={schema}")
    serving.append(serve)
    try:
        serve.readyz(ready=True)
        assert unavailable(serve, "audit_log") == []
        [created] = serve.events("audit_schema_created")
        assert created["schema"] == schema
    finally:
        serve.stop()
        sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def test_a_wrong_redis_url_is_named_at_start_and_starting_redis_turns_ready(
    tmp_path: Path, serving: list[Serving]
) -> None:
    port = free_port()
    serve = Serving(tmp_path, GUARDRAIL_REDIS_URL=f"redis://127.0.0.1:{port}/0")
    serving.append(serve)
    body = serve.readyz(ready=False)
    store = body["dependencies"]["conversation_store"]
    assert store["ok"] is False
    assert "Redis does not answer" in store["reason"]
    assert f"127.0.0.1:{port}" in store["reason"]
    assert body["unready_because"] == [f"conversation_store: {store['reason']}"]
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        serve.readyz(ready=True)
        serve.readyz(ready=True)  # probed again: still one line for the failure, one for the fix
    finally:
        redis.terminate()
        redis.wait(timeout=10)
    assert len(unavailable(serve, "conversation_store")) == 1
    assert [e["dependency"] for e in serve.events("dependency_available")].count(
        "conversation_store"
    ) == 1


def check_config(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    pack = parameters_pack(tmp_path / "policies")
    return subprocess.run(
        [sys.executable, "-m", "guardrail", "serve", "--check-config", "--policies", str(pack),
         "--upstream", "http://127.0.0.1:9", "--auth-mode", "passthrough", *args],
        capture_output=True, text=True, env={**os.environ, **env}, timeout=60,
    )  # fmt: skip


def test_check_config_probes_every_dependency_and_exits_naming_what_is_wrong(
    tmp_path: Path,
) -> None:
    good = check_config(tmp_path / "good")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "audit_log: ok" in good.stdout
    assert "conversation_store: ok" in good.stdout
    port = free_port()
    bad = check_config(tmp_path / "bad", GUARDRAIL_REDIS_URL=f"redis://127.0.0.1:{port}/0")
    assert bad.returncode == 1
    assert "conversation_store: FAILED: Redis does not answer" in bad.stdout
    assert f"127.0.0.1:{port}" in bad.stdout
    broken = check_config(tmp_path / "broken", GUARDRAIL_TIMEOUTS__UPSTREAM="soon")
    assert broken.returncode == 2
    assert "timeouts.upstream" in broken.stderr


async def test_a_crm_credential_the_crm_refuses_is_named_on_readyz_without_taking_it_unready(
    case_pack: Path, aiohttp_server: Any, aiohttp_client: Any
) -> None:
    crm = await aiohttp_server(create_app())
    settings = Settings(
        upstream=str(crm.make_url("")),
        policies=case_pack,
        auth_mode="token",
        credential={"access_token": "not-the-sandbox-token"},
    )
    guardrail = build(settings)
    guardrail.ready = True  # as running() sets it once listening
    await aiohttp_client(guardrail.proxy_app())
    admin = await aiohttp_client(guardrail.admin_app())
    answer = await admin.get("/readyz")
    body = await answer.json()
    assert answer.status == 200  # the CRM is every replica's: it does not gate readiness
    assert body["dependencies"]["crm_credential"]["ok"] is True
    describe = body["dependencies"]["crm_describe"]
    assert describe == describe | {"ok": False, "required": False}
    assert "HTTP 401 (the CRM refused the proxy's credential)" in describe["reason"]
