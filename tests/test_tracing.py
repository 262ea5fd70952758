"""Tracing with the in-memory span exporter: spans, attributes, and the traceparent the CRM gets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from guardrail.app import build
from guardrail.config import Settings
from guardrail.tracing import Tracing

AGENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
AGENT_PARENT = "00f067aa0ba902b7"
CASE = "/services/data/v59.0/sobjects/Case"


async def test_a_write_is_a_span_in_the_agents_trace_and_the_crm_call_its_child(
    case_pack: Path, aiohttp_server: Any, aiohttp_client: Any
) -> None:
    seen: list[dict[str, str]] = []

    async def crm(request: web.Request) -> web.Response:
        seen.append(dict(request.headers))
        return web.json_response(
            {"id": "500000000000009AAA", "success": True, "errors": []}, status=201
        )

    upstream = web.Application()
    upstream.router.add_route("*", "/{tail:.*}", crm)
    server = await aiohttp_server(upstream)
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    guardrail = build(
        Settings(upstream=str(server.make_url("")), policies=case_pack, auth_mode="passthrough"),
        tracing=Tracing(provider),
    )
    client = await aiohttp_client(guardrail.proxy_app())

    headers = {
        "traceparent": f"00-{AGENT_TRACE}-{AGENT_PARENT}-01",
        "X-Guardrail-Tool": "create_case",
        "X-Guardrail-Conversation": "c-9",
    }
    assert (await client.post(CASE, json={"Subject": "x"}, headers=headers)).status == 201
    assert (
        await client.post(CASE, json={"Subject": "x", "Status": "Open"}, headers=headers)
    ).status == 400

    spans = exporter.get_finished_spans()
    crm_span, allowed, blocked = sorted(
        spans, key=lambda s: (s.name != "crm.request", s.start_time)
    )
    assert crm_span.kind is SpanKind.CLIENT
    assert allowed.kind is SpanKind.SERVER
    assert crm_span.parent is not None
    assert crm_span.parent.span_id == allowed.context.span_id
    for span in (allowed, blocked):
        assert f"{span.context.trace_id:032x}" == AGENT_TRACE  # the agent's trace continues
        assert span.parent is not None
        assert f"{span.parent.span_id:016x}" == AGENT_PARENT
        assert span.attributes is not None
        assert span.attributes["openinference.span.kind"] == "TOOL"
        assert span.attributes["tool.name"] == "create_case"
        assert span.attributes["guardrail.conversation"] == "c-9"
    assert allowed.attributes is not None
    assert blocked.attributes is not None
    assert allowed.attributes["guardrail.decision"] == "allow"
    assert blocked.attributes["guardrail.decision"] == "block"
    assert list(blocked.attributes["guardrail.rules"]) == ["case-fields/ParameterValidation.enum"]
    assert blocked.status.status_code.name == "ERROR"

    [forwarded] = seen  # only the allowed write reached the CRM, carrying the CRM span's context
    assert forwarded["traceparent"] == (f"00-{AGENT_TRACE}-{crm_span.context.span_id:016x}-01")


async def test_tracing_is_off_by_default(case_pack: Path) -> None:
    guardrail = build(
        Settings(upstream="http://127.0.0.1:9", policies=case_pack, auth_mode="passthrough")
    )
    assert guardrail.proxy.tracing.enabled is False


READ_BACK = """\
  post:
    readBack: true
    onFailure: revert
    rules:
      - name: SubjectKept
        expression: 'record.Subject == intent.fields.Subject'
        message: A trigger rewrote the subject.
"""


async def test_read_back_and_revert_are_crm_spans_of_the_write_they_verify(
    case_pack: Path, aiohttp_server: Any, aiohttp_client: Any
) -> None:
    """The proxy's one sender makes the read-back and the revert too: each a client span in
    the write's trace, carrying its context to the CRM."""
    policy = case_pack / "case.yaml"
    policy.write_text(policy.read_text() + READ_BACK)
    case_id = "500000000000009AAA"
    seen: list[tuple[str, str, str]] = []

    async def crm(request: web.Request) -> web.Response:
        seen.append((request.method, request.path, request.headers.get("traceparent", "")))
        if request.path.endswith("/composite"):  # write and read back: a trigger rewrote it
            saved = {
                "Id": case_id,
                "Subject": "rewritten",
                "LastModifiedDate": "2026-12-05T01:00:00Z",
            }
            return web.json_response({"compositeResponse": [
                {"referenceId": "guardrailWrite", "httpStatusCode": 201, "httpHeaders": {},
                 "body": {"id": case_id, "success": True, "errors": []}},
                {"referenceId": "guardrailAfter", "httpStatusCode": 200, "body": saved},
            ]})  # fmt: skip
        return web.Response(status=204)  # the revert: the created case deleted

    upstream = web.Application()
    upstream.router.add_route("*", "/{tail:.*}", crm)
    server = await aiohttp_server(upstream)
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    guardrail = build(
        Settings(upstream=str(server.make_url("")), policies=case_pack, auth_mode="passthrough"),
        tracing=Tracing(provider),
    )
    client = await aiohttp_client(guardrail.proxy_app())

    answer = await client.post(
        CASE, json={"Subject": "x"}, headers={"X-Guardrail-Conversation": "c-1"}
    )

    assert answer.status == 400
    assert answer.headers["X-Guardrail-Decision"] == "post-fail"
    assert [(method, path) for method, path, _ in seen] == [
        ("POST", "/services/data/v59.0/composite"),
        ("DELETE", f"/services/data/v59.0/sobjects/Case/{case_id}"),
    ]
    spans = exporter.get_finished_spans()
    [request] = [s for s in spans if s.name == "guardrail.request"]
    calls = sorted((s for s in spans if s.name == "crm.request"), key=lambda s: s.start_time)
    assert [s.attributes["http.request.method"] for s in calls if s.attributes] == [
        "POST",
        "DELETE",
    ]
    for call, (_, _, traceparent) in zip(calls, seen, strict=True):
        assert call.kind is SpanKind.CLIENT
        assert call.parent is not None
        assert call.parent.span_id == request.context.span_id
        assert traceparent.split("-")[2] == f"{call.context.span_id:016x}"
