"""The audit log in the proxy: each answer's decision is in the log before the answer leaves,
writes fail closed while it cannot record (or open, when configured), and /readyz follows it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from guardrail.app import Guardrail, build
from guardrail.config import Settings
from guardrail.sandbox import STORE, create_app
from guardrail.testing import SANDBOX_TOKEN
from tests.helpers import parameters_pack

CASES = "/services/data/v59.0/sobjects/Case"
HEADERS = {"Authorization": f"Bearer {SANDBOX_TOKEN}", "X-Guardrail-Agent": "agent-7"}


async def stack(
    tmp_path: Path, aiohttp_server: Any, aiohttp_client: Any, **settings: Any
) -> tuple[Guardrail, Any, Any, Any]:
    sandbox = create_app()
    crm = await aiohttp_server(sandbox)
    guardrail = build(
        Settings(
            upstream=str(crm.make_url("")).rstrip("/"),
            policies=parameters_pack(tmp_path / "policies"),
            listen="127.0.0.1:0",
            admin_listen="127.0.0.1:0",
            auth_mode="passthrough",  # the agent brings the sandbox's token
            **settings,
        )
    )
    proxy = await aiohttp_client(guardrail.proxy_app())  # starts the audit log
    admin = await aiohttp_client(guardrail.admin_app())
    guardrail.ready = True
    return guardrail, proxy, admin, sandbox[STORE]


async def test_each_answer_is_on_record_before_it_leaves(
    tmp_path: Path, aiohttp_server: Any, aiohttp_client: Any
) -> None:
    guardrail, proxy, admin, _ = await stack(
        tmp_path, aiohttp_server, aiohttp_client, audit_dsn=f"sqlite:///{tmp_path / 'a.db'}"
    )
    blocked = await proxy.post(CASES, json={"Subject": "x", "Status": "Open"}, headers=HEADERS)
    allowed = await proxy.post(CASES, json={"Subject": "fine"}, headers=HEADERS)
    assert (blocked.status, allowed.status) == (400, 201)
    storage = guardrail.audit.storage
    block = await storage.decision(blocked.headers["X-Guardrail-Decision-Id"])
    allow = await storage.decision(allowed.headers["X-Guardrail-Decision-Id"])
    assert block is not None
    assert allow is not None
    assert block.body["decision"] == "block"
    assert block.body["agent"] == "agent-7"
    assert block.body["violations"][0]["rule"] == "ParameterValidation.enum"
    assert allow.body["upstream_status"] == 201
    assert allow.body["intents"][0]["saved_id"] == (await allowed.json())["id"]
    assert SANDBOX_TOKEN not in block.entry.body.decode() + allow.entry.body.decode()
    listed = await (await admin.get("/guardrail/v1/decisions?agent=agent-7")).json()
    assert [d["decision"] for d in listed["decisions"]] == ["allow", "block"]
    ready = await admin.get("/readyz")
    assert ready.status == 200
    assert (await ready.json())["audit_log"] is True


async def test_writes_fail_closed_while_the_log_cannot_record(
    tmp_path: Path, aiohttp_server: Any, aiohttp_client: Any
) -> None:
    dsn = f"sqlite:///{tmp_path / 'missing' / 'a.db'}"
    _, proxy, admin, store = await stack(tmp_path, aiohttp_server, aiohttp_client, audit_dsn=dsn)
    cases = store.count("Case")
    refused = await proxy.post(CASES, json={"Subject": "fine"}, headers=HEADERS)
    assert refused.status == 503
    [error] = await refused.json()
    assert error["errorCode"] == "GUARDRAIL_AUDIT_UNAVAILABLE"
    assert refused.headers["X-Guardrail-Decision"] == "block"
    assert store.count("Case") == cases
    ready = await admin.get("/readyz")
    assert ready.status == 503
    assert (await ready.json())["audit_log"] is False


async def test_failing_open_forwards_writes_and_stays_ready(
    tmp_path: Path, aiohttp_server: Any, aiohttp_client: Any
) -> None:
    dsn = f"sqlite:///{tmp_path / 'missing' / 'a.db'}"
    _, proxy, admin, store = await stack(
        tmp_path, aiohttp_server, aiohttp_client, audit_dsn=dsn, audit_fail_open=True
    )
    cases = store.count("Case")
    allowed = await proxy.post(CASES, json={"Subject": "fine"}, headers=HEADERS)
    assert allowed.status == 201
    assert store.count("Case") == cases + 1
    ready = await admin.get("/readyz")
    assert ready.status == 200
    body = await ready.json()
    assert body["audit_log"] is False
    metrics = await (await admin.get("/metrics")).text()
    assert 'guardrail_audit_errors_total{store="sqlite"} 1.0' in metrics
