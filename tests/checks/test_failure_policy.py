"""failurePolicy applies to CEL rules that error at run time, as in Kubernetes
ValidatingAdmissionPolicy: closed blocks naming the rule and the error, open lets the write
through with a warning; both are audited, logged and counted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web
from structlog.testing import capture_logs

from guardrail.app import build
from guardrail.config import Settings

CASE = "/services/data/v59.0/sobjects/Case"

POLICY = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {{name: priority}}
spec:
  match: {{objects: [Case]}}
  failurePolicy: {failure}
  rules:
    - name: HighPriorityNeedsReason
      expression: intent.fields.Priority != "High" || has(intent.fields.Reason)
      message: A high-priority case needs a Reason.
"""


async def write_without_priority(
    tmp_path: Path, failure: str, aiohttp_server: Any, aiohttp_client: Any
) -> tuple[Any, list[bytes], dict[str, Any], bytes, list[dict[str, Any]]]:
    """Writes a Case lacking the field the rule reads; returns the answer, what reached the
    CRM, the audited decision, the metrics and the log lines."""
    received: list[bytes] = []

    async def crm(request: web.Request) -> web.Response:
        received.append(await request.read())
        body = {"id": "500000000000009AAA", "success": True, "errors": []}
        return web.json_response(body, status=201)

    upstream = web.Application()
    upstream.router.add_post(CASE, crm)
    server = await aiohttp_server(upstream)
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "p.yaml").write_text(POLICY.format(failure=failure))
    guardrail = build(
        Settings(
            upstream=str(server.make_url("")),
            policies=tmp_path / "policies",
            auth_mode="passthrough",
            audit_dsn=f"sqlite:///{tmp_path / 'audit.db'}",
        )
    )
    with capture_logs() as lines:  # never reconfigures logging: loggers are cached
        proxy = await aiohttp_client(guardrail.proxy_app())
        admin = await aiohttp_client(guardrail.admin_app())
        response = await proxy.post(
            CASE, json={"Subject": "Router broken"}, headers={"Authorization": "Bearer t"}
        )
        decision_id = response.headers["X-Guardrail-Decision-Id"]
        audited = await (await admin.get(f"/guardrail/v1/decisions/{decision_id}")).json()
        metrics = await (await admin.get("/metrics")).read()
    return response, received, audited, metrics, lines


ERROR_SERIES = b'guardrail_rule_errors_total{policy="priority",rule="HighPriorityNeedsReason"} 1.0'


async def test_a_rule_that_errors_blocks_the_write_when_its_policy_fails_closed(
    tmp_path: Path, aiohttp_server: Any, aiohttp_client: Any
) -> None:
    response, received, audited, metrics, lines = await write_without_priority(
        tmp_path, "closed", aiohttp_server, aiohttp_client
    )
    assert response.status == 400
    [error] = await response.json()
    assert error["errorCode"] == "GUARDRAIL_RULE_ERROR"
    assert "HighPriorityNeedsReason could not be evaluated" in error["message"]
    assert "Priority" in error["message"]  # the error itself: the key the write lacks
    assert received == []
    assert audited["decision"] == "block"
    [violation] = audited["violations"]
    assert (violation["rule"], violation["action"]) == ("HighPriorityNeedsReason", "block")
    assert ERROR_SERIES in metrics
    [logged] = [line for line in lines if line["event"] == "rule_error"]
    assert (logged["policy"], logged["rule"], logged["action"]) == (
        "priority",
        "HighPriorityNeedsReason",
        "block",
    )


async def test_a_rule_that_errors_lets_the_write_through_with_a_warning_when_its_policy_fails_open(
    tmp_path: Path, aiohttp_server: Any, aiohttp_client: Any
) -> None:
    response, received, audited, metrics, lines = await write_without_priority(
        tmp_path, "open", aiohttp_server, aiohttp_client
    )
    assert response.status == 201
    assert response.headers["X-Guardrail-Decision"] == "allow"
    assert received == [b'{"Subject": "Router broken"}']
    assert audited["decision"] == "allow"
    [violation] = audited["violations"]
    assert (violation["rule"], violation["action"]) == ("HighPriorityNeedsReason", "warn")
    assert "fails open" in violation["message"]
    assert ERROR_SERIES in metrics
    [logged] = [line for line in lines if line["event"] == "rule_error"]
    assert logged["action"] == "warn"
    assert logged["decision_id"] == response.headers["X-Guardrail-Decision-Id"]
